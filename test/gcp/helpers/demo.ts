// The demo federation as load-balancer input: the repository in fixtures/repos/demo, its three
// clusters with two nodes each (named as the simulators name them), all Ready.
import { readFileSync } from 'node:fs';
import { loadFederation } from '../../../src/manifests/index.js';
import type { ClusterName, FederationRepo, KubeObject, ObservedCluster } from '../../../src/model/index.js';
import {
  loadBalancerInputFrom,
  type ClusterNodeFacts,
  type LoadBalancerInput,
} from '../../../src/gcp/model/index.js';
import { repoFiles } from '../../helpers/repo-files.js';

export const DEMO_CLUSTERS = {
  'gce-asia-east1a': 'asia-east1-a',
  'gce-europe-west1b': 'europe-west1-b',
  'gce-us-central1c': 'us-central1-c',
} as const;

export const tlsPair = (name: string) => ({
  crt: readFileSync(`fixtures/tls/${name}.crt`, 'utf8'),
  key: readFileSync(`fixtures/tls/${name}.key`, 'utf8'),
});

let cached: FederationRepo | undefined;
export async function demoRepo(): Promise<FederationRepo> {
  if (!cached) {
    const result = loadFederation(await repoFiles('fixtures/repos/demo'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    cached = result.value;
  }
  return JSON.parse(JSON.stringify(cached)) as FederationRepo;
}

export function demoNodes(nodes = 2): Record<ClusterName, ClusterNodeFacts> {
  return Object.fromEntries(
    Object.entries(DEMO_CLUSTERS).map(([cluster, zone]) => [
      cluster,
      { instances: Array.from({ length: nodes }, (_, i) => ({ name: `${cluster}-node-${i + 1}`, zone })) },
    ]),
  );
}

export function observedClusters(offline: ClusterName[] = []): ObservedCluster[] {
  return Object.keys(DEMO_CLUSTERS).map((name) => ({
    name,
    health: offline.includes(name) ? 'Offline' : 'Ready',
    objects: {},
    inventory: [],
    workloads: {},
  }));
}

/** Edits the repository's objects in place: `edit` gets each template by `Kind/name`. */
export function editObjects(
  repo: FederationRepo,
  edit: (id: string, obj: KubeObject) => void,
): FederationRepo {
  for (const o of repo.objects) edit(`${o.template.kind}/${o.template.metadata.name}`, o.template);
  return repo;
}

export async function demoInput(
  options: {
    repo?: FederationRepo;
    offline?: ClusterName[];
    nodes?: Record<ClusterName, ClusterNodeFacts>;
  } = {},
): Promise<LoadBalancerInput> {
  const input = loadBalancerInputFrom({
    repo: options.repo ?? (await demoRepo()),
    observed: observedClusters(options.offline),
    nodes: options.nodes ?? demoNodes(),
  });
  if (!input) throw new Error('the demo federation names no project');
  return input;
}
