// The Plan: plain data that the CLI prints, tests compare with golden files, and apply executes
// without deciding anything again.
import type { ClusterName, KubeObject, ObjectRef } from './kube.js';
import type { ClusterHealth } from './observed.js';
import type { Problem } from './problem.js';
import type { Revision } from './federation.js';

export const PLAN_SCHEMA_VERSION = 1;

/** One changed field: a JSON-pointer-like dotted path and the values (Secret values are masked). */
export type FieldChange = { path: string; from?: unknown; to?: unknown };

export const KubeOp = {
  create: 'create',
  update: 'update',
  adopt: 'adopt',
  delete: 'delete',
  unchanged: 'unchanged',
  skip: 'skip',
} as const;
export type KubeOp = (typeof KubeOp)[keyof typeof KubeOp];

export type KubeAction =
  | { op: 'create'; ref: ObjectRef; object: KubeObject; reason: string }
  | { op: 'update'; ref: ObjectRef; object: KubeObject; changes: FieldChange[]; reason: string }
  | { op: 'adopt'; ref: ObjectRef; object: KubeObject; changes: FieldChange[]; reason: string }
  /** `blockedBy` lists the guard codes that hold this delete back; apply never runs a blocked delete. */
  | { op: 'delete'; ref: ObjectRef; reason: string; blockedBy: string[] }
  | { op: 'unchanged'; ref: ObjectRef }
  | { op: 'skip'; ref: ObjectRef; reason: string };

export type ClusterPlan = {
  cluster: ClusterName;
  health: ClusterHealth;
  /** Already in apply order: creates/updates by phase, then deletes in reverse phase order. */
  actions: KubeAction[];
  /** refKeys fedsync owns there once this plan is applied (the next inventory). */
  inventory: string[];
};

/**
 * Safety guards that fired in this plan. Added by the planner issue: the approval digest cannot be
 * `Plan.digest` (an approval committed to the repo would change the plan it names), so guards get a
 * digest of their own over exactly the deletes they hold, computed before approvals are applied.
 */
export type GuardSummary = {
  /** `sha256:<hex>` over every held delete (guard code, target, refKey); an approval names it. */
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
  /** `sha256:<hex>` over the plan's decisions; approvals in the repo may name it. */
  digest: string;
  clusters: ClusterPlan[];
  problems: Problem[];
  /** Present when a safety guard fired (see GuardSummary). */
  guards?: GuardSummary;
  /** When set, plan again after this many seconds even without a change (e.g. a pending pod). */
  requeueAfterSeconds?: number;
};
