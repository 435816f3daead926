// What one reconcile needs from the member clusters, as one value: clients, the observe step, the
// inventory writer and (for the long-lived agent) the drift detector. fleet.ts builds it from a
// kubeconfig or a running simulated world; tests may build it from fakes.
import type { ClusterName, Drift, FederationRepo, KubeObject, ObservedCluster } from '../model/index.js';
import type { ApplyListener, InventoryWriter } from '../kube/apply-plan.js';
import type { ClusterClient } from '../kube/port.js';

/** The part of the drift detector a reconcile talks to (src/kube/drift.ts). */
export type DriftTracker = {
  /** Hooks applyPlan calls: pause drift checks per cluster while fedsync writes there. */
  listener: ApplyListener;
  /** After a reconcile: the full desired state per cluster, so later watch events compare with it. */
  setDesired(cluster: ClusterName, desired: KubeObject[], options: { selfHeal: boolean }): void;
  /** Drift found since the last call (each reported once). */
  takeDrift(): Drift[];
};

export type Fleet = {
  /** One client per registered cluster the kubeconfig has a context for. */
  readonly clients: ReadonlyMap<ClusterName, ClusterClient>;
  /** Live state of every registered cluster (health, objects, inventory, workloads). */
  observe(repo: FederationRepo): Promise<ObservedCluster[]>;
  readonly writeInventory: InventoryWriter;
  readonly drift?: DriftTracker;
  stop(): Promise<void>;
};
