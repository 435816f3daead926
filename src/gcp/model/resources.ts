// The Google Cloud resources of a load balancer as plain data: kinds, references, links, and the
// ownership marker fedsync writes into every resource's description.
import { GcpKind } from '../../model/index.js';
import type { GcpRef, Json, Owner, Sensitive } from '../../model/index.js';

export { GcpKind };
export type {
  GcpRef,
  Json,
  ObservedLoadBalancer,
  ObservedResource,
  Owner,
  Quota,
  Sensitive,
} from '../../model/index.js';

export const GCP_KINDS: readonly GcpKind[] = Object.values(GcpKind);

/** The Compute API collection of each kind, as it appears in links (`global/urlMaps/x`). */
export const COLLECTION_OF: Record<GcpKind, string> = {
  address: 'addresses',
  healthCheck: 'healthChecks',
  backendService: 'backendServices',
  instanceGroup: 'instanceGroups',
  urlMap: 'urlMaps',
  targetHttpProxy: 'targetHttpProxies',
  targetHttpsProxy: 'targetHttpsProxies',
  sslCertificate: 'sslCertificates',
  forwardingRule: 'forwardingRules',
  firewall: 'firewalls',
};

/** `urlMaps/<name>`, `zones/<zone>/instanceGroups/<name>`: how plans and reports name a resource. */
export function subjectOf(ref: GcpRef): string {
  const path = `${COLLECTION_OF[ref.kind]}/${ref.name}`;
  return ref.zone ? `zones/${ref.zone}/${path}` : path;
}

/** `projects/<p>/global/urlMaps/<name>`: the partial URL every reference in a request body uses. */
export function linkOf(project: string, ref: GcpRef): string {
  return `projects/${project}/${ref.zone ? `zones/${ref.zone}` : 'global'}/${COLLECTION_OF[ref.kind]}/${ref.name}`;
}

export function instanceLink(project: string, zone: string, instance: string): string {
  return `projects/${project}/zones/${zone}/instances/${instance}`;
}

export function networkLink(project: string, network: string): string {
  return `projects/${project}/global/networks/${network}`;
}

const linkPattern = /(?:^|\/)(projects\/[^/]+\/(?:global|zones\/[^/]+|regions\/[^/]+)\/[A-Za-z]+\/[^/?#]+)$/;

/**
 * The canonical `projects/…` form of a resource link in any form the API returns (absolute URL on any
 * host, partial path); undefined when the string is not a resource link.
 */
export function canonicalLink(value: string): string | undefined {
  return linkPattern.exec(value)?.[1];
}

/** The reference a canonical link names, when it is one of the kinds fedsync manages. */
export function refOfLink(link: string): GcpRef | undefined {
  const m = /^projects\/[^/]+\/(global|zones\/([^/]+))\/([A-Za-z]+)\/([^/]+)$/.exec(link);
  if (!m) return undefined;
  const kind = GCP_KINDS.find((k) => COLLECTION_OF[k] === m[3]);
  if (!kind) return undefined;
  return m[2] ? { kind, name: m[4]!, zone: m[2] } : { kind, name: m[4]! };
}

/** The marker fedsync writes into the `description` of every resource it creates (see Owner). */
export function ownerDescription(owner: Owner): string {
  return JSON.stringify({ fedsync: owner });
}

/** The owner a description names; undefined when it is not fedsync's marker. */
export function parseOwner(description: unknown): Owner | undefined {
  if (typeof description !== 'string' || !description.startsWith('{')) return undefined;
  try {
    const parsed = (JSON.parse(description) as { fedsync?: unknown }).fedsync as Record<string, unknown>;
    if (!parsed || typeof parsed.federation !== 'string') return undefined;
    const owner: Owner = { federation: parsed.federation };
    if (typeof parsed.ingress === 'string') owner.ingress = parsed.ingress;
    if (typeof parsed.cluster === 'string') owner.cluster = parsed.cluster;
    if (typeof parsed.spec === 'string') owner.spec = parsed.spec;
    return owner;
  } catch {
    return undefined;
  }
}

export function sensitive(value: string, label: string): Sensitive {
  const shown = `(sensitive: ${label})`;
  return Object.freeze({
    label,
    reveal: () => value,
    toJSON: () => shown,
    toString: () => shown,
    [Symbol.for('nodejs.util.inspect.custom')]: () => shown,
  });
}

/** A resource as fedsync wants it. `body` holds the request fields, references as `projects/…` links. */
export type DesiredResource = {
  ref: GcpRef;
  body: Json;
  owner: Owner;
  /** Instance groups: member instance links (sorted); null when unknown (left as they are). */
  members?: string[] | null;
  /** SSL certificates: the private key, sent on insert only. */
  privateKey?: Sensitive;
  /** Where the desired value comes from, for problems and plans (`Ingress/default/myingress`). */
  from?: string;
};

export function refKeyOf(ref: GcpRef): string {
  return subjectOf(ref);
}
