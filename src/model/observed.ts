// What the planner knows about the live world. The cluster adapter produces it (observe step);
// the planner only reads it. Times are ISO-8601 strings so the planner never reads a clock.
import type { FederationRecord } from './inventory.js';
import type { ClusterName, KubeObject } from './kube.js';

/**
 * Ready: answers. Offline: the agent saw it fail its health probes (or the user said so): its
 * replicas move to the others. Unreachable: this run merely could not reach it (a workstation's
 * partial view, a hang): it is left untouched and keeps its share of replicas.
 */
export const ClusterHealth = { Ready: 'Ready', Unreachable: 'Unreachable', Offline: 'Offline' } as const;
export type ClusterHealth = (typeof ClusterHealth)[keyof typeof ClusterHealth];

/** Why a cluster could not be reached: a stable reason and the message the client saw. */
export const UnreachableReason = {
  /** ECONNREFUSED, ECONNRESET, DNS, no route: nothing answered. */
  network: 'network',
  /** No answer within the request timeout. */
  timeout: 'timeout',
  /** The TLS handshake failed (unknown CA, wrong host name, expired certificate). */
  tls: 'tls',
  /** 401/403: the credentials were refused. */
  unauthorized: 'unauthorized',
  /** The API server answered, but with 5xx/429 on its health endpoint. */
  unhealthy: 'unhealthy',
  /** Cut off: the circuit breaker is open after consecutive failures. */
  circuitOpen: 'circuitOpen',
} as const;
export type UnreachableReason = (typeof UnreachableReason)[keyof typeof UnreachableReason];

/** Why a cluster is not Ready, for people: `timeout: GET /readyz: no answer within 10000 ms`. */
export type HealthCause = {
  reason: UnreachableReason | 'agentProbes' | 'assumed';
  message: string;
};

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
  /** Why it is Unreachable or Offline (absent when Ready). */
  cause?: HealthCause;
  /**
   * Live objects the plan needs, keyed by refKey: every object carrying fedsync's labels plus any
   * object with the same identity as a desired one (adoption). As the API server returns them, in
   * the watch cache's lean form: each managedFields entry keeps its manager, operation, subresource,
   * time and field set (shared between objects of one shape; never mutate them).
   */
  objects: Record<string, KubeObject>;
  /** refKeys fedsync recorded as applied there; null when the inventory could not be read. */
  inventory: string[] | null;
  /** The inventory's refKeys fedsync adopted rather than created (absent: none, or an older inventory). */
  adopted?: string[];
  /** What the last apply there knew about the federation (absent before the first such apply). */
  record?: FederationRecord;
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
