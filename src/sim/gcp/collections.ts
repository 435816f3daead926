// The Compute collections the simulator serves, and which methods each of them has in the v1 API.

export const COLLECTION_NAMES = [
  'addresses',
  'healthChecks',
  'backendServices',
  'urlMaps',
  'targetHttpProxies',
  'targetHttpsProxies',
  'sslCertificates',
  'forwardingRules',
  'firewalls',
  'instanceGroups',
  'instances',
  'networks',
] as const;
export type CollectionName = (typeof COLLECTION_NAMES)[number];

export type CollectionSpec = {
  scope: 'global' | 'zonal';
  /** `compute#<kind>`; lists are `compute#<kind>List`, aggregated lists `compute#<kind>AggregatedList`. */
  kind: string;
  put: boolean;
  patch: boolean;
  /** Derived from the world: no insert, update or delete. */
  readOnly: boolean;
  /** Updates must carry the current `fingerprint`, else 412 conditionNotMet. */
  fingerprinted: boolean;
  /** Has `labels` + `labelFingerprint` and a setLabels method. */
  labels: boolean;
};

const base = { put: false, patch: false, readOnly: false, fingerprinted: false, labels: false };

export const COLLECTIONS: Record<CollectionName, CollectionSpec> = {
  addresses: { ...base, scope: 'global', kind: 'address', labels: true },
  healthChecks: { ...base, scope: 'global', kind: 'healthCheck', put: true, patch: true },
  backendServices: {
    ...base,
    scope: 'global',
    kind: 'backendService',
    put: true,
    patch: true,
    fingerprinted: true,
  },
  urlMaps: { ...base, scope: 'global', kind: 'urlMap', put: true, patch: true, fingerprinted: true },
  targetHttpProxies: { ...base, scope: 'global', kind: 'targetHttpProxy', patch: true, fingerprinted: true },
  targetHttpsProxies: {
    ...base,
    scope: 'global',
    kind: 'targetHttpsProxy',
    patch: true,
    fingerprinted: true,
  },
  sslCertificates: { ...base, scope: 'global', kind: 'sslCertificate' },
  forwardingRules: { ...base, scope: 'global', kind: 'forwardingRule', patch: true, labels: true },
  firewalls: { ...base, scope: 'global', kind: 'firewall', put: true, patch: true },
  instanceGroups: { ...base, scope: 'zonal', kind: 'instanceGroup' },
  instances: { ...base, scope: 'zonal', kind: 'instance', readOnly: true },
  networks: { ...base, scope: 'global', kind: 'network', readOnly: true },
};

export function isCollection(name: string): name is CollectionName {
  return (COLLECTION_NAMES as readonly string[]).includes(name);
}
