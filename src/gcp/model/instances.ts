// Nodes of a member cluster as Compute Engine instances, from the Node objects' `spec.providerID`
// (`gce://<project>/<zone>/<instance>`), and their network tags from an observe.
import type { KubeObject } from '../../model/index.js';
import type { LoadBalancerInput, NodeInstance } from './input.js';
import { instanceLink, type ObservedLoadBalancer } from './resources.js';

export function instancesFromNodes(nodes: readonly KubeObject[]): NodeInstance[] {
  const out: NodeInstance[] = [];
  for (const node of nodes) {
    const id = (node.spec as { providerID?: unknown } | undefined)?.providerID;
    const m = typeof id === 'string' ? /^gce:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(id) : null;
    if (m) out.push({ zone: m[1]!, name: m[2]! });
  }
  return out.sort((a, b) => (a.zone + a.name < b.zone + b.name ? -1 : 1));
}

/** The tags every instance of the cluster has in common (a firewall rule needs ones all carry). */
export function commonNetworkTags(
  observed: ObservedLoadBalancer,
  project: string,
  instances: readonly NodeInstance[],
): string[] {
  let common: Set<string> | undefined;
  for (const i of instances) {
    const tags = observed.instanceTags?.[instanceLink(project, i.zone, i.name)];
    if (!tags) return [];
    common = common ? new Set([...common].filter((t) => tags.includes(t))) : new Set(tags);
  }
  return [...(common ?? [])].sort();
}

/** The input with each cluster's common node tags from the observe filled in (when it read them). */
export function withNetworkTags(input: LoadBalancerInput, observed: ObservedLoadBalancer): LoadBalancerInput {
  if (!observed.instanceTags) return input;
  return {
    ...input,
    clusters: input.clusters.map((c) => {
      if (c.networkTags || !c.instances || c.instances.length === 0) return c;
      const tags = commonNetworkTags(observed, input.project, c.instances);
      return tags.length > 0 ? { ...c, networkTags: tags } : c;
    }),
  };
}
