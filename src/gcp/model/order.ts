// Dependency order: everything a resource refers to exists before it (creates and updates bottom-up),
// and nothing is deleted while something still refers to it (deletes top-down, after every update
// that stopped referring to it). Forwarding rule → proxies → URL map → backend services → health
// checks, instance groups, certificates, addresses; the firewall depends on nothing.
import type { GcpKind } from './resources.js';
import type { GcpCall, LoadBalancerAction } from './steps.js';

const LAYER: Record<GcpKind, number> = {
  address: 0,
  firewall: 0,
  healthCheck: 0,
  instanceGroup: 0,
  sslCertificate: 0,
  backendService: 1,
  urlMap: 2,
  targetHttpProxy: 3,
  targetHttpsProxy: 3,
  forwardingRule: 4,
};

const KIND_RANK: Record<GcpKind, number> = {
  address: 0,
  firewall: 1,
  healthCheck: 2,
  instanceGroup: 3,
  sslCertificate: 4,
  backendService: 0,
  urlMap: 0,
  targetHttpProxy: 0,
  targetHttpsProxy: 1,
  forwardingRule: 0,
};

const CALL_RANK: Record<GcpCall, number> = {
  insert: 0,
  delete: 0,
  setNamedPorts: 1,
  addInstances: 2,
  removeInstances: 3,
  update: 4,
  setUrlMap: 5,
  setSslCertificates: 6,
  setTarget: 7,
};

export function layerOf(kind: GcpKind): number {
  return LAYER[kind];
}

function sortKey(s: LoadBalancerAction): (number | string)[] {
  const deleting = s.action === 'delete';
  return [
    deleting ? 1 : 0,
    deleting ? -LAYER[s.ref.kind] : LAYER[s.ref.kind],
    KIND_RANK[s.ref.kind],
    s.ref.name,
    s.ref.zone ?? '',
    s.call ? CALL_RANK[s.call] : 0,
  ];
}

function compareKeys(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** The steps in apply order (a copy). */
export function orderSteps(steps: readonly LoadBalancerAction[]): LoadBalancerAction[] {
  return [...steps].sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
}
