// `fedsync resume --agent <url>`: lifts the suspension `fedsync suspend` set; the agent reconciles
// at once. A suspension the repository sets (spec.suspend in fedsync.yaml) stays, and is said so.
// Exit 0 once resumed, 1 when refused, 6 when no agent answers.
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

export async function resumeCommand(opts: AgentCliOptions, deps: AgentCommandDeps): Promise<number> {
  return agentCommand('resume', deps, async () => {
    const at = agentAddress(opts);
    const answer = await callAgent(opts, deps.env, { method: 'POST', path: '/resume', timeoutMs: 10_000 });
    const still = suspensionsIn(opts, '/resume', answer);
    if (still.length === 0) deps.stdout(`The agent at ${at} writes again; it reconciles now.\n`);
    else {
      deps.stdout(`The agent at ${at} is resumed from the CLI but still suspended:\n`);
      for (const s of still) deps.stdout(`  by the ${s.by} since ${s.since}: ${s.reason}\n`);
    }
    return ExitCode.ok;
  });
}

export function registerResume(program: Command, deps: AgentCommandDeps): void {
  addAgentOptions(program.command('resume'))
    .description('let a suspended agent write again; it reconciles at once')
    .action(async (opts: AgentCliOptions) => {
      process.exitCode = await resumeCommand(opts, deps);
    });
}
