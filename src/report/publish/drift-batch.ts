// Drift the watch finds between reconciles, to the reporter in batches: a burst of watch events (a
// `kubectl scale` and the controller's answers, a rollout touching many objects) becomes one report,
// sent once the watch has been quiet for `quietMs`, or at the latest `maxWaitMs` after the first
// drift of the batch when it never goes quiet. Never one report per event. A reconcile's own report
// holds every drift recorded before it (the fleet hands it over), so a batch still waiting when a
// reconcile reports is dropped: sent after it, it would bring back drift that reconcile corrected.
// Only the writer reports (`enabled`, e.g. "this replica holds the Lease"); the others drop drift.
import type { Drift, Reporter } from '../../model/index.js';

export type DriftBatchTimers = {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
};

const realTimers: DriftBatchTimers = {
  set: (run, ms) => {
    const t = setTimeout(run, ms);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type DriftBatch = {
  /** The reporter to reconcile with: the same, but its `reconciled` drops the waiting batch. */
  reporter: Reporter;
  /** One drift the watch found (the fleet's onDrift). */
  add(drift: Drift): void;
  /** Sends the waiting batch now; resolves when the report is out (or failed). */
  flush(): Promise<void>;
  /** Sends what is waiting and takes no more. */
  close(): Promise<void>;
  /** Drift waiting to be sent. */
  pending(): number;
};

export type DriftBatchOptions = {
  /** Quiet time that ends a batch; default 2 s. */
  quietMs?: number;
  /** Longest a drift waits in a batch that never goes quiet; default 30 s. */
  maxWaitMs?: number;
  /** Whether this process reports at all now (the leader); default always. */
  enabled?: () => boolean;
  timers?: DriftBatchTimers;
};

export function batchDrift(reporter: Reporter, options: DriftBatchOptions = {}): DriftBatch {
  const quietMs = options.quietMs ?? 2000;
  const maxWaitMs = Math.max(quietMs, options.maxWaitMs ?? 30_000);
  const enabled = options.enabled ?? (() => true);
  const timers = options.timers ?? realTimers;
  let waiting: Drift[] = [];
  let quiet: unknown;
  let deadline: unknown;
  let closed = false;

  const stopTimers = (): void => {
    if (quiet !== undefined) timers.clear(quiet);
    if (deadline !== undefined) timers.clear(deadline);
    quiet = deadline = undefined;
  };

  const flush = async (): Promise<void> => {
    stopTimers();
    const batch = waiting;
    waiting = [];
    if (batch.length === 0 || !enabled() || !reporter.drifted) return;
    try {
      await reporter.drifted(batch);
    } catch {
      // The reporter logs and counts its own failures.
    }
  };

  const wrapped: Reporter = {
    ...(reporter.pickedUp ? { pickedUp: (c) => reporter.pickedUp!(c) } : {}),
    reconciled(report) {
      stopTimers();
      waiting = [];
      return reporter.reconciled(report);
    },
    ...(reporter.drifted ? { drifted: (d) => reporter.drifted!(d) } : {}),
    ...(reporter.previewed ? { previewed: (p, o) => reporter.previewed!(p, o) } : {}),
  };

  return {
    reporter: wrapped,
    add(drift) {
      if (closed || !enabled()) return;
      waiting.push(drift);
      if (quiet !== undefined) timers.clear(quiet);
      quiet = timers.set(() => void flush(), quietMs);
      deadline ??= timers.set(() => void flush(), maxWaitMs);
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
    pending: () => waiting.length,
  };
}
