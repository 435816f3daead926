// Backend health as a health checker would see it: an instance of a backend service's instance group
// is HEALTHY when its cluster is reachable and has at least one ready pod behind the Service whose
// nodePort is the health check's port (and whose readiness path matches the check's path, or is
// unset), and the group has the named port the backend service uses. Otherwise UNHEALTHY.
import { derivedInstances, refOf, type DerivedInstance, type SimContext } from './context.js';
import type { Resource } from './store.js';

export type HealthState = 'HEALTHY' | 'UNHEALTHY';
export type InstanceHealth = {
  instance: string;
  ipAddress: string;
  port: number;
  healthState: HealthState;
  /** Not in the API: the cluster the instance is a node of. */
  cluster: DerivedInstance['cluster'];
};

type Body = Record<string, unknown>;

function namedPort(group: Resource, name: unknown): number | undefined {
  const ports = (group.namedPorts ?? []) as { name: string; port: number }[];
  return ports.find((p) => p.name === name)?.port;
}

/** The port and request path the backend service's health check probes on this group. */
function probe(
  ctx: SimContext,
  bs: Resource,
  group: Resource,
): { port: number | undefined; path: string | undefined } {
  const hcLink = ((bs.healthChecks ?? []) as string[])[0];
  const ref = hcLink ? refOf(ctx, hcLink) : undefined;
  const hc = ref ? ctx.store.get('healthChecks', ref.scope, ref.name) : undefined;
  if (!hc) return { port: undefined, path: undefined };
  const check = (hc.httpHealthCheck ?? hc.httpsHealthCheck ?? hc.tcpHealthCheck ?? {}) as Body;
  const spec = check.portSpecification ?? 'USE_FIXED_PORT';
  const port =
    spec === 'USE_SERVING_PORT'
      ? namedPort(group, bs.portName)
      : spec === 'USE_NAMED_PORT'
        ? namedPort(group, check.portName)
        : (check.port as number | undefined);
  return { port, path: typeof check.requestPath === 'string' ? check.requestPath : undefined };
}

export function groupHealth(ctx: SimContext, bs: Resource, groupLink: string): InstanceHealth[] {
  const ref = refOf(ctx, groupLink);
  const group = ref ? ctx.store.get('instanceGroups', ref.scope, ref.name) : undefined;
  if (!group) return [];
  const members = ctx.members.get(String(group.selfLink)) ?? new Set<string>();
  const { port, path } = probe(ctx, bs, group);
  const servesNamedPort = namedPort(group, bs.portName) !== undefined;
  const instances = derivedInstances(ctx).filter((i) => members.has(i.selfLink));
  instances.sort((a, b) => a.resource.name.localeCompare(b.resource.name));
  return instances.map((i) => {
    const nic = ((i.resource.networkInterfaces ?? []) as Body[])[0] ?? {};
    const healthy =
      port !== undefined &&
      servesNamedPort &&
      i.cluster.isReachable() &&
      i.cluster
        .readyEndpointsForNodePort(port)
        .some((e) => path === undefined || e.readinessPath === undefined || e.readinessPath === path);
    return {
      instance: i.selfLink,
      ipAddress: String(nic.networkIP),
      port: port ?? 0,
      healthState: healthy ? 'HEALTHY' : 'UNHEALTHY',
      cluster: i.cluster,
    };
  });
}
