// The shared half of the load balancer: per pinned nodePort a health check and a backend service;
// per cluster and zone an unmanaged instance group holding the cluster's nodes, with a named port
// for every nodePort it serves; one firewall rule opening those ports to Google's health checkers
// and front ends.
import type { ClusterName, KubeObject, Problem } from '../../model/index.js';
import type { BackendFact } from './design.js';
import { healthCheckPath } from './health-path.js';
import type { ClusterFacts, LoadBalancerSettings } from './input.js';
import { backendName, firewallName, instanceGroupName, namedPortName } from './names.js';
import {
  instanceLink,
  linkOf,
  networkLink,
  ownerDescription,
  type DesiredResource,
  type ObservedLoadBalancer,
} from './resources.js';

/** Source ranges of Google's health checkers and Google Front Ends. */
export const HEALTH_CHECK_RANGES = ['130.211.0.0/22', '35.191.0.0/16'] as const;

/** One nodePort the Ingresses send traffic to, with the Service port behind it. */
export type NodePortUse = {
  nodePort: number;
  service: KubeObject;
  port: number;
  clusters: Set<ClusterName>;
  usedBy: Set<string>;
};

type Context = {
  federation: string;
  project: string;
  network: string;
  uid: string;
  settings: LoadBalancerSettings;
  clusters: readonly ClusterFacts[];
  observed?: ObservedLoadBalancer;
  problems: Problem[];
};

/** Zones and members of a cluster's instance groups. */
function groupsOf(c: ClusterFacts, ctx: Context): { zone: string; members: string[] | null }[] {
  if (c.instances !== null) {
    const zones = [...new Set([...c.instances.map((i) => i.zone)])].sort();
    const withNodes = zones.map((zone) => ({
      zone,
      members: c
        .instances!.filter((i) => i.zone === zone)
        .map((i) => instanceLink(ctx.project, zone, i.name))
        .sort(),
    }));
    if (withNodes.length > 0) return withNodes;
    return (c.zones ?? []).map((zone) => ({ zone, members: [] }));
  }
  const name = instanceGroupName(c.name, ctx.uid);
  const zones =
    c.zones && c.zones.length > 0
      ? c.zones
      : (ctx.observed?.resources ?? [])
          .filter((r) => r.ref.kind === 'instanceGroup' && r.ref.name === name && r.ref.zone)
          .map((r) => r.ref.zone!);
  return [...new Set(zones)].sort().map((zone) => ({ zone, members: null }));
}

export function backendResources(
  uses: readonly NodePortUse[],
  ctx: Context,
): { resources: DesiredResource[]; backends: BackendFact[] } {
  const resources: DesiredResource[] = [];
  const backends: BackendFact[] = [];
  const shared = ownerDescription({ federation: ctx.federation });
  const facts = new Map(ctx.clusters.map((c) => [c.name, c]));
  const groupsByCluster = new Map<ClusterName, { zone: string; members: string[] | null }[]>();
  const portsByCluster = new Map<ClusterName, Set<number>>();
  for (const use of uses) {
    for (const cluster of use.clusters) {
      const c = facts.get(cluster);
      if (!c) continue;
      if (!groupsByCluster.has(cluster)) {
        const groups = groupsOf(c, ctx);
        if (groups.length === 0)
          ctx.problems.push({
            code: 'gcp.clusterZonesUnknown',
            severity: 'warning',
            message: `the zones of cluster ${cluster} are unknown (no nodes observed, no spec.gcp.zones): it gets no backends`,
            cluster,
          });
        groupsByCluster.set(cluster, groups);
      }
      const ports = portsByCluster.get(cluster) ?? new Set<number>();
      ports.add(use.nodePort);
      portsByCluster.set(cluster, ports);
    }
  }
  for (const use of uses) {
    const name = backendName(use.nodePort, ctx.uid);
    const path = healthCheckPath({
      service: use.service,
      port: use.port,
      clusters: ctx.clusters.filter((c) => use.clusters.has(c.name)),
    });
    if (path.disagreement)
      ctx.problems.push({
        code: 'gcp.healthCheckPathDisagrees',
        severity: 'warning',
        message: `the readiness probes behind nodePort ${use.nodePort} disagree (${path.disagreement}); the health check uses /`,
        object: `Service/${use.service.metadata.namespace ?? 'default'}/${use.service.metadata.name}`,
      });
    resources.push({
      ref: { kind: 'healthCheck', name },
      owner: { federation: ctx.federation },
      body: {
        name,
        description: shared,
        type: 'HTTP',
        httpHealthCheck: {
          port: use.nodePort,
          requestPath: path.path,
          portSpecification: 'USE_FIXED_PORT',
          proxyHeader: 'NONE',
        },
        checkIntervalSec: ctx.settings.checkIntervalSec,
        timeoutSec: Math.min(ctx.settings.timeoutSec, ctx.settings.checkIntervalSec),
        healthyThreshold: ctx.settings.healthyThreshold,
        unhealthyThreshold: ctx.settings.unhealthyThreshold,
      },
    });
    const groups: string[] = [];
    for (const cluster of [...use.clusters].sort()) {
      for (const g of groupsByCluster.get(cluster) ?? []) {
        const group = {
          kind: 'instanceGroup' as const,
          name: instanceGroupName(cluster, ctx.uid),
          zone: g.zone,
        };
        groups.push(linkOf(ctx.project, group));
        backends.push({ backendService: name, nodePort: use.nodePort, cluster, group });
      }
    }
    resources.push({
      ref: { kind: 'backendService', name },
      owner: { federation: ctx.federation },
      body: {
        name,
        description: shared,
        protocol: 'HTTP',
        portName: namedPortName(use.nodePort),
        healthChecks: [linkOf(ctx.project, { kind: 'healthCheck', name })],
        backends: groups.sort().map((group) => ({
          group,
          balancingMode: 'RATE',
          maxRatePerInstance: ctx.settings.maxRatePerInstance,
          capacityScaler: 1,
        })),
        timeoutSec: ctx.settings.backendTimeoutSec,
        loadBalancingScheme: 'EXTERNAL',
        sessionAffinity: 'NONE',
      },
    });
  }
  for (const [cluster, groups] of [...groupsByCluster.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ports = [...(portsByCluster.get(cluster) ?? [])].sort((a, b) => a - b);
    for (const g of groups) {
      const name = instanceGroupName(cluster, ctx.uid);
      resources.push({
        ref: { kind: 'instanceGroup', name, zone: g.zone },
        owner: { federation: ctx.federation, cluster },
        members: g.members,
        body: {
          name,
          description: ownerDescription({ federation: ctx.federation, cluster }),
          network: networkLink(ctx.project, ctx.network),
          namedPorts: ports.map((p) => ({ name: namedPortName(p), port: p })),
        },
      });
    }
  }
  if (uses.length > 0) resources.push(firewall(uses, ctx, [...groupsByCluster.keys()]));
  return { resources, backends };
}

function firewall(uses: readonly NodePortUse[], ctx: Context, clusters: ClusterName[]): DesiredResource {
  const name = firewallName(ctx.uid);
  const tagged = clusters.map((c) => ctx.clusters.find((f) => f.name === c)?.networkTags ?? []);
  // Targeting tags only works when every cluster's nodes have one; otherwise the whole network.
  const tags = tagged.every((t) => t.length > 0) ? [...new Set(tagged.flat())].sort() : [];
  return {
    ref: { kind: 'firewall', name },
    owner: { federation: ctx.federation },
    body: {
      name,
      description: ownerDescription({ federation: ctx.federation }),
      network: networkLink(ctx.project, ctx.network),
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: [...HEALTH_CHECK_RANGES],
      allowed: [
        {
          IPProtocol: 'tcp',
          ports: [...new Set(uses.map((u) => u.nodePort))].sort((a, b) => a - b).map(String),
        },
      ],
      ...(tags.length > 0 ? { targetTags: tags } : {}),
    },
  };
}
