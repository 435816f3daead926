// A running agent's status (what it serves on /status) and one run of it as text: who it is,
// whether it leads, its suspensions, the applied commit, the last run, a retry or a wait for a new
// commit, and each member cluster's health from its probes. The types are the agent's answer as
// JSON; the CLI checks at compile time that the agent's own types still fit them.
import { hasChanges } from '../../model/index.js';
import type { ClusterHealth, Counts, Problem, ReconcileOutcome } from '../../model/index.js';
import { outcomeSummary } from './outcome-text.js';

type RunBaseView = { reasons: string[]; startedAt: string; seconds: number; sha: string; ref?: string };

export type AgentRunView =
  | (RunBaseView & { mode: 'applied'; outcome: ReconcileOutcome })
  | (RunBaseView & {
      mode: 'planned';
      why: { code: string; message: string };
      plan?: { digest: string; counts: Counts };
      problems: Problem[];
    })
  | (RunBaseView & { mode: 'waiting'; terminal: ReconcileOutcome });

export type AgentStatusView = {
  identity: string;
  leading: boolean;
  state: {
    running: boolean;
    last?: AgentRunView;
    applied?: { sha: string; at: string; status: string };
    waitingFor?: { sha: string; status: string };
    retry?: { attempt: number; at: string };
    suspensions: { by: string; reason: string; since: string }[];
    runs: number;
  };
  clusters: {
    cluster: string;
    health: ClusterHealth;
    lastProbeAt?: string;
    lastTransitionAt?: string;
    failures: number;
    message: string;
  }[];
};

const short = (sha: string): string => sha.slice(0, 12);

/** `[manual] Apply <sha>: …; converged.`, or why nothing was written. */
export function agentRunLine(run: AgentRunView): string {
  const why = `[${run.reasons.join(',')}]`;
  switch (run.mode) {
    case 'applied':
      return `${why} ${outcomeSummary(run.outcome)}`;
    case 'waiting':
      return `${why} ${short(run.sha)}: nothing done, waiting for a new commit (it ended ${run.terminal.status})`;
    case 'planned': {
      const plan = run.plan
        ? hasChanges(run.plan.counts)
          ? 'changes are waiting'
          : 'nothing to change'
        : 'could not be planned';
      return `${why} ${short(run.sha)}: planned only, ${plan}: ${run.why.code}: ${run.why.message}`;
    }
  }
}

export function formatAgentStatusText(status: AgentStatusView, at: string): string {
  const s = status.state;
  const out = [
    `Agent ${status.identity} at ${at}: ${status.leading ? 'leading' : 'following (it plans, the leader writes)'}`,
  ];
  for (const x of s.suspensions) out.push(`  suspended by the ${x.by} since ${x.since}: ${x.reason}`);
  out.push(
    s.applied
      ? `  applied: ${short(s.applied.sha)} at ${s.applied.at} (${s.applied.status})`
      : '  applied: nothing yet',
  );
  if (s.last) out.push(`  last run: ${s.last.startedAt} ${agentRunLine(s.last)}`);
  if (s.waitingFor)
    out.push(`  waiting for a new commit: ${short(s.waitingFor.sha)} ended ${s.waitingFor.status}`);
  if (s.retry) out.push(`  retry ${s.retry.attempt} at ${s.retry.at}`);
  out.push(`  runs: ${s.runs}${s.running ? ' (one running now)' : ''}`);
  if (status.clusters.length > 0) {
    out.push('Clusters:');
    const width = Math.max(...status.clusters.map((c) => c.cluster.length));
    const hw = Math.max(...status.clusters.map((c) => c.health.length));
    for (const c of status.clusters)
      out.push(
        `  ${c.cluster.padEnd(width)}  ${c.health.padEnd(hw)}  last probe ${c.lastProbeAt ?? '-'}  ${c.message}`.trimEnd(),
      );
  }
  return `${out.join('\n')}\n`;
}
