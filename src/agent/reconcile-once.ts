// One reconcile of one commit: read the repository at the ref → (any problem: stop, apply nothing,
// prune nothing) → observe every target (the clusters first: the load balancer's instance groups
// hold their nodes) → plan (pure) → apply each target's plan through the port of its kind (the
// clusters first, at once; then the load balancer, which writes back to their Ingresses) → an
// outcome that is plain data. The contract is controller-runtime's Result: a status,
// when to look again, and whether another try of the same commit could help (terminal or not).
import { addCounts, countOutcomes, emptyCounts, planCounts } from '../model/index.js';
import type {
  ApplyObserver,
  Clock,
  ClusterPlan,
  Counts,
  DepartedCluster,
  Drift,
  FederationRepo,
  LoadBalancerPlan,
  ObservedCluster,
  ObservedLoadBalancer,
  Plan,
  Problem,
  ReconcileOutcome,
  ReconcileReport,
  ReconcileStatus,
  Reporter,
  Revision,
  TargetPlan,
  TargetPort,
  TargetResult,
} from '../model/index.js';
import { systemClock } from '../clock.js';
import { planRevision } from '../plan/plan-revision.js';
import type { PlanInput } from '../plan/plan-revision.js';
import type { CyclePlanner, PlanMode } from './plan-mode.js';
import type { LoadedRepo } from '../source/load-repo.js';
import pLimit from 'p-limit';

/** The ports of every kind of target, as the composition root built them. */
export type Targets = {
  cluster: TargetPort<ObservedCluster, ClusterPlan> & {
    /** Drift the cluster watch found since the last call (long-lived fleets). */
    takeDrift?(): Drift[];
    /** Unregistered clusters the last observe found still holding managed objects. */
    departed?(): DepartedCluster[];
    /** A reconcile that writes begins and ends: the writer locks taken for it are held in between. */
    beginWriting?(): void;
    endWriting?(): Promise<void>;
  };
  loadBalancer?: TargetPort<ObservedLoadBalancer, LoadBalancerPlan>;
};

export type Planned =
  /** `transient`: another try may succeed (network, server); otherwise a person must act. */
  | { ok: false; revision?: Revision; problems: Problem[]; transient: boolean }
  | {
      ok: true;
      revision: Revision;
      repo: FederationRepo;
      observed: ObservedCluster[];
      /** Present when a load-balancer target is configured. */
      observedLoadBalancers?: ObservedLoadBalancer[];
      plan: Plan;
    };

const isError = (p: Problem): boolean => p.severity === 'error';

function failure(code: string, err: unknown): Problem {
  return { code, severity: 'error', message: err instanceof Error ? err.message : String(err) };
}

/** Reads, observes and plans; nothing is written anywhere (only `observe` is ever called). */
export async function planOnce(options: {
  read: () => Promise<LoadedRepo>;
  targets: {
    cluster: Pick<Targets['cluster'], 'observe' | 'departed'>;
    loadBalancer?: Pick<NonNullable<Targets['loadBalancer']>, 'observe'>;
  };
  clock?: Clock;
  /** How the plan is made from its input (default: a full plan). */
  plan?: (input: PlanInput) => Plan;
}): Promise<Planned> {
  let loaded: LoadedRepo;
  try {
    loaded = await options.read();
  } catch (err) {
    const { code, transient } = err as { code?: unknown; transient?: unknown };
    return {
      ok: false,
      problems: [failure(typeof code === 'string' ? code : 'source.error', err)],
      transient: transient !== false,
    };
  }
  const revision = loaded.revision ?? { sha: 'unknown' };
  if (!loaded.ok) return { ok: false, revision, problems: loaded.problems, transient: false };
  const repo = loaded.value;
  let observed: ObservedCluster[];
  try {
    observed = await options.targets.cluster.observe({ repo });
  } catch (err) {
    return { ok: false, revision, problems: [failure('observe.failed', err)], transient: true };
  }
  let observedLoadBalancers: ObservedLoadBalancer[] | undefined;
  if (options.targets.loadBalancer) {
    try {
      observedLoadBalancers = await options.targets.loadBalancer.observe({ repo, clusters: observed });
    } catch (err) {
      const { code } = err as { code?: unknown };
      const problem = failure(typeof code === 'string' ? code : 'observe.failed', err);
      return { ok: false, revision, problems: [problem], transient: true };
    }
  }
  const now = (options.clock ?? systemClock).now();
  const departed = options.targets.cluster.departed?.();
  const plan = (options.plan ?? planRevision)({
    revision,
    repo,
    clusters: observed,
    ...(departed ? { departed } : {}),
    ...(observedLoadBalancers ? { loadBalancers: observedLoadBalancers } : {}),
    now: now.toISOString(),
  });
  return {
    ok: true,
    revision,
    repo,
    observed,
    ...(observedLoadBalancers ? { observedLoadBalancers } : {}),
    plan,
  };
}

function applyTarget(
  t: TargetPlan,
  targets: Targets,
  observed: { clusters: readonly ObservedCluster[]; loadBalancers: readonly ObservedLoadBalancer[] },
  observer: ApplyObserver | undefined,
): Promise<TargetResult> {
  const opts = observer ? { observer } : {};
  switch (t.kind) {
    case 'cluster':
      return targets.cluster.apply(t, {
        observed: observed.clusters.find((o) => o.name === t.name),
        ...opts,
      });
    case 'loadBalancer': {
      const port = targets.loadBalancer;
      if (!port)
        return Promise.resolve({
          kind: t.kind,
          name: t.name,
          results: [],
          error: { code: 'apply.noTarget', message: 'no Google Cloud access configured for load balancers' },
          bookkeepingWrites: 0,
        });
      return port.apply(t, { observed: observed.loadBalancers.find((o) => o.project === t.name), ...opts });
    }
  }
}

/**
 * Whether another try of the same commit cannot do better: decided here, once. Held changes and plan
 * problems wait for a new commit (an approval, a fix); failed or unrun writes may pass on a retry.
 */
function isTerminal(status: ReconcileStatus, counts: Counts, leftBehind: boolean): boolean {
  if (status !== 'incomplete' || leftBehind) return false;
  return counts.failed === 0 && counts.notRun === 0;
}

/** Calls a reporter without ever letting it fail or throw into the reconcile. */
async function tell(call: () => Promise<void> | undefined): Promise<void> {
  try {
    await call();
  } catch {
    // A reporter logs and counts its own failures; reconciliation never depends on them.
  }
}

type ReconcileOptions = {
  read: () => Promise<LoadedRepo>;
  targets: Targets;
  clock?: Clock;
  observer?: ApplyObserver;
  /** Targets applied at the same time (default 16: each cluster has its own rate limit). */
  targetConcurrency?: number;
  /**
   * The targets this writer applies (sharding: another replica owns the rest). Every target is
   * still observed and planned — replicas are spread over the whole federation — but only these
   * are applied and reported. Default: all.
   */
  owns?: (target: { kind: TargetPlan['kind']; name: string }) => boolean;
  /**
   * Told when the commit is picked up (before apply) and how the reconcile ended (after it, planned
   * or not). Awaited, never failing the reconcile: a reporter that cannot publish says so itself.
   */
  reporter?: Reporter;
  /**
   * Plans the cycle incrementally when it can (the long-lived agent): the planner decides full or
   * incremental (`full` names why this run wants a full plan) and hears how the cycle ended.
   */
  planner?: { cycle: CyclePlanner; full?: string; onPlanned?: (mode: PlanMode) => void };
};

/** One reconcile as a writer: the cluster writer locks it takes are let go when it ends, however. */
export async function reconcileOnce(options: ReconcileOptions): Promise<ReconcileOutcome> {
  const cluster = options.targets.cluster;
  cluster.beginWriting?.();
  try {
    return await reconcileWriting(options);
  } finally {
    await cluster.endWriting?.();
  }
}

async function reconcileWriting(options: ReconcileOptions): Promise<ReconcileOutcome> {
  const { reporter, planner } = options;
  const takeDrift = (): Drift[] => options.targets.cluster.takeDrift?.() ?? [];
  // Drift found before planning is what this plan may correct; drift after apply is news.
  const early = takeDrift();
  let input: PlanInput | undefined;
  const planned = await planOnce({
    read: options.read,
    targets: options.targets,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(planner
      ? {
          plan: (i: PlanInput) => {
            input = i;
            const made = planner.cycle.plan(i, {
              drift: early,
              // A replica applies only its shard: the rest of its plan never becomes the clusters' state.
              ...(planner.full || options.owns
                ? { full: planner.full ?? 'sharded: this replica applies a part' }
                : {}),
            });
            planner.onPlanned?.(made.mode);
            return made.plan;
          },
        }
      : {}),
  });
  const finish = async (outcome: ReconcileOutcome, report: Omit<ReconcileReport, 'outcome'>) => {
    if (reporter)
      await tell(() => reporter.reconciled({ outcome, ...report, driftBeforePlan: early.length }));
    return outcome;
  };
  if (!planned.ok) {
    planner?.cycle.finished(undefined);
    const problems = planned.problems;
    return finish(
      {
        status: 'failed',
        sha: planned.revision?.sha ?? 'unknown',
        ...(planned.revision?.ref ? { ref: planned.revision.ref } : {}),
        targets: [],
        problems,
        terminal: !planned.transient,
        drift: [...early, ...takeDrift()],
      },
      {},
    );
  }
  const { plan, revision } = planned;
  const observed = { clusters: planned.observed, loadBalancers: planned.observedLoadBalancers ?? [] };
  if (reporter)
    await tell(() =>
      reporter.pickedUp?.({
        sha: revision.sha,
        ...(revision.ref ? { ref: revision.ref } : {}),
        federation: plan.federation,
        targets: plan.targets.map((t) => ({ kind: t.kind, name: t.name })),
      }),
    );
  const limit = pLimit(options.targetConcurrency ?? 16);
  const owned = options.owns ? plan.targets.filter((t) => options.owns!(t)) : plan.targets;
  const apply = (t: TargetPlan) => applyTarget(t, options.targets, observed, options.observer);
  // The member Ingresses exist before the load balancer writes back to them.
  const clusterResults = await Promise.all(
    owned.filter((t) => t.kind === 'cluster').map((t) => limit(() => apply(t))),
  );
  const lbResults: TargetResult[] = [];
  for (const t of owned) if (t.kind === 'loadBalancer') lbResults.push(await apply(t));
  const results = [...clusterResults, ...lbResults];
  const problems = [
    ...plan.problems,
    ...results.flatMap((r): Problem[] =>
      r.error
        ? [
            {
              code: r.error.code,
              severity: 'error',
              message: r.error.message,
              ...(r.kind === 'cluster' ? { cluster: r.name } : {}),
            },
          ]
        : [],
    ),
  ];
  const counts = results.reduce((sum, r) => addCounts(sum, countOutcomes(r.results)), emptyCounts());
  const applied = counts.failed === 0 && counts.notRun === 0 && results.every((r) => !r.error);
  // A cluster that was not contacted (Unreachable, Offline) does not hold the commit.
  const leftBehind = results.some((r) => r.skipped !== undefined);
  const status: ReconcileStatus =
    applied && counts.held === 0 && !leftBehind && !problems.some(isError)
      ? 'converged'
      : applied
        ? 'incomplete'
        : 'failed';
  const late = takeDrift();
  if (planner && input)
    planner.cycle.finished({
      input,
      plan,
      converged: status === 'converged' && !options.owns,
      driftAfter: late,
    });
  return finish(
    {
      status,
      sha: revision.sha,
      ...(revision.ref ? { ref: revision.ref } : {}),
      federation: plan.federation,
      plan: { digest: plan.digest, counts: planCounts(plan) },
      targets: results,
      counts,
      problems,
      terminal: isTerminal(status, counts, leftBehind),
      ...(plan.requeueAfterSeconds !== undefined ? { requeueAfterSeconds: plan.requeueAfterSeconds } : {}),
      drift: [...early, ...late],
    },
    { plan, observed: planned.observed },
  );
}
