// Which cluster serves a request: forwarding rule (by IP and port) → target proxy → URL map → backend
// service → the backend with capacity (capacityScaler > 0) and a HEALTHY instance in the region nearest
// to the client (same region = 0), ties broken by cluster name.
import { distance, refOf, type SimContext } from './context.js';
import { groupHealth } from './health.js';
import { regionOfZone } from './names.js';
import type { Resource } from './store.js';
import { matchUrlMap } from './url-map-match.js';

export type RouteQuery = { from: string; ip: string; host?: string; path?: string; port?: number };

export type RouteAnswer = {
  cluster: string;
  region: string;
  zone: string;
  backendService: string;
  instanceGroup: string;
  instance?: string;
  forwardingRule: string;
  urlMap: string;
  distanceMs: number;
};

export type RouteError = {
  error: 'no forwarding rule' | 'no url map' | 'no backend service' | 'no healthy backend';
  detail: string;
  forwardingRule?: string;
  backendService?: string;
};

function get(ctx: SimContext, linkValue: unknown): Resource | undefined {
  const ref = typeof linkValue === 'string' ? refOf(ctx, linkValue) : undefined;
  if (!ref || ref.collection === 'instances' || ref.collection === 'networks') return undefined;
  return ctx.store.get(ref.collection as Parameters<typeof ctx.store.get>[0], ref.scope, ref.name);
}

export function routeRequest(ctx: SimContext, q: RouteQuery): RouteAnswer | RouteError {
  const rules = ctx.store
    .list('forwardingRules', 'global')
    .filter((f) => f.IPAddress === q.ip && (q.port === undefined || f.portRange === `${q.port}-${q.port}`))
    .sort((a, b) => String(a.portRange).localeCompare(String(b.portRange)) || a.name.localeCompare(b.name));
  const rule = rules.find((f) => String(f.target).includes('/targetHttpProxies/')) ?? rules[0];
  if (!rule)
    return {
      error: 'no forwarding rule',
      detail: `no forwarding rule serves ${q.ip}${q.port ? `:${q.port}` : ''}`,
    };
  const urlMap = get(ctx, get(ctx, rule.target)?.urlMap);
  if (!urlMap)
    return {
      error: 'no url map',
      detail: `the target of ${rule.name} has no URL map`,
      forwardingRule: rule.name,
    };
  const bs = get(ctx, matchUrlMap(urlMap, q.host ?? q.ip, q.path ?? '/'));
  if (!bs)
    return {
      error: 'no backend service',
      detail: `URL map ${urlMap.name} has no service for the request`,
      forwardingRule: rule.name,
    };
  const candidates: RouteAnswer[] = [];
  for (const backend of (bs.backends ?? []) as Record<string, unknown>[]) {
    if (!((backend.capacityScaler as number) > 0)) continue;
    const healthy = groupHealth(ctx, bs, String(backend.group)).filter((h) => h.healthState === 'HEALTHY');
    const first = healthy[0];
    const ref = refOf(ctx, String(backend.group));
    if (!first || !ref) continue;
    const zone = ref.scope.replace(/^zones\//, '');
    const region = regionOfZone(zone);
    candidates.push({
      cluster: first.cluster.name,
      region,
      zone,
      backendService: bs.name,
      instanceGroup: ref.name,
      instance: refOf(ctx, first.instance)?.name,
      forwardingRule: rule.name,
      urlMap: urlMap.name,
      distanceMs: distance(ctx, q.from, region),
    });
  }
  candidates.sort(
    (a, b) =>
      a.distanceMs - b.distanceMs ||
      a.cluster.localeCompare(b.cluster) ||
      a.instanceGroup.localeCompare(b.instanceGroup),
  );
  return (
    candidates[0] ?? {
      error: 'no healthy backend',
      detail: `backend service ${bs.name} has no backend with capacity and a HEALTHY instance`,
      forwardingRule: rule.name,
      backendService: bs.name,
    }
  );
}
