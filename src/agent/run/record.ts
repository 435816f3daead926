// What each run of the agent leaves behind: one log line, the metrics it moves (duration, the applied
// revision, objects by state and drift per cluster), and the status the agent serves on /status.
import type { ActionResult } from '../../model/index.js';
import type { Agent, AgentRun, AgentState } from '../agent.js';
import type { Logger } from '../observe/logger.js';
import type { AgentMetrics } from '../observe/metrics.js';
import type { FleetHolder } from './fleet-holder.js';
import type { HealthDetail } from '../../kube/health.js';

/** The state an object is in after an apply, as the `objects` metric labels it. */
export function objectState(r: Pick<ActionResult, 'action' | 'outcome'>): string {
  if (r.outcome === 'failed') return 'failed';
  if (r.action === 'held') return 'held';
  if (r.outcome === 'notRun') return 'not-run';
  if (r.action === 'unchanged' || r.action === 'skip' || r.outcome === 'noop') return 'in-sync';
  return 'applied';
}

export function recordRun(
  run: AgentRun,
  ctx: { metrics: AgentMetrics; log: Logger; branch?: string | undefined },
): void {
  const { metrics, log } = ctx;
  const fields = { reasons: run.reasons, sha: run.sha.slice(0, 12), seconds: run.seconds };
  if (run.mode === 'waiting') {
    log.debug({ ...fields, status: run.terminal.status }, 'waiting for a new commit');
    return;
  }
  if (run.mode === 'planned') {
    log.info(
      { ...fields, why: run.why.code, plan: run.plan?.counts, problems: run.problems.length },
      `planned only: ${run.why.message}`,
    );
    return;
  }
  const o = run.outcome;
  metrics.reconcileFinished({ seconds: run.seconds, result: o.status });
  if (o.status !== 'failed' && o.sha !== 'unknown')
    metrics.revisionApplied({
      sha: o.sha,
      ...(ctx.branch ? { branch: ctx.branch } : {}),
      atMs: Date.parse(run.startedAt),
    });
  const drift = new Map<string, number>();
  for (const d of o.drift) drift.set(d.cluster, (drift.get(d.cluster) ?? 0) + 1);
  for (const t of o.targets) {
    if (t.kind !== 'cluster' || t.skipped) continue;
    const byState: Record<string, number> = {};
    for (const r of t.results) {
      const s = objectState(r);
      byState[s] = (byState[s] ?? 0) + 1;
    }
    metrics.setObjects(t.name, byState);
    metrics.setDrift(t.name, drift.get(t.name) ?? 0);
  }
  const line = { ...fields, status: o.status, counts: o.counts, problems: o.problems.length };
  if (o.status === 'failed')
    log.warn({ ...line, terminal: o.terminal, first: o.problems[0]?.message }, 'reconcile');
  else log.info(line, 'reconcile');
}

export type AgentStatus = {
  identity: string;
  leading: boolean;
  state: AgentState;
  clusters: HealthDetail[];
};

export function statusOf(o: {
  agent: Agent;
  fleet: FleetHolder;
  identity: string;
  leading: boolean;
}): AgentStatus {
  return {
    identity: o.identity,
    leading: o.leading,
    state: o.agent.state(),
    clusters: o.fleet.healthDetails(),
  };
}
