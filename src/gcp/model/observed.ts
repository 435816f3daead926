// Observed resources as the diff compares them: the list call's JSON without output-only fields,
// protobufjs's virtual oneof keys (`_name: 'name'`) and empty values (the client sends and returns
// `[]`/`{}` for unset repeated and map fields), with every resource link in canonical `projects/…`
// form whatever host the API answered from.
import { canonicalLink, parseOwner, type GcpKind, type Json, type ObservedResource } from './resources.js';

/** Fields the server owns: never compared, never sent back. */
const OUTPUT_ONLY = new Set([
  'id',
  'kind',
  'selfLink',
  'selfLinkWithId',
  'creationTimestamp',
  'fingerprint',
  'labelFingerprint',
  'status',
  'users',
  'usedBy',
  'size',
  'zone',
  'region',
  'expireTime',
  'subjectAlternativeNames',
  'selfManaged',
  'metadatas',
]);

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Strips `_x` keys and empty values, canonicalises links; recursive. */
export function cleanJson(value: unknown): unknown {
  if (typeof value === 'string') return canonicalLink(value) ?? value;
  if (Array.isArray(value)) return value.map(cleanJson).filter((v) => !isEmpty(v));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      if (k.startsWith('_')) continue;
      const c = cleanJson(v);
      if (!isEmpty(c)) out[k] = c;
    }
    return out;
  }
  return value;
}

export function normalizeObserved(
  kind: GcpKind,
  raw: Json,
  extra: { members?: string[] } = {},
): ObservedResource {
  const cleaned = cleanJson(raw) as Json;
  const body: Json = {};
  for (const [k, v] of Object.entries(cleaned)) if (!OUTPUT_ONLY.has(k)) body[k] = v;
  const zoneLink = typeof raw.zone === 'string' ? raw.zone : undefined;
  const zone = zoneLink ? zoneLink.split('/').pop() : undefined;
  const name = typeof raw.name === 'string' ? raw.name : '';
  const owner = parseOwner(raw.description);
  return {
    ref: zone ? { kind, name, zone } : { kind, name },
    body,
    ...(typeof raw.fingerprint === 'string' && raw.fingerprint !== ''
      ? { fingerprint: raw.fingerprint }
      : {}),
    ...(extra.members ? { members: [...extra.members].map((m) => canonicalLink(m) ?? m).sort() } : {}),
    ...(owner ? { owner } : {}),
  };
}
