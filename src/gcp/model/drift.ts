// Drift on the load balancer: a resource someone changed outside fedsync (a URL map edited in the
// console). Every kind fedsync updates whole — health checks, backend services, URL maps, the
// firewall — carries in its marker a digest of the fields fedsync wrote (`Owner.spec`). When the
// observed digest equals the digest of what Git wants now, Git has not changed since fedsync wrote
// the resource, so fields that differ were changed by someone else: drift, corrected when the
// federation's selfHeal is on, only reported otherwise. A digest that differs (or is absent) means
// Git changed: the update is applied whatever selfHeal says. Proxies, forwarding rules and instance
// groups take set-X calls and carry no digest; a difference there is always corrected.
import { createHash } from 'node:crypto';
import type { GcpKind, Json, LoadBalancerAction, ObservedLoadBalancer } from '../../model/index.js';
import { canonicalBody, OWNED_FIELDS } from './compare.js';
import type { DesiredLoadBalancer } from './design.js';
import { ownerDescription, subjectOf } from './resources.js';

export const DIGESTED_KINDS: ReadonlySet<GcpKind> = new Set<GcpKind>([
  'healthCheck',
  'backendService',
  'urlMap',
  'firewall',
]);

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Json)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** 16 hex digits of SHA-256 over the owned fields of a body, in canonical form. */
export function specDigest(kind: GcpKind, body: Json): string {
  const canonical = canonicalBody(kind, body);
  const owned = Object.fromEntries(OWNED_FIELDS[kind].map((f) => [f, canonical[f] ?? null]));
  return createHash('sha256').update(stableJson(owned)).digest('hex').slice(0, 16);
}

/** The desired resources of the digested kinds with their digest in the marker (a copy of what changes). */
export function withSpecDigests(desired: DesiredLoadBalancer): DesiredLoadBalancer {
  return {
    ...desired,
    resources: desired.resources.map((r) => {
      if (!DIGESTED_KINDS.has(r.ref.kind)) return r;
      const owner = { ...r.owner, spec: specDigest(r.ref.kind, r.body) };
      return { ...r, owner, body: { ...r.body, description: ownerDescription(owner) } };
    }),
  };
}

/**
 * Marks the updates that correct drift; with selfHeal off they become skips that only report it.
 * `desired` must carry the digests (withSpecDigests).
 */
export function judgeDrift(
  steps: readonly LoadBalancerAction[],
  options: { desired: DesiredLoadBalancer; observed: ObservedLoadBalancer; selfHeal: boolean },
): LoadBalancerAction[] {
  const want = new Map(options.desired.resources.map((r) => [subjectOf(r.ref), r.owner.spec]));
  const have = new Map(options.observed.resources.map((r) => [subjectOf(r.ref), r.owner?.spec]));
  return steps.map((s) => {
    if (s.action !== 'update' || s.call !== 'update' || !DIGESTED_KINDS.has(s.ref.kind)) return s;
    const spec = want.get(s.subject);
    if (spec === undefined || have.get(s.subject) !== spec) return s;
    if (options.selfHeal)
      return { ...s, drift: true, reason: 'changed outside fedsync since it was applied (drift): corrected' };
    return {
      ...s,
      action: 'skip',
      drift: true,
      reason:
        'changed outside fedsync since it was applied (drift); selfHeal is off: reported, not corrected',
    };
  });
}
