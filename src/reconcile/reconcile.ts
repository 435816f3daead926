// One reconcile of one revision, for every target alike: read the repository (any problem: stop,
// apply nothing, prune nothing) → observe every target → plan (pure) → apply each target plan
// through its adapter → a ReconcileResult that is plain data. Which adapter serves a target plan
// is the only thing that depends on the target's kind.
import pLimit from 'p-limit';
import { addCounts, tally } from '../model/index.js';
import type {
  AnyAction,
  Clock,
  Drift,
  FederationRepo,
  ObservedTarget,
  Plan,
  Problem,
  Result,
  Revision,
  TargetPlan,
} from '../model/index.js';
import { planTargets, worldOf } from '../plan/plan-revision.js';
import type { DesiredTargets } from '../plan/plan-revision.js';
import { terminalProblems } from './result.js';
import type { ReconcileResult } from './result.js';
import type { AnyTarget, ApplyProgress, TargetResult } from './target-port.js';

/** A revision of the repository as read: validated content, or the problems that stop it. */
export type RepoSnapshot = Result<FederationRepo> & { revision?: Revision };

/** Drift found between reconciles (the long-lived agent's watches). */
export type DriftSource = { takeDrift(): Drift[] };

/** The targets one reconcile drives. */
export type TargetSet = {
  readonly targets: readonly AnyTarget[];
  readonly drift?: DriftSource;
};

export type Planned =
  | { ok: false; revision?: Revision; problems: Problem[] }
  | {
      ok: true;
      revision: Revision;
      repo: FederationRepo;
      observed: ObservedTarget[];
      plan: Plan;
      desired: DesiredTargets;
    };

export type ReconcileOptions = {
  read: () => Promise<RepoSnapshot>;
  fleet: TargetSet;
  clock?: Clock;
  progress?: ApplyProgress;
  /** Targets observed at the same time (default 8). */
  observeConcurrency?: number;
  /** Targets applied at the same time (default 16: each cluster has its own rate limit). */
  applyConcurrency?: number;
};

const systemClock: Clock = { now: () => new Date() };

function failure(code: string, err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  return { code, severity: 'error', message, transient: true };
}

function observeOne(t: AnyTarget, repo: FederationRepo): Promise<ObservedTarget> {
  // The pairs (kind, state) match by construction; TypeScript cannot correlate the two unions.
  return t.observe({ repo }).then((state) => ({ kind: t.kind, state }) as ObservedTarget);
}

/** The live state of every target. Throws when a target could not be observed at all. */
export function observeTargets(
  targets: readonly AnyTarget[],
  repo: FederationRepo,
  concurrency = 8,
): Promise<ObservedTarget[]> {
  const limit = pLimit(concurrency);
  return Promise.all(targets.map((t) => limit(() => observeOne(t, repo))));
}

/** Reads, observes and plans; nothing is written anywhere. */
export async function planOnce(options: Omit<ReconcileOptions, 'progress'>): Promise<Planned> {
  const now = (options.clock ?? systemClock).now();
  let loaded: RepoSnapshot;
  try {
    loaded = await options.read();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, problems: [failure(typeof code === 'string' ? code : 'source.error', err)] };
  }
  const revision = loaded.revision ?? { sha: 'unknown' };
  if (!loaded.ok) return { ok: false, revision, problems: loaded.problems };
  const repo = loaded.value;
  let observed: ObservedTarget[];
  try {
    observed = await observeTargets(options.fleet.targets, repo, options.observeConcurrency);
  } catch (err) {
    return { ok: false, revision, problems: [failure('observe.failed', err)] };
  }
  const { plan, desired } = planTargets({ revision, repo, ...worldOf(observed), now: now.toISOString() });
  return { ok: true, revision, repo, observed, plan, desired };
}

function notRun(tp: TargetPlan, reason: string): TargetResult {
  const actions: AnyAction[] = tp.actions;
  return {
    kind: tp.kind,
    target: tp.target,
    skipped: 'unavailable',
    results: actions.map((a) => ({
      key: a.key,
      subject: a.subject,
      action: a.action,
      outcome: 'notRun',
      reason,
    })),
  };
}

function applyOne(
  tp: TargetPlan,
  planned: Extract<Planned, { ok: true }>,
  options: ReconcileOptions,
): Promise<TargetResult> {
  const target = options.fleet.targets.find((t) => t.kind === tp.kind && t.name === tp.target);
  if (!target) return Promise.resolve(notRun(tp, `no adapter for ${tp.kind} ${tp.target}`));
  const policy = planned.repo.federation.policy;
  const progress = options.progress ? { progress: options.progress } : {};
  // Each adapter takes the plan and desired state of its own kind; the find above matched them.
  if (target.kind === 'cluster' && tp.kind === 'cluster')
    return target.apply(tp, { desired: planned.desired.cluster.get(tp.target) ?? [], policy, ...progress });
  if (target.kind === 'loadBalancer' && tp.kind === 'loadBalancer')
    return target.apply(tp, {
      desired: planned.desired.loadBalancer.get(tp.target) ?? [],
      policy,
      ...progress,
    });
  return Promise.resolve(notRun(tp, `adapter kind ${target.kind} does not match ${tp.kind}`));
}

export async function reconcileOnce(options: ReconcileOptions): Promise<ReconcileResult> {
  const planned = await planOnce(options);
  const drift = options.fleet.drift?.takeDrift() ?? [];
  if (!planned.ok) {
    const revision = planned.revision ?? { sha: 'unknown' };
    return {
      status: 'failed',
      revision: { sha: revision.sha, ...(revision.ref ? { ref: revision.ref } : {}) },
      terminal: terminalProblems(planned.problems),
      problems: planned.problems,
      targets: [],
      drift,
    };
  }
  const { plan, revision } = planned;
  const limit = pLimit(options.applyConcurrency ?? 16);
  const targets = await Promise.all(plan.targets.map((tp) => limit(() => applyOne(tp, planned, options))));
  const counts = tally(targets.flatMap((t) => t.results));
  const problems = [...plan.problems, ...targets.flatMap((t) => (t.error ? [t.error] : []))];
  const ok = counts.failed === 0 && counts.notRun === 0 && targets.every((t) => !t.error);
  const converged = ok && counts.held === 0 && !problems.some((p) => p.severity === 'error');
  return {
    // failed: a write failed; incomplete: held actions or plan problems kept it from converging.
    status: converged ? 'converged' : ok ? 'incomplete' : 'failed',
    revision: { sha: revision.sha, ...(revision.ref ? { ref: revision.ref } : {}) },
    federation: plan.federation,
    ...(plan.requeueAfterSeconds !== undefined ? { requeueAfterSeconds: plan.requeueAfterSeconds } : {}),
    terminal: terminalProblems(problems),
    problems,
    plan: {
      digest: plan.digest,
      counts: addCounts(plan.targets.map((t) => tally(t.actions as AnyAction[]))),
    },
    targets,
    counts,
    drift: [...drift, ...(options.fleet.drift?.takeDrift() ?? [])],
  };
}
