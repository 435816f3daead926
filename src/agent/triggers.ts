// What wakes the reconciler: a cron schedule (with jitter, so many agents do not hit the Git server
// in the same second), a debounced watch of a local repository, and trigger-now. All of them feed
// one queue that never runs two reconciles at once: triggers that arrive during a run are
// coalesced into a single follow-up run (the reconcile is level-based, so one re-read covers all).
import { watch } from 'chokidar';
import cron from 'node-cron';
import { relative, sep } from 'node:path';

export type TriggerReason = 'schedule' | 'watch' | 'now' | (string & {});

export type RunOutcome = { ok: true } | { ok: false; error: unknown };

export type ReconcileQueue = {
  /** Asks for a reconcile; resolves when a run that started after this call has finished. */
  trigger(reason: TriggerReason): Promise<RunOutcome>;
  /** Resolves when nothing is running or pending. */
  idle(): Promise<void>;
  /**
   * No run starts any more: a pending follow-up is dropped and its callers, like later ones, get
   * `{ ok: false }` with a QueueClosedError. The run in progress is left to finish.
   */
  close(): void;
  readonly stats: { runs: number; coalesced: number };
};

export class QueueClosedError extends Error {
  readonly code = 'agent.stopping';
  constructor() {
    super('the agent is stopping: no new reconcile starts');
    this.name = 'QueueClosedError';
  }
}

type Waiter = (outcome: RunOutcome) => void;

export function createReconcileQueue(
  run: (reasons: TriggerReason[]) => Promise<void>,
  options: { onError?: (error: unknown) => void } = {},
): ReconcileQueue {
  let running = false;
  let pending: { reasons: Set<TriggerReason>; waiters: Waiter[] } | undefined;
  let idleWaiters: (() => void)[] = [];
  let closed = false;
  const stats = { runs: 0, coalesced: 0 };
  const refused = (): RunOutcome => ({ ok: false, error: new QueueClosedError() });

  const start = (reasons: Set<TriggerReason>, waiters: Waiter[]): void => {
    running = true;
    stats.runs++;
    void (async () => {
      let outcome: RunOutcome;
      try {
        await run([...reasons]);
        outcome = { ok: true };
      } catch (error) {
        options.onError?.(error);
        outcome = { ok: false, error };
      }
      for (const w of waiters) w(outcome);
      const next = pending;
      pending = undefined;
      if (next && !closed) start(next.reasons, next.waiters);
      else {
        for (const w of next?.waiters ?? []) w(refused());
        running = false;
        const idle = idleWaiters;
        idleWaiters = [];
        for (const w of idle) w();
      }
    })();
  };

  return {
    stats,
    trigger(reason) {
      return new Promise<RunOutcome>((resolve) => {
        if (closed) return resolve(refused());
        if (!running) return start(new Set([reason]), [resolve]);
        if (pending) stats.coalesced++;
        pending ??= { reasons: new Set(), waiters: [] };
        pending.reasons.add(reason);
        pending.waiters.push(resolve);
      });
    },
    idle() {
      return running ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
    },
    close() {
      closed = true;
    },
  };
}

export type Stoppable = { stop(): Promise<void> };

export type Timers = {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type ScheduleOptions = {
  /** node-cron expression; a sixth (leading) field means seconds, e.g. `*\/30 * * * * *`. */
  cron: string;
  /** Each tick waits a random delay in [0, jitterSeconds) before triggering. */
  jitterSeconds?: number;
  random?: () => number;
  timers?: Timers;
};

export function scheduleTrigger(queue: ReconcileQueue, options: ScheduleOptions): Stoppable {
  if (!cron.validate(options.cron)) throw new Error(`invalid cron expression "${options.cron}"`);
  const timers = options.timers ?? realTimers;
  const random = options.random ?? Math.random;
  const handles = new Set<unknown>();
  const task = cron.schedule(options.cron, () => {
    const delay = Math.floor(random() * (options.jitterSeconds ?? 0) * 1000);
    const handle = timers.setTimeout(() => {
      handles.delete(handle);
      void queue.trigger('schedule');
    }, delay);
    handles.add(handle);
  });
  // A tick the event loop was too busy to run is not worth a console warning: the queue coalesces
  // triggers, so asking for one reconcile now catches up on everything that was missed.
  task.on('execution:missed', () => void queue.trigger('schedule'));
  return {
    async stop() {
      await task.destroy();
      for (const h of handles) timers.clearTimeout(h);
      handles.clear();
    },
  };
}

/**
 * Inside `.git`, only ref changes matter (a commit, a reset, a pull move HEAD or a branch);
 * objects, the index, logs and lock files are noise.
 */
export function isIgnoredRepoPath(root: string, path: string, ignoredRefs: readonly string[] = []): boolean {
  const rel = relative(root, path).split(sep).join('/');
  const parts = rel.split('/');
  const gitAt = parts.indexOf('.git');
  if (gitAt < 0) return parts.includes('node_modules');
  const inside = parts.slice(gitAt + 1).join('/');
  if (inside === '' || inside === 'HEAD' || inside === 'packed-refs' || inside === 'refs') return false;
  if (inside.endsWith('.lock')) return true;
  if (ignoredRefs.some((ref) => inside === ref || inside.startsWith(`${ref}/`))) return true;
  return !(inside === 'refs/heads' || inside.startsWith('refs/heads/'));
}

/**
 * A directory appearing or going inside `.git` (e.g. `refs/heads/fedsync/` when fedsync's own status
 * branch is first written) is no change to reconcile: a branch that matters shows up as its own ref
 * file, which is an event of its own.
 */
export function isGitDirectoryEvent(root: string, event: string, path: string): boolean {
  if (event !== 'addDir' && event !== 'unlinkDir') return false;
  return relative(root, path).split(sep).includes('.git');
}

export type WatchOptions = {
  path: string;
  /** A burst of writes closer together than this is one trigger. */
  debounceMs?: number;
  /** Refs whose moves are not a change to reconcile (fedsync's own status branch). */
  ignoredRefs?: readonly string[];
  timers?: Timers;
  /**
   * Watcher errors after it is ready (EMFILE, a vanished directory, permissions), as values: the
   * watch keeps going. Without a listener an EventEmitter 'error' would crash the agent.
   */
  onError?: (error: unknown) => void;
  /** For tests: builds the chokidar watcher. */
  createWatcher?: typeof watch;
};

/** Watches a local repository; resolves once the watcher is ready. */
export async function watchTrigger(queue: ReconcileQueue, options: WatchOptions): Promise<Stoppable> {
  const timers = options.timers ?? realTimers;
  const debounceMs = options.debounceMs ?? 300;
  let timer: unknown;
  const watcher = (options.createWatcher ?? watch)(options.path, {
    ignoreInitial: true,
    ignored: (p: string) => isIgnoredRepoPath(options.path, p, options.ignoredRefs),
  });
  const fire = (event: string, path: string): void => {
    if (isGitDirectoryEvent(options.path, event, path)) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = undefined;
      void queue.trigger('watch');
    }, debounceMs);
  };
  watcher.on('all', fire);
  let ready = false;
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => {
      ready = true;
      resolve();
    });
    // Before ready an error means the watch never started: fail startup. After ready, report it and
    // keep watching (this listener stays for the watcher's lifetime).
    watcher.on('error', (error: unknown) => {
      if (ready) options.onError?.(error);
      else reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
  return {
    async stop() {
      if (timer !== undefined) timers.clearTimeout(timer);
      await watcher.close();
    },
  };
}

export type TriggersOptions = {
  run: (reasons: TriggerReason[]) => Promise<void>;
  schedule?: ScheduleOptions;
  watch?: WatchOptions;
  onError?: (error: unknown) => void;
};

/** Wires the schedule, the watch and trigger-now onto one queue. */
export async function startTriggers(options: TriggersOptions): Promise<{
  queue: ReconcileQueue;
  now: (reason?: TriggerReason) => Promise<RunOutcome>;
  /** Stops the schedule and the watch and closes the queue; the run in progress goes on. */
  close: () => Promise<void>;
  /** close(), then waits for the run in progress. */
  stop: () => Promise<void>;
}> {
  const queue = createReconcileQueue(options.run, options.onError ? { onError: options.onError } : {});
  const stoppers: Stoppable[] = [];
  if (options.schedule) stoppers.push(scheduleTrigger(queue, options.schedule));
  if (options.watch) {
    const watchOptions =
      options.onError && !options.watch.onError
        ? { ...options.watch, onError: options.onError }
        : options.watch;
    stoppers.push(await watchTrigger(queue, watchOptions));
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      queue.close();
      for (const s of stoppers) await s.stop();
    })());
  return {
    queue,
    now: (reason = 'now') => queue.trigger(reason),
    close,
    async stop() {
      await close();
      await queue.idle();
    },
  };
}
