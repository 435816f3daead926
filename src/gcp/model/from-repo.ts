// The translator's input from what the planner already has: the validated repository, the observed
// clusters (health, live nodePorts) and, per cluster, the facts only an observe of nodes and pods
// gives (instances, tags, ready endpoints). Pure; NodePort pinning is the planner's own.
import { refKey } from '../../model/index.js';
import type { ClusterName, FederationRepo, KubeObject, ObservedCluster } from '../../model/index.js';
import { pinNodePorts, setPinnedNodePorts } from '../../federation/nodeport.js';
import { placedClusters } from '../../federation/placement.js';
import type { ClusterFacts, LoadBalancerInput, LoadBalancerSettings, NodeInstance } from './input.js';
import { instancesFromNodes } from './instances.js';
import { federationUid } from './names.js';

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Pod']);

export type ClusterNodeFacts = {
  instances: NodeInstance[] | null;
  networkTags?: string[];
  readyEndpoints?: Record<number, number>;
};

/**
 * Node facts per cluster from what the cluster observe found (ObservedCluster.nodes and
 * readyEndpoints). A cluster that is not Ready, or whose nodes were not read, has unknown instances:
 * its instance groups keep the members they have.
 */
export function nodeFactsOf(clusters: readonly ObservedCluster[]): Record<ClusterName, ClusterNodeFacts> {
  const out: Record<ClusterName, ClusterNodeFacts> = {};
  for (const c of clusters) {
    if (c.health !== 'Ready' || !c.nodes) {
      out[c.name] = { instances: null };
      continue;
    }
    const nodes: KubeObject[] = c.nodes.map((n) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name },
      spec: n.providerID ? { providerID: n.providerID } : {},
    }));
    const ready = c.readyEndpoints
      ? Object.fromEntries(Object.entries(c.readyEndpoints).map(([port, n]) => [Number(port), n]))
      : undefined;
    out[c.name] = { instances: instancesFromNodes(nodes), ...(ready ? { readyEndpoints: ready } : {}) };
  }
  return out;
}

/** Undefined when the federation names no Google Cloud project (no load balancer to plan). */
export function loadBalancerInputFrom(options: {
  repo: FederationRepo;
  observed: readonly ObservedCluster[];
  nodes: Readonly<Record<ClusterName, ClusterNodeFacts>>;
  /** The planner's per-cluster desired objects, when it has them (overrides applied). */
  desired?: ReadonlyMap<ClusterName, readonly KubeObject[]>;
  settings?: Partial<LoadBalancerSettings>;
}): LoadBalancerInput | undefined {
  const { repo } = options;
  const project = repo.federation.gcp?.project ?? repo.clusters.find((c) => c.gcp?.project)?.gcp?.project;
  if (!project) return undefined;
  const network =
    repo.federation.gcp?.network ?? repo.clusters.find((c) => c.gcp?.network)?.gcp?.network ?? 'default';
  const { pins } = pinNodePorts({ objects: repo.objects, clusters: [...options.observed] });
  const services = repo.objects
    .filter((o) => o.template.kind === 'Service' && o.template.apiVersion === 'v1')
    .map((o) => {
      const copy = JSON.parse(JSON.stringify(o.template)) as KubeObject;
      const ns = copy.metadata.namespace ?? 'default';
      const key = refKey({ group: '', kind: 'Service', namespace: ns, name: copy.metadata.name });
      const p = pins.get(key);
      if (p) setPinnedNodePorts(copy, p);
      return copy;
    });
  const health = new Map(options.observed.map((c) => [c.name, c.health]));
  const clusters: ClusterFacts[] = repo.clusters.map((reg) => {
    const facts = options.nodes[reg.name];
    const workloads =
      options.desired?.get(reg.name)?.filter((o) => WORKLOAD_KINDS.has(o.kind)) ??
      repo.objects
        .filter((o) => WORKLOAD_KINDS.has(o.template.kind))
        .filter((o) => placedClusters(o.placement, repo.clusters).includes(reg.name))
        .map((o) => o.template);
    return {
      name: reg.name,
      health: health.get(reg.name) ?? 'Offline',
      instances: facts?.instances ?? null,
      ...(reg.gcp?.zones ? { zones: reg.gcp.zones } : {}),
      ...(facts?.networkTags ? { networkTags: facts.networkTags } : {}),
      workloads: [...workloads],
      ...(facts?.readyEndpoints ? { readyEndpoints: facts.readyEndpoints } : {}),
    };
  });
  return {
    federation: repo.federation.name,
    project,
    network,
    uid: federationUid({ federation: repo.federation.name, project }),
    ingresses: repo.objects
      .filter((o) => o.template.kind === 'Ingress')
      .map((o) => ({
        ingress: o.template,
        source: o.source,
        clusters: placedClusters(o.placement, repo.clusters),
      })),
    services,
    secrets: repo.objects.filter((o) => o.template.kind === 'Secret').map((o) => o.template),
    clusters,
    prune: repo.federation.policy.prune,
    selfHeal: repo.federation.policy.selfHeal,
    ...(options.settings ? { settings: options.settings } : {}),
  };
}
