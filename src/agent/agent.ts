// The long-lived agent loop: one reconcile at a time, woken by the schedule, a watch of a local
// repository, webhooks, the manual trigger, a periodic drift check and the plan's own "look again
// after N seconds". Each run reads the repository once — one commit per run, so a push during a run
// is picked up by the next one and never mixed into this one — then, if this replica may write
// (leader, not suspended, not stopping), reconciles; otherwise it only observes and plans, which
// keeps the caches warm and shows what would change. How a run ended is decided once, by the
// outcome: a transient failure is retried with backoff and jitter; a terminal one (the repository
// has problems, a guard holds a change) waits for a new commit — only the drift check, the manual
// trigger and a change of leadership look at that commit again.
import { systemClock } from '../clock.js';
import { planCounts } from '../model/index.js';
import type { ApplyObserver, Clock, Problem, ReconcileOutcome, TargetPlan } from '../model/index.js';
import type { LoadedRepo } from '../source/load-repo.js';
import { backoffDelayMs, type Backoff } from './backoff.js';
import { createCyclePlanner, type FullResync, type PlanMode } from './plan-mode.js';
import { planOnce, reconcileOnce, type Targets } from './reconcile-once.js';
import { startTriggers, type RunOutcome, type TriggerReason } from './triggers.js';
import type { GateVerdict, Suspension, WriteGate } from './write-gate.js';
import type { PreviewHead, PreviewRunner } from './preview.js';

/** Triggers that look at a commit again even when its last outcome was terminal. */
const LOOK_AGAIN: ReadonlySet<string> = new Set(['manual', 'drift', 'leader', 'resume', 'start', 'now']);
/** Triggers that plan in full: an operator asked, or another writer may have applied meanwhile. */
const PLAN_IN_FULL: ReadonlySet<string> = new Set(['manual', 'leader', 'resume', 'start']);

type RunBase = {
  reasons: TriggerReason[];
  /** ISO time the run started. */
  startedAt: string;
  seconds: number;
  sha: string;
  ref?: string;
};

/** What one run of the loop did. */
export type AgentRun =
  /** Reconciled: the plan was applied (to the targets this replica owns). */
  | (RunBase & { mode: 'applied'; outcome: ReconcileOutcome; /** How it was planned. */ planMode?: PlanMode })
  /** Read, observed and planned only; `why` says why nothing was written. */
  | (RunBase & {
      mode: 'planned';
      why: Extract<GateVerdict, { ok: false }>;
      plan?: { digest: string; counts: NonNullable<ReconcileOutcome['plan']>['counts'] };
      problems: Problem[];
    })
  /** The commit's last outcome was terminal and nothing asked to look again: nothing done. */
  | (RunBase & { mode: 'waiting'; terminal: ReconcileOutcome });

export type AgentOptions = {
  /** Reads the followed branch once (its newest commit). */
  read: () => Promise<LoadedRepo>;
  targets: Targets;
  gate: WriteGate;
  /** node-cron expression (six fields: seconds first) and a random delay per tick. */
  schedule?: { cron: string; jitterMs?: number };
  /** A full reconcile at least this often, even when Git has not changed. */
  driftIntervalMs?: number;
  /** A local repository directory to watch; a commit there triggers a run at once. */
  watchDir?: string;
  retry: Backoff;
  /** Sharding: the targets this replica applies (default all). */
  owns?: (target: { kind: TargetPlan['kind']; name: string }) => boolean;
  /** More options for each reconcile (e.g. a reporter), passed through as they are. */
  reconcileOptions?: Omit<Parameters<typeof reconcileOnce>[0], 'read' | 'targets' | 'owns' | 'observer'>;
  /** Pull-request previews: the heads of the preview refs now, and the runner that plans new ones. */
  previews?: { heads: () => Promise<PreviewHead[]>; runner: PreviewRunner };
  observer?: ApplyObserver;
  /**
   * Plan each cycle from the last converged one, planning again only what changed or drifted (on by
   * default); `resync`: a full plan at least this often. `false`: every cycle is planned in full.
   */
  incremental?: { resync?: Partial<FullResync> } | false;
  clock?: Clock;
  random?: () => number;
  onRun: (run: AgentRun) => void;
  onError: (error: unknown) => void;
};

export type AgentState = {
  running: boolean;
  /** The newest finished run. */
  last?: AgentRun;
  /** The newest applied commit and when. */
  applied?: { sha: string; at: string; status: ReconcileOutcome['status'] };
  /** A terminal outcome waiting for a new commit. */
  waitingFor?: { sha: string; status: ReconcileOutcome['status'] };
  /** The retry after a transient failure: its number and when it is due. */
  retry?: { attempt: number; at: string };
  suspensions: Suspension[];
  runs: number;
};

export type Agent = {
  /** A run now (or right after the one in progress); resolves when that run is done. */
  trigger(reason: TriggerReason): Promise<RunOutcome>;
  /** Stops writing until resume (the operator's suspension; fedsync.yaml has its own). */
  suspend(reason: string): void;
  resume(): Promise<RunOutcome>;
  state(): AgentState;
  /**
   * Stops: no new run starts; the run in progress may finish for `graceMs`, after which every
   * further write is refused (and recorded as such in that run's outcome); resolves once it ended.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
};

/** A node-cron expression for "every n seconds" (n divides into a minute, else every minute). */
export function everySeconds(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`interval must be a whole number of seconds, got ${n}`);
  if (n < 60 && 60 % n === 0) return `*/${n} * * * * *`;
  const minutes = Math.max(1, Math.round(n / 60));
  return `0 */${minutes} * * * *`;
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { gate } = options;
  const state: AgentState = { running: false, suspensions: [], runs: 0 };
  let retryTimer: NodeJS.Timeout | undefined;
  let requeueTimer: NodeJS.Timeout | undefined;
  let driftTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let stopped = false;
  let lastTerminal: ReconcileOutcome | undefined;
  const cycles =
    options.incremental === false
      ? undefined
      : createCyclePlanner({
          clock,
          ...(options.incremental?.resync ? { resync: options.incremental.resync } : {}),
        });

  const clearTimers = (): void => {
    if (retryTimer) clearTimeout(retryTimer);
    if (requeueTimer) clearTimeout(requeueTimer);
    retryTimer = requeueTimer = undefined;
  };
  const later = (ms: number, reason: TriggerReason): NodeJS.Timeout =>
    setTimeout(() => void triggers.now(reason), ms);

  /** The repository's own switch, seen on each read, goes into the gate (drift corrections too). */
  const noteRepositorySuspension = (loaded: LoadedRepo, at: string): void => {
    const says = loaded.ok && loaded.value.federation.suspend === true;
    const current = gate.suspensions().find((s) => s.by === 'repository');
    if (says && !current)
      gate.suspend({ by: 'repository', reason: 'spec.suspend in fedsync.yaml', since: at });
    else if (!says && loaded.ok && current) gate.resume('repository');
  };

  const runOnce = async (reasons: TriggerReason[]): Promise<AgentRun> => {
    const started = clock.now();
    const startedAt = started.toISOString();
    const base = (sha: string, ref?: string): RunBase => ({
      reasons,
      startedAt,
      seconds: (clock.now().getTime() - started.getTime()) / 1000,
      sha,
      ...(ref ? { ref } : {}),
    });
    let loaded: LoadedRepo | undefined;
    let readError: Error | undefined;
    try {
      loaded = await options.read();
    } catch (err) {
      // Kept as thrown (code, transient): planOnce classifies it.
      readError = err instanceof Error ? err : new Error(String(err));
    }
    // The one read of this run, replayed: plan and apply see exactly this commit.
    const read = (): Promise<LoadedRepo> =>
      loaded ? Promise.resolve(loaded) : Promise.reject(readError ?? new Error('no read'));
    const sha = loaded?.revision?.sha ?? 'unknown';
    const ref = loaded?.revision?.ref;
    if (loaded) noteRepositorySuspension(loaded, startedAt);

    const terminal = lastTerminal;
    if (terminal && terminal.sha === sha && !reasons.some((r) => LOOK_AGAIN.has(r)))
      return { ...base(sha, ref), mode: 'waiting', terminal };

    const verdict = gate.check();
    if (!verdict.ok) {
      const planned = await planOnce({ read, targets: options.targets, clock });
      return {
        ...base(sha, ref),
        mode: 'planned',
        why: verdict,
        ...(planned.ok ? { plan: { digest: planned.plan.digest, counts: planCounts(planned.plan) } } : {}),
        problems: planned.ok ? planned.plan.problems : planned.problems,
      };
    }
    let planMode: PlanMode | undefined;
    const full = reasons.find((r) => PLAN_IN_FULL.has(r));
    const outcome = await reconcileOnce({
      ...options.reconcileOptions,
      read,
      targets: options.targets,
      clock,
      ...(options.owns ? { owns: options.owns } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
      ...(cycles
        ? {
            planner: {
              cycle: cycles,
              ...(full ? { full: `${full} run` } : {}),
              onPlanned: (m: PlanMode) => (planMode = m),
            },
          }
        : {}),
    });
    return {
      ...base(outcome.sha, outcome.ref ?? ref),
      mode: 'applied',
      outcome,
      ...(planMode ? { planMode } : {}),
    };
  };

  /** Retry, wait or carry on, decided from the run's outcome alone. */
  const classify = (run: AgentRun): void => {
    if (run.mode !== 'applied') return;
    const o = run.outcome;
    if (o.status !== 'failed' || o.terminal) {
      attempt = 0;
      delete state.retry;
    }
    if (o.status !== 'failed' && o.sha !== 'unknown')
      state.applied = { sha: o.sha, at: run.startedAt, status: o.status };
    if (o.terminal && o.sha !== 'unknown') {
      lastTerminal = o;
      state.waitingFor = { sha: o.sha, status: o.status };
    } else {
      lastTerminal = undefined;
      delete state.waitingFor;
    }
    if (!o.terminal && o.status === 'failed' && !stopped) {
      attempt++;
      const ms = backoffDelayMs(options.retry, attempt, random());
      state.retry = { attempt, at: new Date(clock.now().getTime() + ms).toISOString() };
      retryTimer = later(ms, 'retry');
    }
    if (o.requeueAfterSeconds !== undefined && !stopped)
      requeueTimer = later(Math.max(1, o.requeueAfterSeconds) * 1000, 'requeue');
  };

  const triggers = await startTriggers({
    run: async (reasons) => {
      clearTimers();
      state.running = true;
      try {
        const run = await runOnce(reasons);
        state.last = run;
        state.runs++;
        classify(run);
        options.onRun(run);
        // Only the replica that may write reports previews (followers would post them twice). A
        // preview that cannot list or plan is the next run's to retry; it never fails this one.
        if (options.previews && run.mode === 'applied')
          await options.previews
            .heads()
            .then((heads) => options.previews?.runner.run(heads))
            .catch((err: unknown) => options.onError(err));
      } finally {
        state.running = false;
        state.suspensions = gate.suspensions();
      }
    },
    ...(options.schedule
      ? {
          schedule: {
            cron: options.schedule.cron,
            ...(options.schedule.jitterMs ? { jitterSeconds: options.schedule.jitterMs / 1000 } : {}),
            random,
          },
        }
      : {}),
    ...(options.watchDir ? { watch: { path: options.watchDir } } : {}),
    onError: (err) => {
      // A run that threw (a bug, not an outcome): retried like a transient failure.
      options.onError(err);
      if (stopped) return;
      attempt++;
      retryTimer = later(backoffDelayMs(options.retry, attempt, random()), 'retry');
    },
  });
  if (options.driftIntervalMs)
    driftTimer = setInterval(() => void triggers.now('drift'), options.driftIntervalMs);

  return {
    trigger: (reason) => triggers.now(reason),
    suspend(reason) {
      gate.suspend({ by: 'operator', reason, since: clock.now().toISOString() });
      state.suspensions = gate.suspensions();
    },
    resume() {
      gate.resume('operator');
      state.suspensions = gate.suspensions();
      return triggers.now('resume');
    },
    state: () => ({ ...state, suspensions: gate.suspensions() }),
    async stop({ graceMs = 20_000 } = {}) {
      stopped = true;
      clearTimers();
      if (driftTimer) clearInterval(driftTimer);
      await triggers.close();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
      await Promise.race([triggers.queue.idle(), grace]);
      clearTimeout(timer);
      // Past the grace period the rest of the run is refused write by write, and recorded so.
      gate.stopWriting();
      await triggers.queue.idle();
    },
  };
}
