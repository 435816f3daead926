// `fedsync demo` (what `npm start` runs): the main job on the embedded simulated federation. Starts
// the demo world (three clusters and Google Cloud), makes the demo federation repository a real Git
// repository under .fedsync, and runs the agent on it: every commit there, every interval and every
// change someone makes in a cluster is reconciled — the clusters and the global load balancer — and
// each outcome is printed, with the load balancer's IP and a route to try once it has one.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { everySeconds, startAgent } from '../../agent/agent.js';
import { createWriteGate } from '../../agent/write-gate.js';
import type { Agent } from '../../agent/agent.js';
import { createFleet } from '../../kube/fleet.js';
import { agentWriterLeaseTiming } from '../../kube/writer-lock.js';
import { writerIdentity } from '../fleet-options.js';
import type { ClientFactory } from '../../kube/fleet.js';
import { createParseCache } from '../../manifests/load.js';
import { formatProblem } from '../../model/index.js';
import type { FederationRepo, ReconcileOutcome } from '../../model/index.js';
import { driftLine, outcomeLine } from '../../report/format/outcome-text.js';
import { startWorld } from '../../sim/run-world.js';
import { readWorld } from '../../sim/world.js';
import { ensureDemoRepo } from '../demo/demo-repo.js';
import { workloadLines } from '../demo/read-workloads.js';
import { loadRepo } from '../../source/load-repo.js';
import { loadBalancerLine } from '../../report/format/load-balancer-text.js';
import type { LoadBalancerTarget } from '../../gcp/compute/load-balancer.js';
import { loadBalancerFor } from '../load-balancer-options.js';

export type DemoOptions = {
  world: string;
  template: string;
  out: string;
  repoDir: string;
  interval: string;
  once?: boolean;
};

export type DemoDeps = {
  createClient: ClientFactory;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the demo should stop (Ctrl-C); unused with --once. */
  untilInterrupted: () => Promise<void>;
};

/** Where `fedsync sim …` looks for a running world by default (and where the demo writes it). */
const SIM_OUT = '.fedsync/sim';

/** `--out <dir>` when the world's files are not where `fedsync sim` looks by default. */
function outFlag(out: string): string {
  return resolve(out) === resolve(SIM_OUT) ? '' : ` --out ${out}`;
}

/** The lines printed once a load balancer has its IP: where it is, and a request to route. */
function ipLines(line: string, ip: string, out: string): string[] {
  return [
    line,
    `  Try: node bin/fedsync.js sim route --from europe-west1 --ip ${ip}${outFlag(out)}   # which cluster serves a client in Europe`,
  ];
}

function howTo(out: string, repoDir: string): string {
  const fedsync = 'npx fedsync';
  return [
    '',
    'Try it (in another shell):',
    `  export KUBECONFIG=${out}/kubeconfig`,
    '  kubectl --context=gce-asia-east1a get replicasets,services,ingresses',
    '  kubectl --context=gce-europe-west1b describe ingress myingress          # the IP, the resources, the events',
    `  (. ${out}/gcloud.env && gcloud compute url-maps list --global)          # the load balancer, by its names`,
    `  ${fedsync} sim ctl --out ${out} gce-europe-west1b down      # its replicas move; \`up\` brings it back`,
    '  kubectl --context=gce-us-central1c scale replicaset nginx --replicas=1   # drift: corrected at once',
    `  cd ${repoDir} && $EDITOR myreplicaset.yaml && git commit -am "scale" # applied within seconds`,
    `  ${fedsync} plan --repo ${repoDir} --sim ${out}                  # exit 0: nothing to do`,
    '',
  ].join('\n');
}

function changedAnything(o: ReconcileOutcome): boolean {
  const c = o.counts;
  return !!c && c.create + c.update + c.adopt + c.replace + c.delete + c.failed > 0;
}

function worthShowing(o: ReconcileOutcome): string {
  return JSON.stringify([o.sha, o.status, o.problems.map((p) => [p.code, p.cluster, p.object])]);
}

export async function demoCommand(opts: DemoOptions, deps: DemoDeps): Promise<number> {
  const interval = Number(opts.interval);
  if (!Number.isInteger(interval) || interval < 1)
    throw new Error(`--interval must be a whole number of seconds (got ${opts.interval})`);
  const out = resolve(opts.out);
  const world = await startWorld({ world: await readWorld(opts.world), outDir: out });
  let fleet: Awaited<ReturnType<typeof createFleet>> | undefined;
  let lb: LoadBalancerTarget | undefined;
  let agentRef: Agent | undefined;
  try {
    const repo = await ensureDemoRepo({ dir: resolve(opts.repoDir), template: opts.template });
    deps.stdout(
      `Simulated world "${world.world.metadata.name}": ${world.clusters.map((c) => c.name).join(', ')}; ` +
        `kubeconfig ${world.files?.kubeconfig ?? ''}\n` +
        `Federation repository ${repo.dir} (${repo.created ? 'created from ' + opts.template : 'reusing it'})\n`,
    );
    const cache = createParseCache();
    // The newest valid repository the agent read: what the workload lines describe (no re-read).
    let lastRepo: FederationRepo | undefined;
    const read = async () => {
      const loaded = await loadRepo({ repo: repo.dir, cache });
      if (loaded.ok) lastRepo = loaded.value;
      return loaded;
    };
    const first = await read();
    if (!first.ok) {
      for (const p of first.problems) deps.stderr(`${formatProblem(p)}\n`);
      return 1;
    }
    fleet = await createFleet({
      kubeconfigPath: world.files?.kubeconfig ?? '',
      registrations: first.value.clusters,
      federation: first.value.federation.name,
      createClient: deps.createClient,
      // The demo is a running agent: a `fedsync apply` beside it waits for its writes, and it for those.
      writerLock: { identity: writerIdentity('demo'), timing: agentWriterLeaseTiming },
      live: {
        healthIntervalMs: 2000,
        onDrift: (d) => deps.stdout(`${driftLine(d, new Date())}\n`),
        onHealthChange: (c) => {
          deps.stdout(`${new Date().toISOString().slice(11, 19)} cluster ${c.cluster} is ${c.health}\n`);
          void agentRef?.trigger('health');
        },
      },
    });
    lb = await loadBalancerFor({ opts: { sim: out }, repo: first.value, members: fleet.memberIngresses });
    const clients = fleet.clients;
    const printWorkloads = async (): Promise<void> => {
      if (!lastRepo) return;
      for (const line of await workloadLines({ repo: lastRepo, clients })) deps.stdout(`${line}\n`);
    };
    let lastShown = '';
    const announced = new Set<string>();
    const report = async (outcome: ReconcileOutcome, reasons: readonly string[]): Promise<void> => {
      // A quiet cycle (nothing written, same commit, same problems) prints nothing.
      const shown = worthShowing(outcome);
      if (shown === lastShown && !changedAnything(outcome)) return;
      lastShown = shown;
      deps.stdout(`${outcomeLine(outcome, reasons, new Date())}\n`);
      for (const p of outcome.problems) deps.stderr(`  ${formatProblem(p)}\n`);
      await printWorkloads();
      for (const t of outcome.targets)
        for (const v of t.loadBalancers ?? []) {
          const line = `  ${loadBalancerLine(v)}`;
          if (!v.ip || announced.has(`${v.ingress}=${v.ip}`)) {
            if (changedAnything(outcome)) deps.stdout(`${line}\n`);
            continue;
          }
          announced.add(`${v.ingress}=${v.ip}`);
          for (const l of ipLines(line, v.ip, opts.out)) deps.stdout(`${l}\n`);
        }
    };
    let chain = Promise.resolve();
    let last: ReconcileOutcome | undefined;
    const agent = (agentRef = await startAgent({
      read,
      targets: { cluster: fleet, ...(lb ? { loadBalancer: lb } : {}) },
      gate: createWriteGate({}),
      retry: { initialMs: 1000, maxMs: 30_000 },
      schedule: { cron: everySeconds(interval) },
      watchDir: repo.dir,
      onRun: (run) => {
        if (run.mode !== 'applied') return;
        last = run.outcome;
        const { outcome, reasons } = { outcome: run.outcome, reasons: run.reasons };
        chain = chain
          .then(() => report(outcome, reasons))
          .catch((err: unknown) => deps.stderr(`${String(err)}\n`));
      },
      onError: (err) =>
        deps.stderr(`reconcile failed: ${err instanceof Error ? err.message : String(err)}\n`),
    }));
    try {
      await agent.trigger('start');
      await chain;
      if (opts.once) {
        // Give the simulated controllers a moment, then show the replicas as they became ready.
        await Promise.all(world.clusters.map((c) => c.settle()));
        await printWorkloads();
        return last?.status === 'converged' ? 0 : 1;
      }
      deps.stdout(howTo(opts.out, opts.repoDir));
      await deps.untilInterrupted();
      return 0;
    } finally {
      await agent.stop();
      await chain;
    }
  } finally {
    await lb?.close();
    await fleet?.stop();
    await world.stop();
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
    .option('--once', 'reconcile once, print the result and stop')
    .action(async (opts: DemoOptions) => {
      process.exitCode = await demoCommand(opts, deps);
    });
}
