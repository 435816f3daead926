// `fedsync demo` (what `npm start` runs): `fedsync run` on the embedded simulated federation. Starts
// the demo world (three clusters and Google Cloud), makes the demo federation repository a real Git
// repository under .fedsync, and runs the very agent service `fedsync run` runs on it — a short
// schedule, a watch of the repository, reports on its `fedsync/status` branch, /status and /metrics
// on 127.0.0.1 — printing each outcome, drift and health change as it happens, then each cluster's
// state and where to look. Runs until interrupted, then stops the agent, its port and the world.
import type { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import type { AgentRun } from '../../agent/agent.js';
import { resolveAgentConfig } from '../../agent/config/resolve.js';
import type { AgentConfig } from '../../agent/config/types.js';
import { createLogger } from '../../agent/observe/logger.js';
import { everySeconds, startAgentService, type AgentService } from '../../agent/run/service.js';
import { formatProblem } from '../../model/index.js';
import type { ReconcileOutcome } from '../../model/index.js';
import { loadBalancerLine } from '../../report/format/load-balancer-text.js';
import { driftLine, outcomeLine } from '../../report/format/outcome-text.js';
import { startWorld, type RunningWorld } from '../../sim/run-world.js';
import { readWorld } from '../../sim/world.js';
import { ensureDemoRepo } from '../demo/demo-repo.js';
import { SIM_OUT, clusterLines, guideText, ipLines } from '../demo/guide.js';
import { workloadLines } from '../demo/read-workloads.js';
import { fedsyncVersion } from '../package-version.js';

export type DemoOptions = {
  world: string;
  template: string;
  out: string;
  repoDir: string;
  interval: string;
  /** host:port of the agent's /status, /metrics, /healthz (default an ephemeral port on 127.0.0.1). */
  listen?: string;
  once?: boolean;
};

export type DemoDeps = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the demo should stop (Ctrl-C, SIGTERM); unused with --once. */
  untilInterrupted: () => Promise<void>;
};

/** A schedule that does not fire: with --once only the start run (and health changes) reconcile. */
const NEVER = '0 0 1 1 *';

function changedAnything(o: ReconcileOutcome): boolean {
  const c = o.counts;
  return !!c && c.create + c.update + c.adopt + c.replace + c.delete + c.failed > 0;
}

function worthShowing(run: AgentRun): string {
  if (run.mode === 'planned') return JSON.stringify([run.sha, run.mode, run.why.code]);
  if (run.mode === 'waiting') return JSON.stringify([run.sha, run.mode]);
  const o = run.outcome;
  return JSON.stringify([o.sha, o.status, o.problems.map((p) => [p.code, p.cluster, p.object])]);
}

const clock = (): string => new Date().toISOString().slice(11, 19);

export async function demoCommand(opts: DemoOptions, deps: DemoDeps): Promise<number> {
  const interval = Number(opts.interval);
  if (!Number.isInteger(interval) || interval < 1)
    throw new Error(`--interval must be a whole number of seconds (got ${opts.interval})`);
  const out = resolve(opts.out);
  const world = await startWorld({ world: await readWorld(opts.world), outDir: out });
  try {
    const repo = await ensureDemoRepo({ dir: resolve(opts.repoDir), template: opts.template });
    deps.stdout(
      `Simulated world "${world.world.metadata.name}": ${world.clusters.map((c) => c.name).join(', ')}; ` +
        `kubeconfig ${world.files?.kubeconfig ?? ''}\n` +
        `Federation repository ${repo.dir} (${repo.created ? 'created from ' + opts.template : 'reusing it'})\n`,
    );
    const config = resolveAgentConfig({
      env: {},
      host: { hostname: 'fedsync-demo', instanceId: 'demo' },
      flags: {
        'repo-path': repo.dir,
        sim: out,
        listen: opts.listen ?? '127.0.0.1:0',
        schedule: opts.once ? NEVER : everySeconds(interval),
        jitter: '0s',
        'leader-elect': false,
        identity: 'fedsync-demo',
        'cache-dir': join(dirname(repo.dir), 'cache', 'git'),
      },
    });
    if (!config.ok) {
      for (const p of config.problems) deps.stderr(`${formatProblem(p)}\n`);
      return 2;
    }
    return await withService(config.value, { opts, deps, world });
  } finally {
    await world.stop();
  }
}

async function withService(
  config: AgentConfig,
  ctx: { opts: DemoOptions; deps: DemoDeps; world: RunningWorld },
): Promise<number> {
  const { opts, deps, world } = ctx;
  let chain = Promise.resolve();
  let lastShown = '';
  let lastApplied: ReconcileOutcome | undefined;
  let ip: string | undefined;
  const announced = new Set<string>();
  // The first run the agent will not retry on its own: the guide follows it, not a transient failure.
  let settledRun: (run: AgentRun) => void = () => undefined;
  const settled = new Promise<AgentRun>((r) => (settledRun = r));
  let service: AgentService | undefined;

  const printWorkloads = async (): Promise<void> => {
    const clients = service?.fleet.current()?.clients;
    const observedRepo = service?.fleet.lastObserved()?.repo;
    if (!clients || !observedRepo) return;
    for (const line of await workloadLines({ repo: observedRepo, clients })) deps.stdout(`${line}\n`);
  };
  const report = async (run: AgentRun): Promise<void> => {
    // A quiet cycle (nothing written, same commit, same problems) prints nothing.
    const shown = worthShowing(run);
    const changed = run.mode === 'applied' && changedAnything(run.outcome);
    if (shown === lastShown && !changed) return;
    lastShown = shown;
    if (run.mode === 'planned') {
      deps.stdout(
        `${clock()} [${run.reasons.join(',')}] Planned only, nothing written: ${run.why.message}\n`,
      );
      for (const p of run.problems) deps.stderr(`  ${formatProblem(p)}\n`);
      return;
    }
    if (run.mode !== 'applied') return;
    const outcome = run.outcome;
    deps.stdout(`${outcomeLine(outcome, run.reasons, new Date())}\n`);
    for (const p of outcome.problems) deps.stderr(`  ${formatProblem(p)}\n`);
    await printWorkloads();
    for (const t of outcome.targets)
      for (const v of t.loadBalancers ?? []) {
        const line = `  ${loadBalancerLine(v)}`;
        if (!v.ip || announced.has(`${v.ingress}=${v.ip}`)) {
          if (changed) deps.stdout(`${line}\n`);
          continue;
        }
        announced.add(`${v.ingress}=${v.ip}`);
        ip ??= v.ip;
        for (const l of ipLines(line, v.ip, opts.out)) deps.stdout(`${l}\n`);
      }
  };
  const started = startAgentService({
    config,
    version: fedsyncVersion(),
    // The demo prints its own lines; the agent's log keeps only its errors.
    log: createLogger({ level: 'error', format: 'pretty', destination: { write: deps.stderr } }),
    env: {},
    healthIntervalMs: 2000,
    onRun: (run) => {
      if (run.mode === 'applied') lastApplied = run.outcome;
      chain = chain
        .then(async () => {
          // The start run may end before startAgentService has returned the service.
          service ??= await started;
          await report(run);
        })
        .catch((err: unknown) => deps.stderr(`${String(err)}\n`))
        .finally(() => {
          if (run.mode !== 'applied' || run.outcome.status !== 'failed' || run.outcome.terminal)
            settledRun(run);
        });
    },
    onDrift: (d) => deps.stdout(`${driftLine(d, new Date())}\n`),
    onHealthChange: (c) => deps.stdout(`${clock()} cluster ${c.cluster} is ${c.health}\n`),
  });
  service = await started;
  try {
    deps.stdout(
      `Agent (the service \`fedsync run\` runs) on ${service.url}: /status, /metrics, /healthz, /readyz; reconciling…\n`,
    );
    // With --once nothing waits for a signal (Ctrl-C ends the process as usual); otherwise an
    // interruption before the first settled run ends the demo as well as one after it.
    const interrupted = opts.once ? undefined : deps.untilInterrupted().then(() => 'interrupted' as const);
    const run = await (interrupted ? Promise.race([settled, interrupted]) : settled);
    if (run === 'interrupted') return 0;
    await chain;
    if (opts.once) {
      // Give the simulated controllers a moment, then show the replicas as they became ready.
      await Promise.all(world.clusters.map((c) => c.settle()));
      await printWorkloads();
    }
    const clusters = clusterLines(service.fleet.healthDetails(), lastApplied);
    if (clusters.length > 0) deps.stdout(['', 'Clusters:', ...clusters, ''].join('\n'));
    // A commit that could not be read has no report on the status branch.
    if (lastApplied?.counts)
      deps.stdout(`Status branch: git -C ${opts.repoDir} show fedsync/status:README.md\n`);
    if (opts.once) return lastApplied?.status === 'converged' ? 0 : 1;
    deps.stdout(
      guideText({
        out: opts.out,
        repoDir: opts.repoDir,
        agentUrl: service.url,
        ...(world.files?.gcloudEnv ? { gcloudEnv: world.files.gcloudEnv } : {}),
        ...(ip ? { ip } : {}),
      }),
    );
    await interrupted;
    return 0;
  } finally {
    deps.stdout('Stopping: the run in flight finishes, then the agent, its port and the world stop.\n');
    await service.stop({ graceMs: 10_000 });
    await chain;
  }
}

export function registerDemo(program: Command, deps: DemoDeps): void {
  program
    .command('demo')
    .description('run fedsync on the embedded simulated federation (what `npm start` runs)')
    .option('--world <file>', 'world file', 'fixtures/worlds/demo.yaml')
    .option('--template <dir>', 'repository the demo repository is made from', 'fixtures/repos/demo')
    .option('--out <dir>', 'where the world writes kubeconfig and sim.json', SIM_OUT)
    .option('--repo-dir <dir>', 'the demo federation repository (created once)', '.fedsync/demo-repo')
    .option('--interval <seconds>', 'reconcile at least this often', '5')
    .option(
      '--listen <host:port>',
      "the agent's /status and /metrics (default an ephemeral port)",
      '127.0.0.1:0',
    )
    .option('--once', 'reconcile once, print the result and stop')
    .action(async (opts: DemoOptions) => {
      process.exitCode = await demoCommand(opts, deps);
    });
}
