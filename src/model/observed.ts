// What the planner knows about the live world. The cluster adapter produces it (observe step);
// the planner only reads it. Times are ISO-8601 strings so the planner never reads a clock.
import type { ClusterName, KubeObject } from './kube.js';

export const ClusterHealth = { Ready: 'Ready', Offline: 'Offline' } as const;
export type ClusterHealth = (typeof ClusterHealth)[keyof typeof ClusterHealth];

/** Scheduling signals for one workload (Deployment or ReplicaSet) in one cluster. */
export type ObservedWorkload = {
  /** spec.replicas of the member object. */
  specReplicas: number;
  /** Pods Running with condition Ready=True (or status.readyReplicas when it equals spec). */
  readyReplicas: number;
  /** When each currently unschedulable pod became unschedulable (PodScheduled=False/Unschedulable). */
  unschedulableSince: string[];
};

export type ObservedCluster = {
  name: ClusterName;
  health: ClusterHealth;
  /**
   * Live objects the plan needs, keyed by refKey: every object carrying fedsync's labels plus any
   * object with the same identity as a desired one (adoption). As returned by the API server,
   * including metadata.managedFields.
   */
  objects: Record<string, KubeObject>;
  /** refKeys fedsync recorded as applied there; null when the inventory could not be read. */
  inventory: string[] | null;
  /** Keyed by the workload's refKey. */
  workloads: Record<string, ObservedWorkload>;
  /**
   * The cluster's nodes (what the load balancer's instance groups hold); absent when they could not
   * be read (an Offline cluster keeps the members its groups have).
   */
  nodes?: ObservedNode[];
  /**
   * Ready pods behind each nodePort of the Services fedsync manages there (keyed by the nodePort):
   * 0 drains that cluster's backends; a nodePort that is absent is unknown, never drained for it.
   */
  readyEndpoints?: Record<string, number>;
};

/** A node of a member cluster as the load balancer needs it. */
export type ObservedNode = {
  name: string;
  /** `gce://<project>/<zone>/<instance>` on Compute Engine. */
  providerID?: string;
};
