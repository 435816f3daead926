// The reconcile contract, in the spirit of controller-runtime's Result: how the cycle ended, when to
// look again without a trigger, and the problems no retry of this revision can fix. Plain data: the
// agent schedules from it, reports print it, `fedsync apply -o json` prints it as it is.
import type { Counts, Drift, Problem, ReconcileStatus, Revision } from '../model/index.js';
import type { TargetResult } from './target-port.js';

export type ReconcileResult = {
  status: ReconcileStatus;
  revision: Pick<Revision, 'sha' | 'ref'>;
  federation?: string;
  /** Reconcile again after this many seconds even without a trigger (a pending pod's deadline). */
  requeueAfterSeconds?: number;
  /**
   * Error problems that retrying this revision cannot clear (the repository is invalid, a delete
   * awaits approval, an object belongs to another federation): the next useful cycle is the one
   * after a new commit. Also listed in `problems`.
   */
  terminal: Problem[];
  /** Every problem of the cycle: the repository's, the plan's and the targets' failures. */
  problems: Problem[];
  /** What was planned (absent when the revision could not be read or observed). */
  plan?: { digest: string; counts: Counts };
  /** One per target plan, in plan order. */
  targets: TargetResult[];
  /** What applying did, over every target (absent when nothing was applied). */
  counts?: Counts;
  /** Drift the watches found since the previous reconcile (long-lived agent only). */
  drift: Drift[];
};

/** Error problems no retry of the same revision can clear. */
export function terminalProblems(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error' && !p.transient);
}
