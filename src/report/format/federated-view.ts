// A federated view per object: its state in each cluster (present, rollout progress, replicas)
// and the replicas summed over the clusters. Pure: built from ObservedCluster values.
import {
  parseRefKey,
  subject,
  type ClusterHealth,
  type ClusterName,
  type ObservedCluster,
} from '../../model/index.js';

export type MemberState = {
  cluster: ClusterName;
  health: ClusterHealth;
  present: boolean;
  generation?: number;
  observedGeneration?: number;
  /** The controller has seen the latest spec (observedGeneration >= generation, or no generation). */
  upToDate: boolean;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
};

export type FederatedObjectView = {
  key: string;
  subject: string;
  clusters: MemberState[];
  /** Sums over the clusters where the object is present (workloads only). */
  replicas?: { desired: number; ready: number; available: number };
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Views of `keys` (default: every object observed anywhere), sorted by key; clusters by name. */
export function federatedView(
  clusters: readonly ObservedCluster[],
  keys?: readonly string[],
): FederatedObjectView[] {
  const all = keys ?? [...new Set(clusters.flatMap((c) => Object.keys(c.objects)))];
  const sortedClusters = [...clusters].sort((a, b) => a.name.localeCompare(b.name));
  return [...all].sort().map((key) => {
    let replicas: FederatedObjectView['replicas'];
    const members = sortedClusters.map((c): MemberState => {
      const obj = c.objects[key];
      if (!obj) return { cluster: c.name, health: c.health, present: false, upToDate: false };
      const spec = (obj.spec ?? {}) as Record<string, unknown>;
      const status = (obj.status ?? {}) as Record<string, unknown>;
      const generation = num(obj.metadata.generation);
      const observedGeneration = num(status.observedGeneration);
      const state: MemberState = {
        cluster: c.name,
        health: c.health,
        present: true,
        upToDate: generation === undefined || (observedGeneration ?? -1) >= generation,
        ...(generation !== undefined ? { generation } : {}),
        ...(observedGeneration !== undefined ? { observedGeneration } : {}),
      };
      const desired = num(spec.replicas);
      if (desired !== undefined) {
        state.replicas = desired;
        state.readyReplicas = num(status.readyReplicas) ?? 0;
        state.availableReplicas = num(status.availableReplicas) ?? 0;
        replicas ??= { desired: 0, ready: 0, available: 0 };
        replicas.desired += desired;
        replicas.ready += state.readyReplicas;
        replicas.available += state.availableReplicas;
      }
      return state;
    });
    return { key, subject: subject(parseRefKey(key)), clusters: members, ...(replicas ? { replicas } : {}) };
  });
}
