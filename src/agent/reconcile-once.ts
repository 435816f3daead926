// One reconcile of one commit: read the repository at the ref → (any problem: stop, apply nothing,
// prune nothing) → observe every cluster → plan (pure) → apply → an outcome that is plain data.
import { renderDesired } from '../federation/desired.js';
import { refKey } from '../model/index.js';
import type {
  ClusterName,
  Drift,
  FederationRepo,
  KubeObject,
  ObservedCluster,
  Plan,
  Problem,
  Revision,
} from '../model/index.js';
import { planRevision } from '../plan/plan-revision.js';
import { applyPlan } from '../kube/apply-plan.js';
import type { ApplyListener, ApplySummary, ClusterApplyResult } from '../kube/apply-plan.js';
import { countActions } from '../report/render/plan-text.js';
import type { PlanCounts } from '../report/render/plan-text.js';
import type { LoadedRepo } from '../cli/load-repo.js';
import type { Fleet } from './fleet-port.js';

export type ReconcileStatus = 'converged' | 'incomplete' | 'failed';

export type ReconcileOutcome = {
  sha: string;
  ref?: string;
  federation?: string;
  status: ReconcileStatus;
  /** True when every Ready cluster now matches the commit (no failure, nothing held back). */
  converged: boolean;
  problems: Problem[];
  plan?: { digest: string; counts: PlanCounts; requeueAfterSeconds?: number };
  clusters: ClusterApplyResult[];
  summary?: ApplySummary;
  /** Drift the watch found since the previous reconcile (long-lived agent only). */
  drift: Drift[];
};

export type Planned =
  | { ok: false; revision?: Revision; problems: Problem[] }
  | { ok: true; revision: Revision; repo: FederationRepo; observed: ObservedCluster[]; plan: Plan };

const isError = (p: Problem): boolean => p.severity === 'error';

function failure(code: string, err: unknown): Problem {
  return { code, severity: 'error', message: err instanceof Error ? err.message : String(err) };
}

/** Reads, observes and plans; nothing is written anywhere. */
export async function planOnce(options: {
  read: () => Promise<LoadedRepo>;
  fleet: Pick<Fleet, 'observe'>;
  now: Date;
}): Promise<Planned> {
  let loaded: LoadedRepo;
  try {
    loaded = await options.read();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, problems: [failure(typeof code === 'string' ? code : 'source.error', err)] };
  }
  const revision = loaded.revision ?? { sha: 'unknown' };
  if (!loaded.ok) return { ok: false, revision, problems: loaded.problems };
  const repo = loaded.value;
  let observed: ObservedCluster[];
  try {
    observed = await options.fleet.observe(repo);
  } catch (err) {
    return { ok: false, revision, problems: [failure('observe.failed', err)] };
  }
  const plan = planRevision({ revision, repo, clusters: observed, now: options.now.toISOString() });
  return { ok: true, revision, repo, observed, plan };
}

/** What fedsync wants in each cluster now, for the drift detector (same rendering as the planner). */
function desiredAfter(
  planned: Extract<Planned, { ok: true }>,
  now: Date,
  results: ClusterApplyResult[],
): Map<ClusterName, KubeObject[]> {
  const ready = planned.repo.clusters
    .map((c) => c.name)
    .filter((n) => planned.observed.find((o) => o.name === n)?.health === 'Ready');
  const state = renderDesired({
    repo: planned.repo,
    sha: planned.revision.sha,
    ready,
    observed: planned.observed,
    now: now.toISOString(),
  });
  const out = new Map<ClusterName, KubeObject[]>();
  for (const r of results) {
    // Only objects now in line with Git: a failed apply or a skip must not be "corrected" in a loop.
    const inLine = new Set(
      r.results.filter((x) => x.outcome === 'done' || x.op === 'unchanged').map((x) => x.key),
    );
    const desired = state.byCluster.get(r.cluster) ?? [];
    out.set(
      r.cluster,
      desired.filter((d) => inLine.has(refKey(d.ref))).map((d) => d.object),
    );
  }
  return out;
}

export async function reconcileOnce(options: {
  read: () => Promise<LoadedRepo>;
  fleet: Fleet;
  now?: () => Date;
  listener?: ApplyListener;
  clusterConcurrency?: number;
}): Promise<ReconcileOutcome> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const planned = await planOnce({ read: options.read, fleet: options.fleet, now: started });
  const drift = options.fleet.drift?.takeDrift() ?? [];
  if (!planned.ok) {
    return {
      sha: planned.revision?.sha ?? 'unknown',
      ...(planned.revision?.ref ? { ref: planned.revision.ref } : {}),
      status: 'failed',
      converged: false,
      problems: planned.problems,
      clusters: [],
      drift,
    };
  }
  const { plan, observed, revision } = planned;
  const tracker = options.fleet.drift;
  const listeners = [tracker?.listener, options.listener].filter((l): l is ApplyListener => !!l);
  const applied = await applyPlan({
    plan,
    clients: options.fleet.clients,
    inventories: new Map(observed.map((o) => [o.name, o.inventory])),
    liveObjects: new Map(observed.map((o) => [o.name, o.objects])),
    writeInventory: options.fleet.writeInventory,
    ...(options.clusterConcurrency ? { clusterConcurrency: options.clusterConcurrency } : {}),
    listener: fanOut(listeners),
  });
  if (tracker) {
    const selfHeal = planned.repo.federation.policy.selfHeal;
    for (const [cluster, objects] of desiredAfter(planned, started, applied.clusters))
      tracker.setDesired(cluster, objects, { selfHeal });
  }
  const problems = [
    ...plan.problems,
    ...applied.clusters.flatMap((c): Problem[] =>
      c.error
        ? [{ code: c.error.code, severity: 'error', message: c.error.message, cluster: c.cluster }]
        : [],
    ),
  ];
  const converged = applied.ok && applied.summary.blocked === 0 && !problems.some(isError);
  return {
    sha: revision.sha,
    ...(revision.ref ? { ref: revision.ref } : {}),
    federation: plan.federation,
    // failed: a write failed; incomplete: held deletes or plan problems kept it from converging.
    status: converged ? 'converged' : applied.ok ? 'incomplete' : 'failed',
    converged,
    problems,
    plan: {
      digest: plan.digest,
      counts: countActions(plan.clusters.flatMap((c) => c.actions)),
      ...(plan.requeueAfterSeconds !== undefined ? { requeueAfterSeconds: plan.requeueAfterSeconds } : {}),
    },
    clusters: applied.clusters,
    summary: applied.summary,
    drift: [...drift, ...(tracker?.takeDrift() ?? [])],
  };
}

function fanOut(listeners: ApplyListener[]): ApplyListener {
  return {
    clusterStarted: (c) => listeners.forEach((l) => l.clusterStarted?.(c)),
    objectApplied: (c, d, live) => listeners.forEach((l) => l.objectApplied?.(c, d, live)),
    objectDeleted: (c, ref) => listeners.forEach((l) => l.objectDeleted?.(c, ref)),
    objectFinished: (c, r) => listeners.forEach((l) => l.objectFinished?.(c, r)),
    clusterFinished: (c, r) => listeners.forEach((l) => l.clusterFinished?.(c, r)),
  };
}
