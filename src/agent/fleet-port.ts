// What one reconcile needs from the member clusters, as one value: a cluster target per registered
// cluster the kubeconfig reaches, the clients (for reports that read the clusters) and, for the
// long-lived agent, the drift found between reconciles. fleet.ts builds it from a kubeconfig or a
// running simulated world; tests may build it from fakes.
import type { ClusterName } from '../model/index.js';
import type { ClusterClient } from '../kube/port.js';
import type { TargetSet } from '../reconcile/reconcile.js';

export type Fleet = TargetSet & {
  /** One client per registered cluster the kubeconfig has a context for. */
  readonly clients: ReadonlyMap<ClusterName, ClusterClient>;
  stop(): Promise<void>;
};
