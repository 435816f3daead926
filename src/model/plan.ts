// The Plan: plain data that the CLI prints, tests compare with golden files, and apply executes
// without deciding anything again. A plan is a list of target plans: one per member cluster, and
// one for the load balancer. Every planned action, whatever its target, says the same generic
// things (action, key, subject, reason, changes, guards) so that guards, the digest, counts and
// renderers need not know the target's kind.
import type { ClusterName, KubeObject, ObjectRef } from './kube.js';
import type { ClusterHealth } from './observed.js';
import type { HeldAction } from './outcome.js';
import type { Problem } from './problem.js';
import type { Revision } from './revision.js';

export const PLAN_SCHEMA_VERSION = 2;

/** One changed field: a JSON-pointer-like dotted path and the values (Secret values are masked). */
export type FieldChange = { path: string; from?: unknown; to?: unknown };

/** The kinds of target a plan has. */
export const TargetKind = { cluster: 'cluster', loadBalancer: 'loadBalancer' } as const;
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind];

/** What every planned action carries, for every target kind. */
type Planned<Ref> = {
  /** Identity inside the target (a refKey for cluster objects); guards and the digest use it. */
  key: string;
  /** How people name it (`Kind/namespace/name`). */
  subject: string;
  ref: Ref;
};

/** A planned action on one thing of a target, with its payload `Obj` (what is written). */
export type TargetAction<Ref, Obj> =
  | (Planned<Ref> & { action: 'create'; object: Obj; reason: string })
  | (Planned<Ref> & { action: 'update'; object: Obj; changes: FieldChange[]; reason: string })
  | (Planned<Ref> & { action: 'adopt'; object: Obj; changes: FieldChange[]; reason: string })
  /** `changes` include the field that cannot change in place. */
  | (Planned<Ref> & { action: 'replace'; object: Obj; changes: FieldChange[]; reason: string })
  | (Planned<Ref> & { action: 'delete'; reason: string })
  /** `would` is what runs once every guard in `guards` is released by an approval. */
  | (Planned<Ref> & { action: 'held'; would: HeldAction; guards: string[]; reason: string })
  | (Planned<Ref> & { action: 'unchanged' })
  | (Planned<Ref> & { action: 'skip'; reason: string });

/** Cluster objects are never replaced: Kubernetes fields fedsync writes are applied in place. */
export type ClusterAction = Exclude<TargetAction<ObjectRef, KubeObject>, { action: 'replace' }>;

export type ClusterPlan = {
  kind: 'cluster';
  /** The cluster's name. */
  target: ClusterName;
  health: ClusterHealth;
  /** Already in apply order: creates/updates by phase, then deletes in reverse phase order. */
  actions: ClusterAction[];
  /** refKeys fedsync owns there once this plan is applied (the next inventory). */
  inventory: string[];
};

/** A Google Cloud resource of the load balancer: its kind (`urlMap`, …), name and zone if zonal. */
export type CloudRef = { kind: string; name: string; zone?: string };

/** A resource as the load-balancer planner wants it written (the request body of its API call). */
export type CloudResource = Record<string, unknown>;

export type LoadBalancerAction = TargetAction<CloudRef, CloudResource>;

/** The federation's Google Cloud global load balancer. */
export type LoadBalancerPlan = {
  kind: 'loadBalancer';
  /** The load balancer's name as plans and guards show it (`loadbalancer`). */
  target: string;
  /** In apply order. */
  actions: LoadBalancerAction[];
};

export type TargetPlan = ClusterPlan | LoadBalancerPlan;

/** Any planned action of any target: what generic code (counts, digest, renderers) reads. */
export type AnyAction = TargetPlan['actions'][number];

/**
 * Safety guards that fired in this plan. The approval digest cannot be `Plan.digest` (an approval
 * committed to the repository would change the plan it names), so guards get a digest of their own
 * over exactly the actions they hold, computed before approvals are applied.
 */
export type GuardSummary = {
  /** `sha256:<hex>` over every held action (guard code, target, key); an approval names it. */
  digest: string;
  /** Guard codes that fired, sorted. */
  guards: string[];
  /** Guard codes an approval in the repository released, sorted. */
  released: string[];
};

export type Plan = {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  federation: string;
  revision: Revision;
  /** `sha256:<hex>` over the plan's decisions; approvals in the repository may name it. */
  digest: string;
  /** One per registered cluster (sorted by name), then the load balancer when there is one. */
  targets: TargetPlan[];
  problems: Problem[];
  /** Present when a safety guard fired (see GuardSummary). */
  guards?: GuardSummary;
  /** Plan again after this many seconds even without a change (e.g. a pending pod). */
  requeueAfterSeconds?: number;
};

/** The cluster targets of a plan, in plan order. */
export function clusterPlans(plan: Pick<Plan, 'targets'>): ClusterPlan[] {
  return plan.targets.filter((t): t is ClusterPlan => t.kind === 'cluster');
}

/** The load-balancer target of a plan, when it has one. */
export function loadBalancerPlan(plan: Pick<Plan, 'targets'>): LoadBalancerPlan | undefined {
  return plan.targets.find((t): t is LoadBalancerPlan => t.kind === 'loadBalancer');
}
