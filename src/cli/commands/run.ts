// `fedsync run`: the long-lived agent. The configuration comes from --config / FEDSYNC_CONFIG, then
// FEDSYNC_* variables, then flags (each overriding the one before); a broken configuration prints
// every problem as `file:line: message` and exits 2. Runs until SIGTERM or SIGINT, then stops
// gracefully: the run in flight finishes (or records what it could not write), the Lease is released.
import type { Command } from 'commander';
import { flagSpecs } from '../../agent/config/settings.js';
import type { FlagValues } from '../../agent/config/layers.js';
import { loadAgentConfig } from '../../agent/config/load.js';
import { createLogger } from '../../agent/observe/logger.js';
import { startAgentService, type AgentService } from '../../agent/run/service.js';
import type { AgentRun } from '../../agent/agent.js';
import { formatProblem } from '../../model/index.js';

export type RunDeps = {
  version: string;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves at SIGTERM/SIGINT. */
  untilInterrupted: () => Promise<void>;
  /** Called once the agent listens (the demo prints its guide then). */
  onStarted?: (service: AgentService) => void | Promise<void>;
  onRun?: (run: AgentRun) => void;
  /** How long the run in flight may take to finish after the signal (default 20 s). */
  graceMs?: number;
};

/** commander's option keys (camelCase, `--no-x` as `x`) back to the flag names the config knows. */
export function flagValuesOf(opts: Record<string, unknown>): FlagValues {
  const out: FlagValues = {};
  const byKey = new Map<string, string>([['config', 'config']]);
  for (const spec of flagSpecs()) {
    const name = spec.setting?.flag;
    if (name)
      byKey.set(
        name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
        name,
      );
  }
  for (const [key, value] of Object.entries(opts)) {
    const flag = byKey.get(key);
    if (flag && value !== undefined) out[flag] = value as FlagValues[string];
  }
  return out;
}

export async function runCommand(flags: FlagValues, deps: RunDeps): Promise<number> {
  const loaded = await loadAgentConfig({ flags, env: deps.env });
  if (!loaded.ok) {
    for (const p of loaded.problems) deps.stderr(`${formatProblem(p)}\n`);
    deps.stderr('fedsync run: the configuration has problems; nothing was started\n');
    return 2;
  }
  const config = loaded.value;
  const log = createLogger({
    level: config.log.level,
    format: config.log.format,
    base: { identity: config.leaderElection.identity },
  });
  const service = await startAgentService({
    config,
    version: deps.version,
    log,
    env: deps.env,
    ...(deps.onRun ? { onRun: deps.onRun } : {}),
  });
  try {
    await deps.onStarted?.(service);
    await deps.untilInterrupted();
    log.info('stopping: finishing the run in flight');
  } finally {
    await service.stop({ graceMs: deps.graceMs ?? 20_000 });
  }
  log.info('stopped');
  return 0;
}

export function registerRun(program: Command, deps: RunDeps): void {
  const cmd = program
    .command('run')
    .description('run the agent: reconcile on every push, schedule tick and drift, serve metrics and health');
  for (const spec of flagSpecs()) cmd.option(spec.flags, spec.description);
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runCommand(flagValuesOf(opts), deps);
  });
}
