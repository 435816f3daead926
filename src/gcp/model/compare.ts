// Comparison of a desired resource with an observed one, field by field over the fields fedsync owns.
// Both sides are put in canonical form first (order-insensitive lists sorted, API defaults filled
// in) so a resource fedsync wrote compares equal to itself whatever order or defaults the API
// returns. Nested objects compare on the keys fedsync sets; fields the API adds are not fedsync's.
import type { FieldChange } from '../../model/index.js';
import type { GcpKind, Json } from './resources.js';

/** Top-level fields fedsync owns per kind; all others are the API's or someone else's. */
export const OWNED_FIELDS: Record<GcpKind, readonly string[]> = {
  address: [],
  healthCheck: [
    'type',
    'httpHealthCheck',
    'checkIntervalSec',
    'timeoutSec',
    'healthyThreshold',
    'unhealthyThreshold',
  ],
  backendService: ['protocol', 'portName', 'healthChecks', 'backends', 'timeoutSec', 'sessionAffinity'],
  instanceGroup: ['namedPorts'],
  urlMap: ['defaultService', 'hostRules', 'pathMatchers'],
  targetHttpProxy: ['urlMap'],
  targetHttpsProxy: ['urlMap', 'sslCertificates'],
  sslCertificate: [],
  forwardingRule: ['IPAddress', 'IPProtocol', 'portRange', 'loadBalancingScheme', 'target'],
  firewall: ['network', 'direction', 'priority', 'sourceRanges', 'allowed', 'targetTags'],
};

/** Fields that cannot change in place: a change replaces the resource. */
export const IMMUTABLE_FIELDS: Partial<Record<GcpKind, readonly string[]>> = {
  forwardingRule: ['IPAddress', 'IPProtocol', 'portRange', 'loadBalancingScheme'],
  firewall: ['network', 'direction'],
};

/** What the API means when a field is absent (dotted path, list indices left out). */
const DEFAULTS: Partial<Record<GcpKind, Record<string, unknown>>> = {
  healthCheck: {
    'httpHealthCheck.proxyHeader': 'NONE',
    'httpHealthCheck.portSpecification': 'USE_FIXED_PORT',
  },
  backendService: { sessionAffinity: 'NONE', 'backends.capacityScaler': 1 },
  forwardingRule: { IPProtocol: 'TCP', loadBalancingScheme: 'EXTERNAL' },
  firewall: { direction: 'INGRESS', priority: 1000 },
};

type Any = unknown;

function byKey<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

const first = (x: Any, field: string): string => {
  const v = (x as Json)?.[field];
  return Array.isArray(v) ? String(v[0]) : String(v);
};

/** The canonical form of a body of this kind (a copy). */
export function canonicalBody(kind: GcpKind, body: Json): Json {
  const b: Json = JSON.parse(JSON.stringify(body)) as Json;
  const list = (f: string) => (Array.isArray(b[f]) ? (b[f] as Any[]) : undefined);
  switch (kind) {
    case 'backendService':
      list('backends')?.sort(byKey((x) => first(x, 'group')));
      break;
    case 'urlMap':
      list('hostRules')?.sort(byKey((x) => first(x, 'hosts')));
      for (const h of list('hostRules') ?? []) ((h as Json).hosts as Any[] | undefined)?.sort();
      list('pathMatchers')?.sort(byKey((x) => first(x, 'name')));
      for (const m of list('pathMatchers') ?? []) {
        const rules = (m as Json).pathRules as Any[] | undefined;
        for (const r of rules ?? []) ((r as Json).paths as Any[] | undefined)?.sort();
        rules?.sort(byKey((x) => first(x, 'paths')));
      }
      break;
    case 'instanceGroup':
      list('namedPorts')?.sort(byKey((x) => first(x, 'name')));
      break;
    case 'forwardingRule': {
      const p = b.portRange;
      if (typeof p === 'string' && /^\d+$/.test(p)) b.portRange = `${p}-${p}`;
      break;
    }
    case 'firewall':
      list('sourceRanges')?.sort();
      list('targetTags')?.sort();
      for (const a of list('allowed') ?? []) {
        const rule = a as Json;
        if (typeof rule.IPProtocol === 'string') rule.IPProtocol = rule.IPProtocol.toLowerCase();
        (rule.ports as Any[] | undefined)?.sort();
      }
      list('allowed')?.sort(byKey((x) => first(x, 'IPProtocol')));
      break;
    case 'address':
    case 'healthCheck':
    case 'targetHttpProxy':
    case 'targetHttpsProxy':
    case 'sslCertificate':
      break;
  }
  return b;
}

function isEmpty(v: Any): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function sameScalar(a: Any, b: Any): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  return a === b;
}

function compareAt(kind: GcpKind, d: Any, o: Any, path: string, schema: string, out: FieldChange[]): void {
  const def = DEFAULTS[kind]?.[schema];
  const dv = isEmpty(d) ? def : d;
  const ov = isEmpty(o) ? def : o;
  if (isEmpty(dv) && isEmpty(ov)) return;
  if (Array.isArray(dv) && Array.isArray(ov)) {
    if (dv.length !== ov.length) {
      out.push({ path, from: ov, to: dv });
      return;
    }
    dv.forEach((x, i) => compareAt(kind, x, ov[i], `${path}[${i}]`, schema, out));
    return;
  }
  if (dv && typeof dv === 'object' && !Array.isArray(dv)) {
    if (!ov || typeof ov !== 'object' || Array.isArray(ov)) {
      out.push({ path, from: ov, to: dv });
      return;
    }
    for (const [k, v] of Object.entries(dv as Json)) {
      compareAt(kind, v, (ov as Json)[k], `${path}.${k}`, `${schema}.${k}`, out);
    }
    return;
  }
  if (!sameScalar(dv, ov))
    out.push({ path, ...(ov !== undefined ? { from: ov } : {}), ...(dv !== undefined ? { to: dv } : {}) });
}

/** The owned fields that differ, desired (`to`) against observed (`from`), both canonical. */
export function ownedChanges(kind: GcpKind, desired: Json, observed: Json): FieldChange[] {
  const d = canonicalBody(kind, desired);
  const o = canonicalBody(kind, observed);
  const out: FieldChange[] = [];
  for (const field of OWNED_FIELDS[kind]) compareAt(kind, d[field], o[field], field, field, out);
  return out;
}

/** The top-level field a change path belongs to (`backends[1].capacityScaler` → `backends`). */
export function topField(path: string): string {
  return /^[^.[]+/.exec(path)?.[0] ?? path;
}
