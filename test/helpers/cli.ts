// Runs `fedsync plan|apply|status` in this process against the real client-node adapter, with the
// output captured and the clock fixed: what the CLI and scenario tests drive.
import { Command } from 'commander';
import { registerApply } from '../../src/cli/commands/apply.js';
import { registerPlan } from '../../src/cli/commands/plan.js';
import { registerStatus } from '../../src/cli/commands/status.js';
import { createClient } from '../../src/cli/kube-client.js';

export type CliRun = { out: string; err: string; code: number };

export async function runClusterCli(
  args: readonly string[],
  options: { cacheDir: string; now: () => Date; isTTY?: boolean },
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const deps = {
    createClient,
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    isTTY: options.isTTY ?? false,
    clock: { now: options.now },
  };
  const program = new Command('fedsync').exitOverride();
  registerPlan(program, deps);
  registerApply(program, deps);
  registerStatus(program, { ...deps, clusterDeps: () => Promise.resolve(deps) });
  await program.parseAsync(['node', 'fedsync', ...args, '--cache-dir', options.cacheDir]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out: out.join(''), err: err.join(''), code };
}
