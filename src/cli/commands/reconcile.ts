// `fedsync reconcile --agent <url> [--wait] [-o text|json]`: asks a running agent for a reconcile
// now (or right after the one in flight). Without --wait it returns once the agent took the
// request; with --wait it returns when that run ended, prints it and exits by it as `apply` would:
// 0 every cluster holds the commit, 1 error, 2 held (or, with the agent not writing, changes wait),
// 3 a cluster left behind; 6 when no agent answers.
import type { Command } from 'commander';
import { hasChanges } from '../../model/index.js';
import type { AgentRun } from '../../agent/agent.js';
import { agentRunLine, type AgentRunView } from '../../report/format/agent-status-text.js';
import {
  addAgentOptions,
  agentCommand,
  agentAddress,
  badAnswer,
  callAgent,
  checkAgentOutput,
  type AgentCliOptions,
  type AgentCommandDeps,
} from '../agent-client.js';
import { applyExitCode, ExitCode, leftBehind } from '../exit-codes.js';

export type ReconcileCliOptions = AgentCliOptions & { wait?: boolean; output: string };

/** The agent's run fits the view printed of it (checked by the compiler, nothing at run time). */
const _runFitsView = (run: AgentRun): AgentRunView => run;

/** How a run ended, as an exit code: applied or waiting by its outcome, planned only by its plan. */
export function runExitCode(run: AgentRunView): ExitCode {
  if (run.mode === 'applied') return applyExitCode(run.outcome);
  if (run.mode === 'waiting') return applyExitCode(run.terminal);
  if (!run.plan || run.problems.some((p) => p.severity === 'error')) return ExitCode.error;
  return hasChanges(run.plan.counts) ? ExitCode.changes : ExitCode.ok;
}

const isRun = (v: unknown): v is AgentRunView =>
  !!v &&
  typeof v === 'object' &&
  ['applied', 'planned', 'waiting'].includes((v as { mode?: unknown }).mode as string) &&
  Array.isArray((v as { reasons?: unknown }).reasons);

export async function reconcileCommand(opts: ReconcileCliOptions, deps: AgentCommandDeps): Promise<number> {
  checkAgentOutput(opts.output);
  return agentCommand('reconcile', deps, async () => {
    const at = agentAddress(opts);
    const answer = await callAgent(opts, deps.env, {
      method: 'POST',
      path: '/reconcile',
      // Waiting lasts as long as the run; only the bare trigger has a deadline.
      ...(opts.wait ? { query: { wait: 'true' } } : { timeoutMs: 10_000 }),
    });
    if (!opts.wait) {
      if (answer.status !== 202) throw badAnswer(opts, '/reconcile', answer);
      deps.stdout(`Reconcile requested from the agent at ${at}.\n`);
      return ExitCode.ok;
    }
    const body = answer.body as { ok?: unknown; run?: unknown; message?: unknown };
    if (answer.status === 500 && body?.ok === false) {
      deps.stderr(`fedsync reconcile: the agent at ${at} could not run it: ${String(body.message)}\n`);
      return ExitCode.error;
    }
    if (answer.status !== 200 || !isRun(body?.run)) throw badAnswer(opts, '/reconcile?wait=true', answer);
    const run = body.run;
    if (opts.output === 'json') deps.stdout(`${JSON.stringify(run, null, 2)}\n`);
    else {
      const outcome = run.mode === 'applied' ? run.outcome : undefined;
      for (const b of outcome ? leftBehind(outcome) : [])
        deps.stderr(`fedsync reconcile: cluster ${b.cluster} does not hold this commit: ${b.why}\n`);
      for (const p of run.mode === 'planned' ? run.problems : (outcome?.problems ?? []))
        deps.stderr(`fedsync reconcile: ${p.message}\n`);
      deps.stdout(`${agentRunLine(run)}\n`);
    }
    return runExitCode(run);
  });
}

export function registerReconcile(program: Command, deps: AgentCommandDeps): void {
  addAgentOptions(program.command('reconcile'))
    .description(
      'ask a running agent to reconcile now; with --wait, exit by how the run ended (as apply does)',
    )
    .option('--wait', 'wait for the run to end, print it and exit by its outcome')
    .option('-o, --output <format>', 'text or json (the run, with --wait)', 'text')
    .action(async (opts: ReconcileCliOptions) => {
      process.exitCode = await reconcileCommand(opts, deps);
    });
}
