// Observe step without a watch cache: lists what the planner needs from one cluster, once. Used by
// the one-shot CLI (`fedsync plan/apply`); the long-lived agent reads the watch-backed cache instead.
// One list per kind (cluster-wide), so adoption candidates come without per-object reads.
import {
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  parseRefKey,
  refKey,
  refOf,
} from '../model/index.js';
import type { FederationRepo, KubeObject, ObservedCluster, ObservedWorkload } from '../model/index.js';
import { isOwnedBy } from '../plan/plan-revision.js';
import { apiVersionFor } from '../kube/api-versions.js';
import type { ClusterClient } from '../kube/port.js';

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

type Dict = Record<string, unknown>;

/** apiVersion/kind pairs to list: every kind in Git plus every kind in the inventory. */
function kindsToList(
  repo: FederationRepo,
  inventory: string[] | null,
): Map<string, { apiVersion: string; kind: string }> {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  const add = (apiVersion: string, kind: string): void => {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (!kinds.has(`${group}/${kind}`)) kinds.set(`${group}/${kind}`, { apiVersion, kind });
  };
  for (const o of repo.objects) add(o.template.apiVersion, o.template.kind);
  for (const key of inventory ?? []) {
    const ref = parseRefKey(key);
    const apiVersion = apiVersionFor(ref);
    if (apiVersion) add(apiVersion, ref.kind);
  }
  return kinds;
}

function matches(selector: unknown, labels: Dict | undefined): boolean {
  const match = (selector as { matchLabels?: Dict } | undefined)?.matchLabels;
  if (!match || Object.keys(match).length === 0) return false;
  return Object.entries(match).every(([k, v]) => labels?.[k] === v);
}

function unschedulableSince(pod: KubeObject): string | undefined {
  const conditions = ((pod.status as Dict | undefined)?.conditions as Dict[] | undefined) ?? [];
  const c = conditions.find(
    (x) => x.type === 'PodScheduled' && x.status === 'False' && x.reason === 'Unschedulable',
  );
  return typeof c?.lastTransitionTime === 'string' ? c.lastTransitionTime : undefined;
}

async function workloadsOf(
  client: ClusterClient,
  objects: Record<string, KubeObject>,
): Promise<Record<string, ObservedWorkload>> {
  const workloads = Object.entries(objects).filter(([, o]) => WORKLOAD_KINDS.has(o.kind));
  if (workloads.length === 0) return {};
  const pods = (await client.list({ apiVersion: 'v1', kind: 'Pod' })).items;
  const out: Record<string, ObservedWorkload> = {};
  for (const [key, w] of workloads) {
    const spec = (w.spec as Dict | undefined) ?? {};
    const status = (w.status as Dict | undefined) ?? {};
    const mine = pods.filter(
      (p) => p.metadata.namespace === w.metadata.namespace && matches(spec.selector, p.metadata.labels),
    );
    out[key] = {
      specReplicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
      readyReplicas: typeof status.readyReplicas === 'number' ? status.readyReplicas : 0,
      unschedulableSince: mine.map(unschedulableSince).filter((s): s is string => s !== undefined),
    };
  }
  return out;
}

/** Everything the planner reads from one Ready cluster; throws when the cluster cannot be listed. */
export async function observeDirect(options: {
  client: ClusterClient;
  repo: FederationRepo;
  inventory: string[] | null;
}): Promise<Pick<ObservedCluster, 'objects' | 'workloads'>> {
  const { client, repo } = options;
  const federation = repo.federation.name;
  const wanted = new Set(repo.objects.map((o) => refKey(refOf(o.template))));
  const objects: Record<string, KubeObject> = {};
  for (const { apiVersion, kind } of kindsToList(repo, options.inventory).values()) {
    if (!(await client.resource(apiVersion, kind))) continue;
    const { items } = await client.list({ apiVersion, kind });
    for (const item of items) {
      const key = refKey(refOf(item));
      const labels = item.metadata.labels ?? {};
      const fedsyncs =
        labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE && labels[LABEL_FEDERATION] !== undefined;
      if (wanted.has(key) || isOwnedBy(item, federation) || fedsyncs) objects[key] = item;
    }
  }
  return { objects, workloads: await workloadsOf(client, objects) };
}
