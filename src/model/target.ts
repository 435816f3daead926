// The target port: the one shape every kind of target has. A target is a thing fedsync makes match
// Git — a member cluster, or the Google Cloud load balancer of a federated Ingress. The reconciler
// observes every target, plans them together (pure), then applies each target's plan through the
// port of its kind, without knowing anything else about it.
import type { FederationRepo } from './federation.js';
import type { LoadBalancerView } from './load-balancer.js';
import type { ObservedCluster } from './observed.js';
import type { ActionError, ActionResult } from './outcome.js';
import type { TargetKind, TargetPlan } from './plan.js';

/**
 * What an observe is given: the repository, and for targets that depend on the member clusters
 * (the load balancer's instance groups hold their nodes) what the clusters' observe found.
 */
export type ObserveInput = { repo: FederationRepo; clusters?: readonly ObservedCluster[] };

/** What the reconciler (and progress output) hears while a target's plan is applied. */
export type ApplyObserver = {
  targetStarted?(target: { kind: TargetKind; name: string }): void;
  actionFinished?(target: { kind: TargetKind; name: string }, result: ActionResult): void;
  targetFinished?(result: TargetResult): void;
};

export type TargetResult = {
  kind: TargetKind;
  name: string;
  /** Not contacted at all: it was Offline when planned. */
  skipped?: 'offline';
  /** One result per planned action, in plan order. */
  results: ActionResult[];
  /** A target-level failure (e.g. the inventory could not be written): nothing more was applied. */
  error?: ActionError;
  /** Writes besides the actions themselves (inventory, status write-back); 0 on a no-op. */
  bookkeepingWrites: number;
  /** A load balancer: each federated Ingress's load balancer as it is after the apply. */
  loadBalancers?: LoadBalancerView[];
};

/**
 * One kind of target. `observe` reads every target of the kind (read-only); `apply` executes one
 * target's plan against the state it was planned from and never throws for the target's failure.
 */
export type TargetPort<Observed, Plan extends TargetPlan> = {
  observe(input: ObserveInput): Promise<Observed[]>;
  apply(
    plan: Plan,
    options: { observed: Observed | undefined; observer?: ApplyObserver },
  ): Promise<TargetResult>;
};
