// The normalised federation model. Every manifest dialect (plain + v1 annotations, kubefed
// Federated<Kind>, ReplicaSchedulingPreference) is turned into this; nothing downstream knows
// which dialect a manifest used.
import type { ClusterName, KubeObject, Labels } from './kube.js';
import type { SourceLocation } from './problem.js';
import type { TenancyPolicy } from './tenancy.js';

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export type LabelSelectorRequirement = {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
};

export type LabelSelector = {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
};

/**
 * Where an object goes. `clusters`, when present (even empty), wins over `selector` (kubefed rule);
 * with neither, the object goes to every ready cluster.
 */
export type Placement = {
  clusters?: ClusterName[];
  selector?: LabelSelector;
};

export type OverrideOp = 'add' | 'replace' | 'remove';

/** kubefed-style per-cluster patch; `path` is a JSON pointer. */
export type Override = { op: OverrideOp; path: string; value?: unknown };

export type ClusterReplicaPreference = {
  minReplicas: number;
  /** Absent means unbounded. */
  maxReplicas?: number;
  weight: number;
};

export type ReplicaScheduling = {
  totalReplicas: number;
  rebalance: boolean;
  /** Keyed by cluster name or `*`. An exact entry does not inherit from `*`. */
  clusters: Record<string, ClusterReplicaPreference>;
};

/** One object of the federation: the template sent to members plus how to place and vary it. */
export type FederatedObject = {
  /** Full target object (apiVersion, kind, metadata.name/namespace set), federation annotations removed. */
  template: KubeObject;
  source: SourceLocation;
  placement: Placement;
  overrides: Record<ClusterName, Override[]>;
  replicaScheduling?: ReplicaScheduling;
};

export type ClusterRegistration = {
  name: ClusterName;
  labels: Labels;
  /** Context name in the agent's kubeconfig; credentials never live in Git. */
  kubeconfigContext: string;
  gcp?: { project?: string; network?: string; zones?: string[] };
  /**
   * `spec.leaving: true`: the cluster is being decommissioned. Nothing is scheduled there, its
   * backends leave the load balancer, its managed objects are deleted (guarded), and once none is
   * left it is forgotten, so its registration can be removed.
   */
  leaving?: true;
  source: SourceLocation;
};

/** A person's approval, in the repository, of a change a safety guard would otherwise block. */
export type Approval = {
  /** What is approved: a plan digest (`sha256:…`) or a commit SHA (full or at least 7 hex chars). */
  digest?: string;
  commit?: string;
  /** Which guards it releases; absent means all. */
  guards?: string[];
  reason?: string;
};

export type FederationPolicy = {
  selfHeal: boolean;
  prune: boolean;
  approvals: Approval[];
  /** What the repository may create where; set by the loader (absent in hand-built models). */
  tenancy?: TenancyPolicy;
};

export type FederationSettings = {
  name: string;
  /** `spec.suspend: true`: a running agent reads and plans this commit but writes nothing. */
  suspend?: boolean;
  gcp?: {
    project?: string;
    network?: string;
    /**
     * The ingress class fedsync gives every member Ingress when it runs the load balancer, so no
     * in-cluster controller (GKE's own) builds a second one (default `fedsync`).
     */
    ingressClass?: string;
  };
  policy: FederationPolicy;
  source?: SourceLocation;
};

/** What a revision of the federation repository says, fully validated. */
export type FederationRepo = {
  federation: FederationSettings;
  clusters: ClusterRegistration[];
  objects: FederatedObject[];
};

/** A commit of the federation repository. */
export type Revision = {
  sha: string;
  /** The first parent's SHA, when known (an approval by commit needs it). */
  parent?: string;
  ref?: string;
  author?: string;
  message?: string;
  /** Paths changed against `parent`; undefined when unknown (e.g. shallow history). */
  changedPaths?: string[];
};
