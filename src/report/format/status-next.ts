// The next status snapshot from what a reconcile knows (its outcome, the plan, the clusters as
// observed, what the load-balancer target said) on top of the one the status branch holds. Pure:
// the time comes in as `now`, and everything a reconcile does not know is carried forward, so the
// same reconcile of the same commit gives the same snapshot (and the branch gets no commit).
import { countOutcomes, formatProblem } from '../../model/index.js';
import type {
  ActionResult,
  ClusterPlan,
  Counts,
  Drift,
  LoadBalancerPlan,
  LoadBalancerView,
  ObservedCluster,
  Problem,
  ReconcileReport,
  TargetResult,
} from '../../model/index.js';
import { plannedDrift } from '../../plan/plan-drift.js';
import { driftAfterReconcile, driftAfterWatch } from './status-drift-track.js';
import type {
  ClusterStatus,
  LoadBalancerBackend,
  LoadBalancerStatus,
  PreviewPlan,
  SnapshotProblem,
  StatusSnapshot,
  TargetState,
} from './status-snapshot.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Problems kept in a snapshot (status.json); the dashboard shows fewer. */
const MAX_PROBLEMS = 100;

export type NextSnapshotInput = {
  /** What the status branch holds now (readStatusSnapshot), if anything. */
  previous: StatusSnapshot | undefined;
  report: ReconcileReport;
  /** ISO-8601: the time of any change this report makes. */
  now: string;
  /** The long-lived agent records the cluster health it probed; a one-shot run keeps the agent's. */
  recordHealth: boolean;
};

/** A reconcile that wrote nothing keeps the counts of the last one that did (stable on a no-op). */
function countsAfter(result: TargetResult, previous: Counts | undefined): Counts {
  const c = countOutcomes(result.results);
  const wrote = c.create + c.update + c.adopt + c.replace + c.delete + c.failed + c.notRun > 0;
  return wrote || !previous ? c : previous;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function firstFailure(results: readonly ActionResult[]): string | undefined {
  const failed = results.filter((r) => r.outcome === 'failed');
  const [first] = failed;
  if (!first) return undefined;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return `${first.subject}: ${first.error?.message ?? 'failed'}${more}`;
}

/** State and note of a target whose plan was applied; `ready` is what is left when nothing is wrong. */
function appliedState(
  result: TargetResult | undefined,
  problems: readonly Problem[],
  ready: { state: TargetState; message?: string },
): { state: TargetState; message?: string } {
  if (!result) return { state: 'Unknown', message: 'no result from this reconcile' };
  const c = countOutcomes(result.results);
  if (result.error) return { state: 'Failed', message: `apply failed: ${result.error.message}` };
  if (c.failed > 0) return { state: 'Failed', message: `apply failed: ${firstFailure(result.results)}` };
  if (c.notRun > 0) return { state: 'Failed', message: `${plural(c.notRun, 'change')} not applied` };
  if (c.held > 0) {
    const guards = [
      ...new Set(result.results.flatMap((r) => (r.action === 'held' && r.reason ? [r.reason] : []))),
    ];
    return {
      state: 'OutOfSync',
      message: `${plural(c.held, 'delete')} held: needs approval${guards.length > 0 ? ` (${guards.join('; ')})` : ''}`,
    };
  }
  const [problem] = problems;
  if (problem) return { state: 'OutOfSync', message: problem.message };
  return ready;
}

/** Fields that decide whether a target changed; the rest (lastChange itself) follows them. */
function sameView(a: ClusterStatus | LoadBalancerStatus, b: ClusterStatus | LoadBalancerStatus): boolean {
  const view = (t: ClusterStatus | LoadBalancerStatus) =>
    JSON.stringify([t.state, t.message, t.appliedSha, t.counts, t.drift?.length ?? 0]);
  return view(a) === view(b);
}

function withLastChange<T extends ClusterStatus | LoadBalancerStatus>(
  next: T,
  previous: T | undefined,
  now: string,
): T {
  const lastChange = previous && sameView(next, previous) ? previous.lastChange : now;
  return lastChange ? { ...next, lastChange } : next;
}

function unschedulable(observed: ObservedCluster | undefined): number {
  return Object.values(observed?.workloads ?? {}).reduce((n, w) => n + w.unschedulableSince.length, 0);
}

function clusterAfter(options: {
  plan: ClusterPlan;
  result: TargetResult | undefined;
  observed: ObservedCluster | undefined;
  previous: ClusterStatus | undefined;
  problems: readonly Problem[];
  beforePlan: readonly Drift[];
  afterApply: readonly Drift[];
  input: NextSnapshotInput;
  sha: string;
}): ClusterStatus {
  const { plan, result, observed, previous, input } = options;
  const mine = (d: readonly Drift[]) => d.filter((x) => x.cluster === plan.name);
  const offline = plan.health === 'Offline' || result?.skipped === 'offline';
  const applied =
    !offline && result && !result.error
      ? {
          actions: plan.actions,
          results: result.results,
          planned: plannedDrift({ targets: [plan] }, observed ? [observed] : []),
        }
      : undefined;
  const drift = driftAfterReconcile({
    previous: previous?.drift,
    beforePlan: mine(options.beforePlan),
    afterApply: mine(options.afterApply),
    ...(applied ? { applied } : {}),
    now: input.now,
  });
  const outstanding = drift.filter((e) => e.handling !== 'corrected').length;
  const pods = unschedulable(observed);
  const { state, message } = offline
    ? { state: 'Offline' as const, message: 'did not answer its health probes: nothing applied there' }
    : appliedState(
        result,
        options.problems.filter((p) => p.cluster === plan.name && p.severity === 'error'),
        outstanding > 0
          ? { state: 'Drifted', message: `${plural(outstanding, 'object')} drifted, not corrected` }
          : pods > 0
            ? { state: 'Progressing', message: `${plural(pods, 'pod')} unschedulable` }
            : { state: 'Synced' },
      );
  const fully = state === 'Synced' || state === 'Drifted' || state === 'Progressing';
  const next: ClusterStatus = { name: plan.name, state };
  if (message) next.message = message;
  const appliedSha = fully ? options.sha : previous?.appliedSha;
  if (appliedSha) next.appliedSha = appliedSha;
  const counts = result && !offline ? countsAfter(result, previous?.counts) : previous?.counts;
  if (counts) next.counts = counts;
  if (drift.length > 0) next.drift = drift;
  const inventory = fully ? plan.inventory : (previous?.inventory ?? observed?.inventory ?? undefined);
  if (inventory) next.inventory = [...inventory];
  const health = input.recordHealth
    ? {
        state: plan.health,
        since:
          previous?.health?.state === plan.health && previous.health.since
            ? previous.health.since
            : input.now,
      }
    : previous?.health;
  if (health) next.health = health;
  return withLastChange(next, previous, input.now);
}

function splitName(name: string): { namespace: string; name: string } {
  const i = name.indexOf('/');
  return i < 0 ? { namespace: 'default', name } : { namespace: name.slice(0, i), name: name.slice(i + 1) };
}

const HEALTH: Record<string, LoadBalancerBackend['health']> = {
  HEALTHY: 'Healthy',
  UNHEALTHY: 'Unhealthy',
};

function backendsOf(view: LoadBalancerView): LoadBalancerBackend[] {
  return view.backends.map((b) => ({
    cluster: b.cluster,
    health: HEALTH[b.health] ?? 'Unknown',
    ...(b.drained ? { detail: 'drained: no traffic is sent' } : {}),
  }));
}

/** One row per federated Ingress the load-balancer target serves; the target's result is theirs. */
function loadBalancersAfter(options: {
  plan: LoadBalancerPlan;
  result: TargetResult | undefined;
  previous: ReadonlyMap<string, LoadBalancerStatus>;
  problems: readonly Problem[];
  input: NextSnapshotInput;
  sha: string;
}): LoadBalancerStatus[] {
  const { plan, result } = options;
  const views = new Map((result?.loadBalancers ?? []).map((v) => [v.ingress, v]));
  return plan.ingresses.map((ingress) => {
    const previous = options.previous.get(ingress.key);
    const view = views.get(ingress.key);
    const waiting = view?.backends.filter((b) => !b.drained && b.health !== 'HEALTHY').length ?? 0;
    const { state, message } = ingress.held
      ? {
          state: 'OutOfSync' as const,
          message: 'its Ingress has an error: its resources are left as they are',
        }
      : appliedState(
          result,
          [],
          waiting > 0
            ? { state: 'Progressing', message: `${plural(waiting, 'backend')} not healthy yet` }
            : { state: 'Synced' },
        );
    const next: LoadBalancerStatus = { ...splitName(ingress.key), state };
    if (message) next.message = message;
    const fully = state === 'Synced' || state === 'Progressing';
    const appliedSha = fully ? options.sha : previous?.appliedSha;
    if (appliedSha) next.appliedSha = appliedSha;
    const counts = result ? countsAfter(result, previous?.counts) : previous?.counts;
    if (counts) next.counts = counts;
    const ip = view?.ip ?? previous?.ip;
    if (ip) next.ip = ip;
    const backends = view ? backendsOf(view) : previous?.backends;
    if (backends) next.backends = backends.map((b) => ({ ...b }));
    const resources = view
      ? view.resources.map((r) => ({ kind: r.kind, name: r.zone ? `${r.zone}/${r.name}` : r.name }))
      : previous?.resources;
    if (resources) next.resources = resources;
    if (previous?.drift) next.drift = previous.drift;
    return withLastChange(next, previous, options.input.now);
  });
}

function snapshotProblems(problems: readonly Problem[]): SnapshotProblem[] {
  return problems.slice(0, MAX_PROBLEMS).map((p) => ({ severity: p.severity, text: formatProblem(p) }));
}

/** Without a plan: what was known carries on, marked as not holding this commit. */
function unplannedClusters(input: NextSnapshotInput, sha: string): ClusterStatus[] {
  const { outcome } = input.report;
  const [problem] = outcome.problems;
  const note = outcome.terminal
    ? `not applied: ${sha.slice(0, 12)} has ${plural(outcome.problems.length, 'problem')}`
    : `not observed: ${problem?.message ?? 'the reconcile failed before planning'}`;
  return (input.previous?.clusters ?? []).map((c) => {
    const drift = driftAfterWatch(
      c.drift?.filter((e) => e.handling !== 'corrected'),
      outcome.drift.filter((d) => d.cluster === c.name),
    );
    const next: ClusterStatus = {
      ...c,
      state: c.appliedSha === sha && outcome.terminal ? c.state : outcome.terminal ? 'OutOfSync' : 'Unknown',
      message: note,
    };
    if (drift.length > 0) next.drift = drift;
    else delete next.drift;
    return withLastChange(next, c, input.now);
  });
}

/**
 * The snapshot after a reconcile; undefined when the reconcile does not know which commit it was
 * about (the repository could not be read at all), so there is nothing to report on.
 */
export function snapshotAfterReconcile(input: NextSnapshotInput): StatusSnapshot | undefined {
  const { outcome, plan } = input.report;
  const sha = outcome.sha;
  if (!SHA.test(sha)) return undefined;
  const federation = plan?.federation ?? outcome.federation ?? input.previous?.federation;
  if (!federation) return undefined;
  const split = Math.min(input.report.driftBeforePlan ?? outcome.drift.length, outcome.drift.length);
  const beforePlan = outcome.drift.slice(0, split);
  const afterApply = outcome.drift.slice(split);
  const results = new Map(outcome.targets.map((r) => [`${r.kind}\u0000${r.name}`, r]));
  const prevClusters = new Map((input.previous?.clusters ?? []).map((c) => [c.name, c]));
  const prevLbs = new Map(
    (input.previous?.loadBalancers ?? []).map((lb) => [`${lb.namespace}/${lb.name}`, lb]),
  );
  const observed = new Map((input.report.observed ?? []).map((o) => [o.name, o]));
  const clusters: ClusterStatus[] = [];
  const loadBalancers: LoadBalancerStatus[] = [];
  if (plan) {
    for (const t of plan.targets) {
      const result = results.get(`${t.kind}\u0000${t.name}`);
      if (t.kind === 'cluster')
        clusters.push(
          clusterAfter({
            plan: t,
            result,
            observed: observed.get(t.name),
            previous: prevClusters.get(t.name),
            problems: outcome.problems,
            beforePlan,
            afterApply,
            input,
            sha,
          }),
        );
      else
        loadBalancers.push(
          ...loadBalancersAfter({
            plan: t,
            result,
            previous: prevLbs,
            problems: outcome.problems,
            input,
            sha,
          }),
        );
    }
  } else {
    clusters.push(...unplannedClusters(input, sha));
    loadBalancers.push(...(input.previous?.loadBalancers ?? []));
  }
  const snapshot: StatusSnapshot = {
    federation,
    source: outcome.ref ? { sha, ref: outcome.ref } : { sha },
    clusters,
    loadBalancers,
  };
  const problems = snapshotProblems(outcome.problems);
  if (problems.length > 0) snapshot.problems = problems;
  if (input.previous?.previews) snapshot.previews = input.previous.previews;
  return snapshot;
}

/** The snapshot after a watch found drift between reconciles (long-lived agents). */
export function snapshotAfterDrift(options: {
  previous: StatusSnapshot | undefined;
  drift: readonly Drift[];
  now: string;
}): StatusSnapshot | undefined {
  const { previous } = options;
  if (!previous) return undefined;
  return {
    ...previous,
    clusters: previous.clusters.map((c) => {
      const mine = options.drift.filter((d) => d.cluster === c.name);
      if (mine.length === 0) return c;
      const drift = driftAfterWatch(c.drift, mine);
      const reported = drift.filter((e) => e.handling !== 'corrected').length;
      const next: ClusterStatus = { ...c, drift };
      // Only a Synced cluster turns Drifted: a worse state says more than the drift does.
      if (reported > 0 && (c.state === 'Synced' || c.state === 'Drifted' || c.state === 'Progressing')) {
        next.state = 'Drifted';
        next.message = `${plural(reported, 'object')} drifted, not corrected`;
      }
      return withLastChange(next, c, options.now);
    }),
  };
}

/**
 * The snapshot with a pull-request preview added (or replaced). `open`, when given, lists the heads
 * still worth showing; previews of any other commit are dropped (their pull request moved on).
 */
export function snapshotWithPreview(
  snapshot: StatusSnapshot,
  preview: PreviewPlan,
  options: { open?: readonly string[] } = {},
): StatusSnapshot {
  const open = options.open ? new Set([...options.open, preview.sha]) : undefined;
  const previews = [
    ...(snapshot.previews ?? []).filter((p) => p.sha !== preview.sha && (!open || open.has(p.sha))),
    preview,
  ];
  return { ...snapshot, previews };
}
