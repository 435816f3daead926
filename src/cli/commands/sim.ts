// `fedsync sim up|ctl|stats`: run a simulated world in the foreground and drive it from another shell.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CounterSnapshot } from '../../sim/kube/counters.js';
import { startWorld, type SimJson } from '../../sim/run-world.js';
import { readWorld } from '../../sim/world.js';
import { registerSimCtlGcp, registerSimRoute } from './sim-gcp.js';

const defaultOut = '.fedsync/sim';

async function readSimJson(outDir: string): Promise<SimJson> {
  const file = join(outDir, 'sim.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SimJson;
  } catch {
    throw new Error(
      `no running world found: ${file} is missing (start one with \`fedsync sim up --world <file> --out ${outDir}\`)`,
    );
  }
}

async function callControl(outDir: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const sim = await readSimJson(outDir);
  let res: Response;
  try {
    res = await fetch(`${sim.control}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new Error(`the world in ${outDir} is not running (control API ${sim.control} unreachable)`, {
      cause: err,
    });
  }
  const answer = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(answer.error ?? `control API answered ${res.status}`);
  return answer;
}

export function formatStats(clusters: Record<string, CounterSnapshot>): string {
  const lines = ['CLUSTER                 READS  WRITES  CHANGES  DRY-RUN  DISCOVERY'];
  const detail: string[] = [];
  for (const [name, s] of Object.entries(clusters)) {
    lines.push(
      `${name.padEnd(22)} ${String(s.reads).padStart(6)}  ${String(s.writes).padStart(6)}  ${String(s.changes).padStart(7)}  ${String(s.dryRunWrites).padStart(7)}  ${String(s.discovery).padStart(9)}`,
    );
    for (const [verb, byRes] of Object.entries(s.byVerb)) {
      for (const [res, n] of Object.entries(byRes)) detail.push(`  ${name} ${verb} ${res}: ${n}`);
    }
    for (const [client, c] of Object.entries(s.byClient ?? {}))
      detail.push(`  ${name} client "${client}": ${c.reads} reads, ${c.writes} writes, ${c.changes} changes`);
  }
  return [...lines, ...(detail.length ? ['', ...detail] : [])].join('\n');
}

export function registerSim(program: Command): void {
  const sim = program
    .command('sim')
    .description('run and drive a simulated federation (Kubernetes clusters and Google Cloud)');

  sim
    .command('up')
    .description('start every cluster of a world file and stay in the foreground until interrupted')
    .requiredOption('--world <file>', 'world file (see docs/simulator.md)')
    .option('--out <dir>', 'where kubeconfig and sim.json are written', defaultOut)
    .option('--tick-ms <ms>', 'controller reaction delay', '50')
    .action(async (opts: { world: string; out: string; tickMs: string }) => {
      const world = await readWorld(opts.world);
      const running = await startWorld({ world, outDir: opts.out, tickMs: Number(opts.tickMs) });
      const kubeconfig = running.files?.kubeconfig ?? '';
      console.log(`fedsync sim: world ${world.metadata.name} is up`);
      for (const c of running.clusters)
        console.log(`  ${c.name.padEnd(22)} ${c.url}  (${c.region}, ${c.zone})`);
      if (running.gcp)
        console.log(`  ${'compute (gcp)'.padEnd(22)} ${running.gcp.url}  (${running.gcp.project})`);
      console.log(
        `\n  kubeconfig: ${kubeconfig}\n  sim.json:   ${running.files?.simJson ?? ''}\n  control:    ${running.control.url}`,
      );
      if (running.files?.gcloudEnv) console.log(`  gcloud.env: ${running.files.gcloudEnv}`);
      console.log('');
      const first = running.clusters[0]?.name ?? '<cluster>';
      console.log(`Try:\n  KUBECONFIG=${kubeconfig} kubectl --context=${first} get nodes`);
      console.log(
        `  fedsync sim ctl --out ${opts.out} ${first} down      # or up | hang | errors 0.5 | latency 200 | capacity 2`,
      );
      if (running.files?.gcloudEnv)
        console.log(`  (. ${running.files.gcloudEnv} && gcloud compute url-maps list --global)`);
      console.log(`  fedsync sim stats --out ${opts.out}\nPress Ctrl-C to stop.`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.stop();
      console.log('fedsync sim: stopped');
    });

  const ctl = sim
    .command('ctl')
    .description('change a running world: <cluster> down|up|hang|errors RATE [CODE]|latency MS|capacity N')
    .option('--out <dir>', 'directory `sim up` wrote', defaultOut)
    .argument('<cluster>', 'cluster name')
    .argument('<fault...>', 'down | up | hang | errors RATE [429|500|503] | latency MS | capacity N')
    .action(async (cluster: string, fault: string[], opts: { out: string }) => {
      const state = (await callControl(opts.out, 'POST', `/clusters/${encodeURIComponent(cluster)}/fault`, {
        args: fault,
      })) as { faults: unknown; capacity: number };
      console.log(`${cluster}: ${JSON.stringify(state.faults)} capacity=${state.capacity}`);
    });
  registerSimCtlGcp(ctl);
  registerSimRoute(sim);

  sim
    .command('stats')
    .description('print the request counters of a running world')
    .option('--out <dir>', 'directory `sim up` wrote', defaultOut)
    .option('--json', 'print JSON')
    .option('--reset', 'reset the counters after printing them')
    .action(async (opts: { out: string; json?: boolean; reset?: boolean }) => {
      const stats = (await callControl(opts.out, 'GET', '/stats')) as {
        clusters: Record<string, CounterSnapshot>;
      };
      console.log(opts.json ? JSON.stringify(stats, null, 2) : formatStats(stats.clusters));
      if (opts.reset) await callControl(opts.out, 'POST', '/stats/reset');
    });
}
