// A stand-in for "the API stored it and a list returned it", for the pure diff tests: desired
// resources turned into list-call JSON the way @google-cloud/compute hands it over (absolute links,
// protobufjs `_x` keys, output-only fields, server defaults), then normalised like an observe does.
import {
  normalizeObserved,
  refOfLink,
  type DesiredResource,
  type Json,
  type ObservedLoadBalancer,
  type ObservedResource,
} from '../../../src/gcp/model/index.js';

const HOST = 'https://www.googleapis.com/compute/v1/';

function absolute(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith('projects/') ? HOST + v : v;
  if (Array.isArray(v)) return v.map(absolute);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      out[k] = absolute(x);
      out[`_${k}`] = k; // protobufjs virtual oneof key
    }
    return out;
  }
  return v;
}

export function echoResource(
  d: DesiredResource,
  project: string,
  ips: Map<string, string>,
  n: number,
): ObservedResource {
  const body: Json = JSON.parse(JSON.stringify(d.body)) as Json;
  if (d.ref.kind === 'address') body.address = ips.get(d.ref.name);
  if (d.ref.kind === 'forwardingRule') {
    const ref = refOfLink(String(body.IPAddress));
    body.IPAddress = ref ? ips.get(ref.name) : body.IPAddress;
  }
  if (d.ref.kind === 'backendService') body.connectionDraining = { drainingTimeoutSec: 0 };
  const raw = absolute({
    ...body,
    id: String(1000 + n),
    kind: `compute#${d.ref.kind}`,
    creationTimestamp: '2026-01-01T00:00:00.000-00:00',
    selfLink: `projects/${project}/global/x/${d.ref.name}`,
    fingerprint: `fp${n}AAAAAAA=`,
    customRequestHeaders: [],
    metadatas: {},
    ...(d.ref.zone ? { zone: `projects/${project}/zones/${d.ref.zone}`, size: d.members?.length ?? 0 } : {}),
  }) as Json;
  return normalizeObserved(d.ref.kind, raw, d.members ? { members: d.members.map((m) => HOST + m) } : {});
}

/** Every desired resource as observed after a perfect apply; addresses get 34.120.0.<n>. */
export function echoAll(
  resources: readonly DesiredResource[],
  project: string,
  extra: ObservedResource[] = [],
): ObservedLoadBalancer {
  const ips = new Map<string, string>();
  for (const r of extra) if (r.ref.kind === 'address') ips.set(r.ref.name, String(r.body.address));
  resources
    .filter((r) => r.ref.kind === 'address')
    .forEach((r, i) => ips.set(r.ref.name, ips.get(r.ref.name) ?? `34.120.0.${i + 1}`));
  return {
    project,
    resources: [...extra, ...resources.map((r, i) => echoResource(r, project, ips, i))],
  };
}

/** A user's own resource (no fedsync marker), e.g. a reserved address. */
export function userAddress(name: string, ip: string): ObservedResource {
  return normalizeObserved('address', { name, address: ip, _name: 'name', status: 'RESERVED' });
}
