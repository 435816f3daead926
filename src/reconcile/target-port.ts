// The target port: what the reconciler needs from every kind of target (a member cluster, the
// load balancer). Observe returns the target's live state for the planner; apply executes the
// target's part of a plan without deciding anything again and returns one result per action.
// src/kube implements it for clusters, src/gcp for the load balancer; the reconciler only chooses
// the adapter by the plan's (kind, target).
import type {
  ActionResult,
  ClusterPlan,
  FederationPolicy,
  FederationRepo,
  LoadBalancerPlan,
  ObservedCluster,
  ObservedLoadBalancer,
  Problem,
  TargetKind,
} from '../model/index.js';
import type { DesiredTargets } from '../plan/plan-revision.js';

/** Per kind: what observe returns and what apply takes. */
export type TargetTypes = {
  cluster: { observed: ObservedCluster; plan: ClusterPlan };
  loadBalancer: { observed: ObservedLoadBalancer; plan: LoadBalancerPlan };
};

/** What applying one target plan did. */
export type TargetResult = {
  kind: TargetKind;
  target: string;
  /** Not contacted: an Offline cluster, or a target no adapter serves (nothing was tried). */
  skipped?: 'offline' | 'unavailable';
  /** One per planned action, in plan order. */
  results: ActionResult[];
  /** A target-level failure (as a problem naming the target): nothing, or nothing more, was applied. */
  error?: Problem;
};

/** Progress as it happens, for output on a terminal. */
export type ApplyProgress = {
  actionFinished?(target: string, result: ActionResult): void;
  targetFinished?(target: string, result: TargetResult): void;
};

export type ApplyContext<K extends TargetKind> = {
  /** Everything fedsync wants in this target after the plan, unchanged things included. */
  desired: DesiredTargets[K] extends ReadonlyMap<string, infer D> ? D : never;
  policy: FederationPolicy;
  progress?: ApplyProgress;
};

/** One target: a member cluster, or the load balancer. */
export type Target<K extends TargetKind = TargetKind> = {
  readonly kind: K;
  /** The target's name in plans (a cluster's name; `loadbalancer`). */
  readonly name: string;
  /** The live state the planner needs. Throws only when nothing at all could be learnt. */
  observe(input: { repo: FederationRepo }): Promise<TargetTypes[K]['observed']>;
  /** Executes the plan; never throws for the target's own failures (they are in the result). */
  apply(plan: TargetTypes[K]['plan'], context: ApplyContext<K>): Promise<TargetResult>;
};

/** A target of any kind. */
export type AnyTarget = { [K in TargetKind]: Target<K> }[TargetKind];
