// The reconcile contract, in the spirit of controller-runtime's Result: how one reconcile of one
// commit ended, when to look again, and whether another try of the same commit could help.
import type { Drift } from './drift.js';
import type { Counts, ReconcileStatus } from './outcome.js';
import type { Problem } from './problem.js';
import type { TargetResult } from './target.js';

export type ReconcileOutcome = {
  status: ReconcileStatus;
  sha: string;
  ref?: string;
  federation?: string;
  /** What the plan decided (absent when the commit could not be planned). */
  plan?: { digest: string; counts: Counts };
  /** One result per target plan, in plan order. */
  targets: TargetResult[];
  /** What apply did, over every target. */
  counts?: Counts;
  problems: Problem[];
  /**
   * True when another try of this commit cannot do better (the repository has problems, or a guard
   * holds a change until it is approved): wait for a new commit. False: a transient failure, retry.
   */
  terminal: boolean;
  /** Look again after this many seconds even without a trigger (e.g. a pending pod). */
  requeueAfterSeconds?: number;
  /** Drift the watch found since the previous reconcile (long-lived agent only). */
  drift: Drift[];
};
