// The Reporter port: where a reconcile tells the outside world what it did (the status branch and
// commit statuses, or nothing). The reconciler calls it and never waits on its success: a reporter
// that fails logs and counts it itself, and reconciliation goes on as if it had succeeded.
import type { Drift } from './drift.js';
import type { ObservedCluster } from './observed.js';
import type { Plan, TargetKind } from './plan.js';
import type { ReconcileOutcome } from './reconcile.js';

/** Everything one reconcile knows, for its reporter. */
export type ReconcileReport = {
  outcome: ReconcileOutcome;
  /** Absent when the commit could not be read or planned. */
  plan?: Plan;
  /** The clusters as observed before apply (health, live objects, inventories, workloads). */
  observed?: ObservedCluster[];
  /**
   * How many of `outcome.drift` (the first ones) the watch found before this reconcile planned; the
   * rest came while or after it applied. Absent: all of it came before.
   */
  driftBeforePlan?: number;
};

/** A commit was read and planned, and is about to be applied. */
export type PickedUp = {
  sha: string;
  ref?: string;
  federation: string;
  targets: { kind: TargetKind; name: string }[];
};

/** The read-only plan of a pull-request head, ready to publish. */
export type PreviewReport = {
  sha: string;
  /** The ref it was planned for, e.g. `refs/pull/12/head`. */
  ref: string;
  federation?: string;
  /** `planned` (summary "3 to add, 1 to change, 0 to destroy"), `invalid`, or `held` for approval. */
  outcome: 'planned' | 'invalid' | 'held';
  summary: string;
  /** The plan as Markdown, exactly what `fedsync plan -o markdown` prints (Secret values masked). */
  markdown: string;
};

/**
 * Every method resolves (never rejects) once its report is out or has failed; failures are the
 * reporter's to log and count. `pickedUp` is called before apply, `reconciled` after every reconcile
 * (planned or not), `drifted` by a long-lived agent for drift its watch found between reconciles,
 * `previewed` by the preview runner for each new pull-request head.
 */
export type Reporter = {
  pickedUp?(commit: PickedUp): Promise<void>;
  reconciled(report: ReconcileReport): Promise<void>;
  drifted?(drift: Drift[]): Promise<void>;
  /** A preview of a pull-request head; `open` lists the heads still open (older previews are dropped). */
  previewed?(preview: PreviewReport, options?: { open?: readonly string[] }): Promise<void>;
};
