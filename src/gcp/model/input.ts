// What the load-balancer planner needs to know, and nothing more. The planner fills it from the
// repository (Ingresses, Services with pinned nodePorts, workloads, TLS Secrets), the cluster
// registrations and what it observed in the clusters (nodes, health, ready endpoints).
import type { ClusterHealth, ClusterName, KubeObject, SourceLocation } from '../../model/index.js';

/** A node of a member cluster as a Compute Engine instance. */
export type NodeInstance = { name: string; zone: string };

export type ClusterFacts = {
  name: ClusterName;
  health: ClusterHealth;
  /**
   * The cluster's nodes as instances (from each Node's `spec.providerID`, see instancesFromNodes);
   * null when they could not be read (the cluster is Offline): its instance groups then keep the
   * members they have, in the zones `zones` lists.
   */
  instances: NodeInstance[] | null;
  /** Zones of the registration (`spec.gcp.zones`); used when `instances` is null. */
  zones?: string[];
  /** Network tags of the cluster's nodes (the firewall rule targets them); absent: the whole network. */
  networkTags?: string[];
  /**
   * The desired objects of this cluster that matter here: the workloads (Deployments, ReplicaSets,
   * StatefulSets, DaemonSets) whose readiness probes give the health-check path.
   */
  workloads: KubeObject[];
  /**
   * Ready endpoints per nodePort in this cluster, when observed. 0 drains the cluster's backends for
   * that nodePort; absent means unknown (never drained for that reason).
   */
  readyEndpoints?: Record<number, number>;
};

export type FederatedIngress = {
  /** The Ingress as the planner desires it (the federated template). */
  ingress: KubeObject;
  source?: SourceLocation;
  /** Clusters the Ingress is placed in, Offline ones included (they are drained, not removed). */
  clusters: ClusterName[];
};

export type LoadBalancerSettings = {
  /** Health check (seconds; counts). GKE's container-native defaults: 15 s, 15 s, 1, 2. */
  checkIntervalSec: number;
  timeoutSec: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** Backend service request timeout (seconds). */
  backendTimeoutSec: number;
  /**
   * RATE balancing with this many requests per second per instance. The default is effectively
   * unlimited, so each request goes to the nearest healthy cluster, as kubemci chose.
   */
  maxRatePerInstance: number;
  /** A drained cluster is undrained after it has been healthy this long. */
  undrainAfterSeconds: number;
};

export const DEFAULT_SETTINGS: LoadBalancerSettings = {
  checkIntervalSec: 15,
  timeoutSec: 15,
  healthyThreshold: 1,
  unhealthyThreshold: 2,
  backendTimeoutSec: 30,
  maxRatePerInstance: 1e14,
  undrainAfterSeconds: 120,
};

export type LoadBalancerInput = {
  /** `metadata.name` of the federation. */
  federation: string;
  project: string;
  /** VPC network of the nodes (default `default`). */
  network: string;
  /** The federation id (federationUid). */
  uid: string;
  /** Every Ingress of the repository: one absent here is one removed from Git. */
  ingresses: FederatedIngress[];
  /** Services of the repository, nodePorts pinned (the planner's NodePort pinning ran first). */
  services: KubeObject[];
  /** TLS Secrets of the repository (`type: kubernetes.io/tls`) the Ingresses may name. */
  secrets: KubeObject[];
  /** Every registered cluster. */
  clusters: ClusterFacts[];
  /** Delete the resources of Ingresses removed from Git (the federation's `policy.prune`). */
  prune: boolean;
  /** Correct drift (fields changed outside fedsync); false: only report it. Default true. */
  selfHeal?: boolean;
  settings?: Partial<LoadBalancerSettings>;
};
