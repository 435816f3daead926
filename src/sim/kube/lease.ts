// What a real API server does with a coordination.k8s.io/v1 Lease beyond generic validation. Its
// decoder parses MicroTime with Go's layout `2006-01-02T15:04:05.000000Z07:00` — exactly six
// fractional digits, so the three of Date#toISOString are refused with 400 — and writes it back in
// UTC; the integer fields must be integers; validation wants a positive duration and non-negative
// transitions (pkg/apis/coordination/validation in Kubernetes).
import { isObject, type JsonObject } from './json.js';
import { badRequest, type StatusCause } from './status.js';

const MICRO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const MICRO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})(Z|[+-]\d{2}:\d{2})$/;
const MAX_INT32 = 2 ** 31 - 1;

const cannot = (why: string) => badRequest(`Lease in version "v1" cannot be handled as a Lease: ${why}`);

/** A MicroTime in its canonical UTC form; undefined when Go's parser would refuse it. */
export function canonicalMicroTime(value: string): string | undefined {
  const m = MICRO.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m.map((x): string => x ?? '');
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(base);
  // Date.UTC rolls 2026-02-30 over into March; Go reports "day out of range" instead.
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23)
    return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const sign = zone?.startsWith('-') ? -1 : 1;
    offsetMin = sign * (Number(zone?.slice(1, 3)) * 60 + Number(zone?.slice(4, 6)));
  }
  const utc = new Date(base - offsetMin * 60_000).toISOString().slice(0, 19);
  return `${utc}.${frac}Z`;
}

/** Decodes a Lease body in place (times to UTC); throws 400 BadRequest as the real decoder does. */
export function decodeLease(obj: JsonObject): void {
  if (obj.spec === undefined || obj.spec === null) return;
  if (!isObject(obj.spec))
    throw cannot('json: cannot unmarshal into Go struct field Lease.spec of type v1.LeaseSpec');
  const spec = obj.spec;
  for (const field of ['acquireTime', 'renewTime'] as const) {
    const v = spec[field];
    if (v === undefined) continue;
    if (v === null) {
      delete spec[field];
      continue;
    }
    const canonical = typeof v === 'string' ? canonicalMicroTime(v) : undefined;
    if (canonical === undefined) {
      const shown = typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v;
      throw cannot(`parsing time ${shown} as "${MICRO_LAYOUT}": spec.${field} needs six fractional digits`);
    }
    spec[field] = canonical;
  }
  for (const field of ['leaseDurationSeconds', 'leaseTransitions'] as const) {
    const v = spec[field];
    if (v === undefined) continue;
    if (v === null) {
      delete spec[field];
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_INT32) {
      throw cannot(
        `json: cannot unmarshal ${typeof v === 'number' ? 'number' : typeof v} into Go struct field LeaseSpec.spec.${field} of type int32`,
      );
    }
  }
  for (const field of ['holderIdentity', 'strategy', 'preferredHolder'] as const) {
    const v = spec[field];
    if (v === null) delete spec[field];
    else if (v !== undefined && typeof v !== 'string')
      throw cannot(
        `json: cannot unmarshal ${typeof v} into Go struct field LeaseSpec.spec.${field} of type string`,
      );
  }
}

export function validateLease(obj: JsonObject): StatusCause[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const causes: StatusCause[] = [];
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${duration}: must be greater than 0`,
      field: 'spec.leaseDurationSeconds',
    });
  }
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${transitions}: must be greater than or equal to 0`,
      field: 'spec.leaseTransitions',
    });
  }
  return causes;
}
