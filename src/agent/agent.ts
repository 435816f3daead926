// The long-lived agent: one reconcile at a time, woken by the schedule, a watch of a local
// repository, trigger-now, and the plan's own "look again after N seconds" (a pending pod).
import type { LoadedRepo } from '../source/load-repo.js';
import { reconcileOnce } from './reconcile-once.js';
import type { ReconcileOutcome } from '../model/index.js';
import type { Targets } from './reconcile-once.js';
import { startTriggers } from './triggers.js';
import type { RunOutcome, TriggerReason } from './triggers.js';

export type AgentOptions = {
  read: () => Promise<LoadedRepo>;
  targets: Targets;
  /** Reconcile every this many seconds (plus up to jitterSeconds). */
  intervalSeconds: number;
  jitterSeconds?: number;
  /** A local repository directory to watch; a commit there triggers a reconcile at once. */
  watchDir?: string;
  onOutcome: (outcome: ReconcileOutcome, reasons: TriggerReason[]) => void;
  onError: (error: unknown) => void;
};

export type Agent = {
  /** Reconciles now (or right after the run in progress); resolves when that run is done. */
  reconcileNow(reason?: TriggerReason): Promise<RunOutcome>;
  /** The outcome of the newest finished reconcile. */
  last(): ReconcileOutcome | undefined;
  stop(): Promise<void>;
};

/** A node-cron expression for "every n seconds" (n divides into a minute, else every minute). */
export function everySeconds(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`interval must be a whole number of seconds, got ${n}`);
  if (n < 60 && 60 % n === 0) return `*/${n} * * * * *`;
  const minutes = Math.max(1, Math.round(n / 60));
  return `0 */${minutes} * * * *`;
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  let last: ReconcileOutcome | undefined;
  let requeue: NodeJS.Timeout | undefined;
  let stopped = false;
  const triggers = await startTriggers({
    run: async (reasons) => {
      if (requeue) clearTimeout(requeue);
      requeue = undefined;
      const outcome = await reconcileOnce({ read: options.read, targets: options.targets });
      last = outcome;
      options.onOutcome(outcome, reasons);
      const after = outcome.requeueAfterSeconds;
      if (after !== undefined && !stopped)
        requeue = setTimeout(() => void triggers.now('requeue'), Math.max(1, after) * 1000);
    },
    schedule: {
      cron: everySeconds(options.intervalSeconds),
      ...(options.jitterSeconds !== undefined ? { jitterSeconds: options.jitterSeconds } : {}),
    },
    ...(options.watchDir ? { watch: { path: options.watchDir } } : {}),
    onError: options.onError,
  });
  return {
    reconcileNow: (reason = 'now') => triggers.now(reason),
    last: () => last,
    async stop() {
      stopped = true;
      if (requeue) clearTimeout(requeue);
      await triggers.stop();
    },
  };
}
