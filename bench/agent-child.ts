// Child process of the sync benchmark: fedsync as the long-lived agent holds it (source, parse cache,
// a live fleet with its watch caches, the cycle planner), alone in its process, so neither its times
// nor its memory include the simulated clusters the parent runs. Commands come one per line on stdin
// (`reconcile`, `memory`, `exit`); each answers with one JSON line on stdout. With
// FEDSYNC_BENCH_CPU_PROFILE=<dir>, every reconcile after the first is CPU-profiled into that directory
// (open the .cpuprofile files in Chrome DevTools).
import { createInterface } from 'node:readline';
import { createCyclePlanner } from '../src/agent/plan-mode.js';
import type { PlanMode } from '../src/agent/plan-mode.js';
import { reconcileOnce } from '../src/agent/reconcile-once.js';
import { createClusterClient } from '../src/kube/client-node.js';
import { createFleet } from '../src/kube/fleet.js';
import type { ObservedCluster } from '../src/model/index.js';
import type { LoadedRepo } from '../src/source/load-repo.js';
import { openSource } from '../src/source/read-federation.js';
import { withCpuProfile } from './cpu-profile.js';
import { repoReader } from './repo-reader.js';

const [kubeconfig, repo, cacheDir] = process.argv.slice(2) as [string, string, string];
const say = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const source = await openSource({ repo, cacheDir });
const read = repoReader(source);
const first = await read();
if (!first.ok) throw new Error(`generated repository is invalid: ${first.problems[0]?.message}`);
const fleet = await createFleet({
  kubeconfigPath: kubeconfig,
  registrations: first.value.clusters,
  federation: first.value.federation.name,
  // The first list and watch of 10 × 20,000 objects from simulated clusters sharing two cores with
  // the bench takes longer than the defaults that suit one real API server; the timed cycles come after.
  createClient: ({ name, kubeconfigPath, context }) =>
    createClusterClient({ name, kubeconfigPath, context, timeoutMs: 120_000 }),
  syncTimeoutMs: 300_000,
  live: {},
  // FEDSYNC_BENCH_WHOLE_CACHE=1: the caches keep objects as the server sent them (memory before/after).
  ...(process.env.FEDSYNC_BENCH_WHOLE_CACHE === '1' ? { cacheTransform: false as const } : {}),
});
// Counted when asked (listing a snapshot's keys is work the agent itself never does per cycle).
let lastObserved: ObservedCluster[] = [];
const cached = (): number => lastObserved.reduce((n, o) => n + Object.keys(o.objects).length, 0);
const cluster: typeof fleet = {
  ...fleet,
  observe: async (input) => {
    const observed: ObservedCluster[] = await fleet.observe(input);
    lastObserved = observed;
    return observed;
  },
};
const cycle = createCyclePlanner();
let mode: PlanMode | undefined;
let pending: LoadedRepo | undefined = first;
const next = (): Promise<LoadedRepo> => {
  const r = pending;
  pending = undefined;
  return r ? Promise.resolve(r) : read();
};
const mib = (bytes: number): number => bytes / 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

const profileDir = process.env.FEDSYNC_BENCH_CPU_PROFILE;
let reconciles = 0;
const profiled = async <T>(fn: () => Promise<T>): Promise<T> =>
  !profileDir || reconciles === 1 ? fn() : withCpuProfile(profileDir, `reconcile-${reconciles}`, fn);

say({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reconcile') {
    reconciles++;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const outcome = await profiled(() =>
      reconcileOnce({ read: next, targets: { cluster }, planner: { cycle, onPlanned: (m) => (mode = m) } }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    say({
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      status: outcome.status,
      counts: outcome.counts,
      problems: outcome.problems.slice(0, 3).map((p) => `${p.code}: ${p.message}`),
      mode,
    });
  } else if (line === 'memory') {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    say({
      rssMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      externalMiB: mib(m.external),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      cached: cached(),
      gc: gc !== undefined,
    });
  } else if (line === 'exit') {
    break;
  }
}
await fleet.stop();
process.exit(0);
