// The one table of exit codes, the same for every command (README "Exit codes"). A command exits
// with the most serious code that applies: error, then unreadable, then left behind, then changes.
import type { Plan, ReconcileOutcome, TargetResult } from '../model/index.js';
import { hasChanges, planCounts } from '../model/index.js';

export const ExitCode = {
  /** Done: valid, rendered, nothing to change, converged (every cluster holds the commit). */
  ok: 0,
  /** Something is wrong: bad flags, problems in the repository, a failed write, any other error. */
  error: 1,
  /** Changes remain: `plan` would change something, or a safety guard holds deletes for approval. */
  changes: 2,
  /** A cluster was left behind: Unreachable, Offline, or another writer held its lock. */
  leftBehind: 3,
  /** The repository could not be read at all (location, credentials, network, limits). */
  unreadable: 4,
  /** `sim route`: the simulated load balancer has no route for the request. */
  noRoute: 5,
  /** `status --agent`, `reconcile`, `suspend`, `resume`: no agent answers at the `--agent` URL. */
  noAgent: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Lock codes a cluster's apply reports when another writer kept (or hid) its lock. */
const LOCK_CODES: ReadonlySet<string> = new Set(['lock.held', 'lock.unavailable']);

/** The clusters an apply left behind, with why: `gce-eu (Unreachable)`, `gce-us (lock.held)`. */
export function leftBehind(outcome: ReconcileOutcome): { cluster: string; why: string }[] {
  const out: { cluster: string; why: string }[] = [];
  for (const t of outcome.targets) {
    if (t.kind !== 'cluster') continue;
    const why = whyLeftBehind(t, outcome);
    if (why) out.push({ cluster: t.name, why });
  }
  return out;
}

function whyLeftBehind(t: TargetResult, outcome: ReconcileOutcome): string | undefined {
  if (t.error && LOCK_CODES.has(t.error.code)) return t.error.message;
  if (!t.skipped) return undefined;
  const problem = outcome.problems.find(
    (p) => p.cluster === t.name && (p.code === 'cluster.unreachable' || p.code === 'cluster.offline'),
  );
  return problem?.message ?? (t.skipped === 'unreachable' ? 'Unreachable' : 'Offline');
}

export function applyExitCode(outcome: ReconcileOutcome): ExitCode {
  if (outcome.status === 'converged') return ExitCode.ok;
  const behind = new Set(leftBehind(outcome).map((b) => b.cluster));
  const counts = outcome.counts;
  const otherError =
    !counts ||
    counts.failed > 0 ||
    outcome.targets.some(
      (t) => !behind.has(t.name) && (t.error || t.results.some((r) => r.outcome === 'notRun')),
    ) ||
    outcome.problems.some((p) => p.severity === 'error' && !(p.cluster && behind.has(p.cluster)));
  if (otherError) return ExitCode.error;
  if (behind.size > 0) return ExitCode.leftBehind;
  return ExitCode.changes;
}

export function planExitCode(plan: Plan): ExitCode {
  if (plan.problems.some((p) => p.severity === 'error')) return ExitCode.error;
  if (plan.targets.some((t) => t.kind === 'cluster' && t.health !== 'Ready')) return ExitCode.leftBehind;
  return hasChanges(planCounts(plan)) ? ExitCode.changes : ExitCode.ok;
}
