// The Google Cloud resources of a load balancer as plain data: kinds, references, links, and the
// ownership marker fedsync writes into every resource's description.
import type { ClusterName } from '../../model/index.js';

export const GcpKind = {
  address: 'address',
  healthCheck: 'healthCheck',
  backendService: 'backendService',
  instanceGroup: 'instanceGroup',
  urlMap: 'urlMap',
  targetHttpProxy: 'targetHttpProxy',
  targetHttpsProxy: 'targetHttpsProxy',
  sslCertificate: 'sslCertificate',
  forwardingRule: 'forwardingRule',
  firewall: 'firewall',
} as const;
export type GcpKind = (typeof GcpKind)[keyof typeof GcpKind];

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

/** One resource: global, or zonal (instance groups) with its zone. */
export type GcpRef = { kind: GcpKind; name: string; zone?: string };

export type Json = Record<string, unknown>;

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

/**
 * Who a resource belongs to, written as JSON into its `description` when fedsync creates it:
 * `{"fedsync":{"federation":"demo","ingress":"default/myingress"}}` for an Ingress's own resources,
 * no `ingress` for the ones every Ingress shares (backends, health checks, groups, firewall).
 */
export type Owner = { federation: string; ingress?: string; cluster?: ClusterName };

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
    return owner;
  } catch {
    return undefined;
  }
}

/**
 * A value that must reach the API but nothing else (a private key): JSON, template strings and
 * `util.inspect` show only the label; `reveal()` is called by the adapter at the moment of the call.
 */
export type Sensitive = {
  readonly label: string;
  reveal(): string;
  toJSON(): string;
  toString(): string;
};

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

/** A resource as a list call returned it, normalised (see normalizeObserved). */
export type ObservedResource = {
  ref: GcpRef;
  body: Json;
  fingerprint?: string;
  /** Instance groups: member instance links (sorted), from listInstances. */
  members?: string[];
  /** From the description; undefined when fedsync did not create it. */
  owner?: Owner;
};

/** A quota of the project, as `projects.get` reports it. */
export type Quota = { metric: string; limit: number; usage: number };

/** What one observe cycle found: fedsync's resources plus the user's resources the Ingresses name. */
export type ObservedLoadBalancer = {
  project: string;
  resources: ObservedResource[];
  quotas?: Quota[];
  /** Instance link → network tags, for the instances the observe was asked about. */
  instanceTags?: Record<string, string[]>;
};

export function refKeyOf(ref: GcpRef): string {
  return subjectOf(ref);
}
