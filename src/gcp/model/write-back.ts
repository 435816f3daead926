// What every member Ingress is told about its load balancer, as the GCE ingress controller told it:
// `status.loadBalancer.ingress[].ip`, the `ingress.kubernetes.io/…` annotations naming the resources,
// `backends` as a JSON map backend service → HEALTHY / UNHEALTHY / Unknown, and the Events (`ADD`,
// `CREATE ip: …`). Compared with what the member already carries, so a cycle with nothing new writes
// nothing.
import { BackendState } from '../../model/index.js';
import type { IngressEvent, KubeObject, MemberWriteBack } from '../../model/index.js';
import type { IngressDesign } from './design.js';
import { subjectOf, type ObservedLoadBalancer } from './resources.js';

export const LB_ANNOTATIONS = {
  forwardingRule: 'ingress.kubernetes.io/forwarding-rule',
  httpsForwardingRule: 'ingress.kubernetes.io/https-forwarding-rule',
  targetProxy: 'ingress.kubernetes.io/target-proxy',
  httpsTargetProxy: 'ingress.kubernetes.io/https-target-proxy',
  urlMap: 'ingress.kubernetes.io/url-map',
  sslCert: 'ingress.kubernetes.io/ssl-cert',
  backends: 'ingress.kubernetes.io/backends',
} as const;

export { BackendState } from '../../model/index.js';
export type { IngressEvent, MemberWriteBack } from '../../model/index.js';

/** One getHealth answer for one group of a backend service (or why there is none). */
export type GroupHealth = { group: string; states: string[] } | { group: string; error: string };

/** One group of one of fedsync's backend services and what getHealth said about it. */
export type BackendGroupHealth = { backendService: string; health: GroupHealth };

/**
 * The state of a backend service over its groups: HEALTHY as soon as one instance is, else
 * UNHEALTHY when some state was reported, else Unknown (no groups, errors, nothing reported yet —
 * the load balancer is still being programmed).
 */
export function backendState(groups: readonly GroupHealth[]): BackendState {
  const states = groups.flatMap((g) => ('states' in g ? g.states : []));
  if (states.includes('HEALTHY')) return BackendState.healthy;
  if (states.length > 0) return BackendState.unhealthy;
  return BackendState.unknown;
}

/** Backend service → its state over its groups (HEALTHY as soon as one instance is). */
export function foldBackendHealth(groups: readonly BackendGroupHealth[]): Record<string, BackendState> {
  const byService = new Map<string, GroupHealth[]>();
  for (const g of groups)
    byService.set(g.backendService, [...(byService.get(g.backendService) ?? []), g.health]);
  return Object.fromEntries(
    [...byService.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([bs, h]) => [bs, backendState(h)]),
  );
}

export type IngressLoadBalancerStatus = {
  ingress: string;
  ip?: string;
  annotations: Record<string, string>;
};

/** The status of one Ingress's load balancer from what was observed (only resources that exist). */
export function ingressStatus(options: {
  design: IngressDesign;
  observed: ObservedLoadBalancer;
  health: Readonly<Record<string, BackendState>>;
}): IngressLoadBalancerStatus {
  const { design, observed } = options;
  const have = new Map(observed.resources.map((r) => [subjectOf(r.ref), r]));
  const exists = (kind: Parameters<typeof subjectOf>[0]['kind'], name: string) =>
    have.get(subjectOf({ kind, name }));
  const annotations: Record<string, string> = {};
  const n = design.names;
  const httpRule = exists('forwardingRule', n.httpForwardingRule);
  const httpsRule = exists('forwardingRule', n.httpsForwardingRule);
  if (httpRule) annotations[LB_ANNOTATIONS.forwardingRule] = n.httpForwardingRule;
  if (httpsRule) annotations[LB_ANNOTATIONS.httpsForwardingRule] = n.httpsForwardingRule;
  if (exists('targetHttpProxy', n.httpProxy)) annotations[LB_ANNOTATIONS.targetProxy] = n.httpProxy;
  if (exists('targetHttpsProxy', n.httpsProxy)) annotations[LB_ANNOTATIONS.httpsTargetProxy] = n.httpsProxy;
  if (exists('urlMap', n.urlMap)) annotations[LB_ANNOTATIONS.urlMap] = n.urlMap;
  const certs = design.certificates.filter((c) => exists('sslCertificate', c));
  if (certs.length > 0) annotations[LB_ANNOTATIONS.sslCert] = certs.join(',');
  if (design.backendServices.length > 0) {
    const map: Record<string, string> = {};
    for (const bs of design.backendServices) map[bs] = options.health[bs] ?? BackendState.unknown;
    annotations[LB_ANNOTATIONS.backends] = JSON.stringify(map);
  }
  const ipOf = (r: typeof httpRule) => (typeof r?.body.IPAddress === 'string' ? r.body.IPAddress : undefined);
  const ip = ipOf(httpRule) ?? ipOf(httpsRule);
  return { ingress: design.key, ...(ip ? { ip } : {}), annotations };
}

/**
 * What to write to one member Ingress, or undefined when it already says all of it. `current` is the
 * member as observed in its cluster.
 */
export function memberWriteBack(
  status: IngressLoadBalancerStatus,
  current: KubeObject,
): MemberWriteBack | undefined {
  const currentAnnotations = current.metadata.annotations ?? {};
  const annotations: Record<string, string | null> = {};
  for (const key of Object.values(LB_ANNOTATIONS)) {
    const want = status.annotations[key];
    const have = currentAnnotations[key];
    if (want !== undefined && want !== have) annotations[key] = want;
    if (want === undefined && have !== undefined) annotations[key] = null;
  }
  const lb = (current.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer;
  const currentIps = (lb?.ingress ?? [])
    .map((i) => i.ip)
    .filter((ip): ip is string => typeof ip === 'string');
  const wantIps = status.ip ? [status.ip] : [];
  const ipChanged = currentIps.join(',') !== wantIps.join(',');
  if (Object.keys(annotations).length === 0 && !ipChanged) return undefined;
  const events: IngressEvent[] = [];
  const firstTime =
    currentAnnotations[LB_ANNOTATIONS.urlMap] === undefined &&
    status.annotations[LB_ANNOTATIONS.urlMap] !== undefined;
  if (firstTime) events.push({ type: 'Normal', reason: 'ADD', message: status.ingress });
  if (ipChanged && status.ip) events.push({ type: 'Normal', reason: 'CREATE', message: `ip: ${status.ip}` });
  if (!firstTime && !ipChanged && Object.keys(annotations).some((k) => k !== LB_ANNOTATIONS.backends))
    events.push({ type: 'Normal', reason: 'UPDATE', message: status.ingress });
  return {
    annotations,
    ...(ipChanged ? { status: { loadBalancer: { ingress: wantIps.map((ip) => ({ ip })) } } } : {}),
    events,
  };
}
