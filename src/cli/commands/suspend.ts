// `fedsync suspend --agent <url> [--reason <text>]`: a running agent stops writing — it still
// reads, plans and says why nothing was written — until `fedsync resume`. Exit 0 once suspended,
// 1 when refused, 6 when no agent answers.
import type { Command } from 'commander';
import {
  addAgentOptions,
  agentCommand,
  agentAddress,
  callAgent,
  suspensionsIn,
  type AgentCliOptions,
  type AgentCommandDeps,
} from '../agent-client.js';
import { ExitCode } from '../exit-codes.js';

export type SuspendCliOptions = AgentCliOptions & { reason?: string };

export async function suspendCommand(opts: SuspendCliOptions, deps: AgentCommandDeps): Promise<number> {
  return agentCommand('suspend', deps, async () => {
    const at = agentAddress(opts);
    const answer = await callAgent(opts, deps.env, {
      method: 'POST',
      path: '/suspend',
      ...(opts.reason ? { query: { reason: opts.reason } } : {}),
      timeoutMs: 10_000,
    });
    const suspended = suspensionsIn(opts, '/suspend', answer);
    deps.stdout(
      `The agent at ${at} is suspended: it writes nothing until \`fedsync resume --agent ${at}\`.\n`,
    );
    for (const s of suspended) deps.stdout(`  by the ${s.by} since ${s.since}: ${s.reason}\n`);
    return ExitCode.ok;
  });
}

export function registerSuspend(program: Command, deps: AgentCommandDeps): void {
  addAgentOptions(program.command('suspend'))
    .description('stop a running agent writing until resume (it still plans and says why)')
    .option('--reason <text>', 'why, shown in its status and reports')
    .action(async (opts: SuspendCliOptions) => {
      process.exitCode = await suspendCommand(opts, deps);
    });
}
