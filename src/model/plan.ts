// The Plan: plain data that the CLI prints, tests compare with golden files, and apply executes
// without deciding anything again. One plan per target (a member cluster, a load balancer), every
// action in the one vocabulary of outcome.ts.
import { refKey, subject } from './kube.js';
import type { ClusterName, KubeObject, ObjectRef } from './kube.js';
import type { FederationRecord } from './inventory.js';
import type { ClusterHealth, HealthCause } from './observed.js';
import type { Problem } from './problem.js';
import type { FederationPolicy, Revision } from './federation.js';
import { countOutcomes } from './outcome.js';
import type { Action, Counts } from './outcome.js';
import type { IngressDesign, LoadBalancerAction, Orphan } from './load-balancer.js';

export const PLAN_SCHEMA_VERSION = 2;

/** One changed field: a dotted path and the values (Secret values are masked). */
export type FieldChange = { path: string; from?: unknown; to?: unknown };

/** One planned action on an object of a member cluster. */
export type KubeAction =
  | { action: 'create'; ref: ObjectRef; object: KubeObject; reason: string }
  | { action: 'update'; ref: ObjectRef; object: KubeObject; changes: FieldChange[]; reason: string }
  | { action: 'adopt'; ref: ObjectRef; object: KubeObject; changes: FieldChange[]; reason: string }
  /** `apiVersion` is the live object's: what the delete request is sent as. */
  | { action: 'delete'; ref: ObjectRef; apiVersion: string; reason: string }
  /** Adopted, no longer desired: fedsync's labels and field ownership are removed, the object stays. */
  | { action: 'orphan'; ref: ObjectRef; apiVersion: string; reason: string }
  /**
   * A delete the guards in `heldBy` hold; apply never runs it. `heldWith`: held objects that use
   * this one (their TLS Secret, backend Service, mounted ConfigMap…), whose guards it shares.
   */
  | {
      action: 'held';
      ref: ObjectRef;
      apiVersion: string;
      reason: string;
      heldBy: string[];
      heldWith?: string[];
    }
  /** `object` is the desired copy: later watch events are compared with it (drift). */
  | { action: 'unchanged'; ref: ObjectRef; object: KubeObject }
  | { action: 'skip'; ref: ObjectRef; reason: string };

export const TargetKind = { cluster: 'cluster', loadBalancer: 'loadBalancer' } as const;
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind];

export type ClusterPlan = {
  kind: 'cluster';
  /** The cluster's name in the repository. */
  name: ClusterName;
  health: ClusterHealth;
  /** Why it is left untouched (Unreachable or Offline). */
  cause?: HealthCause;
  /** Already in apply order: creates/updates by phase, then deletes in reverse phase order. */
  actions: KubeAction[];
  /** refKeys fedsync owns there once this plan is applied (the next inventory). */
  inventory: string[];
  /** The part of `inventory` fedsync adopted rather than created (absent when none). */
  adopted?: string[];
  /** The federation record apply leaves in the cluster (absent: keep what is there). */
  record?: FederationRecord;
  /**
   * The cluster is leaving the federation (spec.leaving): apply drops its record, so once the
   * inventory is empty nothing of fedsync is left there.
   */
  leaving?: true;
  /** Drift found later by the watch: corrected at once (true) or only reported. */
  selfHeal: boolean;
};

/**
 * The Google Cloud load balancer of a federation: every federated Ingress's resources in one project.
 * One plan, not one per Ingress: backend services, health checks, instance groups and the firewall
 * are shared by the Ingresses that use the same nodePort or cluster, and the order is global.
 */
export type LoadBalancerPlan = {
  kind: 'loadBalancer';
  /** The Google Cloud project. */
  name: string;
  /** The federation id every resource name ends in (`--<uid>`). */
  uid: string;
  /** Already in apply order: creates bottom-up, deletes top-down; unchanged ones included. */
  actions: LoadBalancerAction[];
  /** Each federated Ingress: how it is served and the Ready clusters whose member it writes back to. */
  ingresses: (IngressDesign & { clusters: ClusterName[] })[];
  /** Resources with the federation id that nothing desires and fedsync leaves alone. */
  orphans: Orphan[];
};

export type TargetPlan = ClusterPlan | LoadBalancerPlan;

/** The identity of an action inside its target, and its human name. */
export function actionKey(a: KubeAction | LoadBalancerAction): string {
  return 'subject' in a ? a.subject : refKey(a.ref);
}

export function actionSubject(a: KubeAction | LoadBalancerAction): string {
  return 'subject' in a ? a.subject : subject(a.ref);
}

/**
 * Safety guards that fired in this plan. The approval digest cannot be `Plan.digest` (an approval
 * committed to the repo would change the plan it names), so guards get a digest of their own over
 * exactly what they hold, computed before approvals are applied.
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
  /**
   * The policy the plan was made under: self-heal, prune, the approvals in fedsync.yaml and the
   * tenancy policy in force with where it came from (absent in plans made before it was recorded).
   */
  policy?: FederationPolicy;
  /** `sha256:<hex>` over the plan's decisions; approvals in the repo may name it. */
  digest: string;
  /** Member clusters first (sorted by name), then load balancers (sorted by name). */
  targets: TargetPlan[];
  problems: Problem[];
  /** Present when a safety guard fired (see GuardSummary). */
  guards?: GuardSummary;
  /** Plan again after this many seconds even without a change (e.g. a pending pod). */
  requeueAfterSeconds?: number;
};

export function clusterPlans(plan: Pick<Plan, 'targets'>): ClusterPlan[] {
  return plan.targets.filter((t): t is ClusterPlan => t.kind === 'cluster');
}

export function loadBalancerPlans(plan: Pick<Plan, 'targets'>): LoadBalancerPlan[] {
  return plan.targets.filter((t): t is LoadBalancerPlan => t.kind === 'loadBalancer');
}

/** Counts of every action of one target plan, or of the whole plan. */
export function planCounts(plan: Pick<Plan, 'targets'> | TargetPlan): Counts {
  const targets = 'targets' in plan ? plan.targets : [plan];
  return countOutcomes(targets.flatMap((t): { action: Action }[] => t.actions));
}
