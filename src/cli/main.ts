// CLI composition root: builds the command tree; each command lives in its own file.
import { Command, CommanderError } from 'commander';
import { registerSim } from './commands/sim.js';
import { registerVersion, fedsyncVersion } from './commands/version.js';
import { registerValidate } from './commands/validate.js';
import { registerRender } from './commands/render.js';
import { registerPlan } from './commands/plan.js';
import { processDeps } from './cluster-command.js';
import { registerApply } from './commands/apply.js';
import { registerDemo } from './commands/demo.js';
import { registerStatus } from './commands/status.js';
import { createClient } from './kube-client.js';

export function buildProgram(): Command {
  const program = new Command('fedsync')
    .description(
      'GitOps reconciler for a federation of Kubernetes clusters behind one Google Cloud global load balancer',
    )
    .version(fedsyncVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  registerVersion(program);
  registerSim(program);
  registerValidate(program);
  registerRender(program);
  const clusterDeps = processDeps(createClient);
  registerPlan(program, clusterDeps);
  registerApply(program, clusterDeps);
  registerStatus(program, clusterDeps);
  registerDemo(program, {
    createClient,
    stdout: clusterDeps.stdout,
    stderr: clusterDeps.stderr,
    untilInterrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  });
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`fedsync: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
