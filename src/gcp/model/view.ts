// One federated Ingress's load balancer as it is in Google Cloud: the IP, every resource it uses
// that exists (its own and the shared ones behind it), and each backend — which cluster's
// instance group, its health from getHealth, whether it is drained. What `fedsync status` prints
// and the reconcile outcome carries for the reports.
import type { IngressDesign, LoadBalancerBackendView, LoadBalancerView } from '../../model/index.js';
import { firewallName } from './names.js';
import {
  canonicalLink,
  refOfLink,
  subjectOf,
  type ObservedLoadBalancer,
  type ObservedResource,
} from './resources.js';
import { backendState, ingressStatus, type BackendGroupHealth } from './write-back.js';

const byKindAndName = (a: { kind: string; name: string; zone?: string }, b: typeof a): number =>
  a.kind < b.kind
    ? -1
    : a.kind > b.kind
      ? 1
      : `${a.name}/${a.zone ?? ''}` < `${b.name}/${b.zone ?? ''}`
        ? -1
        : 1;

export function loadBalancerView(options: {
  design: IngressDesign;
  observed: ObservedLoadBalancer;
  uid: string;
  groups: readonly BackendGroupHealth[];
}): LoadBalancerView {
  const { design, observed } = options;
  const have = new Map(observed.resources.map((r) => [subjectOf(r.ref), r]));
  const used: ObservedResource[] = [];
  const use = (subject: string): ObservedResource | undefined => {
    const r = have.get(subject);
    if (r && !used.includes(r)) used.push(r);
    return r;
  };
  const n = design.names;
  use(subjectOf({ kind: 'address', name: design.address.name }));
  use(subjectOf({ kind: 'urlMap', name: n.urlMap }));
  use(subjectOf({ kind: 'targetHttpProxy', name: n.httpProxy }));
  use(subjectOf({ kind: 'targetHttpsProxy', name: n.httpsProxy }));
  use(subjectOf({ kind: 'forwardingRule', name: n.httpForwardingRule }));
  use(subjectOf({ kind: 'forwardingRule', name: n.httpsForwardingRule }));
  for (const c of design.certificates) use(subjectOf({ kind: 'sslCertificate', name: c }));
  use(subjectOf({ kind: 'firewall', name: firewallName(options.uid) }));
  const health = new Map(options.groups.map((g) => [`${g.backendService}|${g.health.group}`, g.health]));
  const backends: LoadBalancerBackendView[] = [];
  for (const name of design.backendServices) {
    use(subjectOf({ kind: 'healthCheck', name }));
    const bs = use(subjectOf({ kind: 'backendService', name }));
    for (const b of (bs?.body.backends ?? []) as Record<string, unknown>[]) {
      const link = typeof b.group === 'string' ? (canonicalLink(b.group) ?? b.group) : '';
      const ref = refOfLink(link);
      if (!ref) continue;
      const group = use(subjectOf(ref));
      const h = health.get(`${name}|${link}`);
      backends.push({
        cluster: group?.owner?.cluster ?? '(unknown)',
        zone: ref.zone ?? '',
        backendService: name,
        group: ref.name,
        health: backendState(h ? [h] : []),
        drained: b.capacityScaler === 0,
      });
    }
  }
  backends.sort((a, b) =>
    a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.backendService < b.backendService ? -1 : 1,
  );
  const ip = ingressStatus({ design, observed, health: {} }).ip;
  return {
    ingress: design.key,
    ...(ip ? { ip } : {}),
    resources: used
      .map((r) => ({ kind: r.ref.kind, name: r.ref.name, ...(r.ref.zone ? { zone: r.ref.zone } : {}) }))
      .sort(byKindAndName),
    backends,
  };
}
