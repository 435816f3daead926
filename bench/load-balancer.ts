// Load-balancer benchmark, for 3 and 13 simulated clusters with the simulated Compute Engine:
// - commit-to-IP: fedsync as the agent runs it (source, fleet and load-balancer target open and
//   converged on the commit before) from the commit adding the seed's Ingress, Service and
//   ReplicaSet until every member Ingress carries the IP and a request to it from every cluster's
//   region is answered by a healthy backend;
// - no-op cycle: the same commit once more; FAILED if it sends a single Google Cloud mutation;
// - baseline (same run, same world, the workloads already running): scripts/gcloud-demo-lb.sh, plain
//   `gcloud compute` commands building the same HTTP load balancer, until its IP answers likewise.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createFleet } from '../src/kube/fleet.js';
import type { Fleet } from '../src/kube/fleet.js';
import { reconcileOnce } from '../src/agent/reconcile-once.js';
import type { Targets } from '../src/agent/reconcile-once.js';
import type { ReconcileOutcome } from '../src/model/index.js';
import type { LoadedRepo } from '../src/source/load-repo.js';
import { createClusterClient } from '../src/kube/client-node.js';
import { createParseCache } from '../src/manifests/load.js';
import { openSource, readFederationAt } from '../src/source/read-federation.js';
import { startWorld } from '../src/sim/run-world.js';
import type { RunningWorld } from '../src/sim/run-world.js';
import type { ComputeSim } from '../src/sim/gcp/index.js';
import { loadBalancerTarget } from '../src/gcp/compute/load-balancer.js';
import { simComputeConnection } from '../src/cli/load-balancer-options.js';
import { createRepo, tempDir } from '../test/helpers/git.js';
import { missingCommand } from './preconditions.js';
import {
  LB_NODE_PORT,
  LB_PROJECT,
  gcloudClusters,
  lbClusters,
  lbRepo,
  lbWorld,
} from './load-balancer-fixtures.js';
import type { BenchRow } from './types.js';

const exec = promisify(execFile);
const CLUSTER_COUNTS = [3, 13] as const;
const DEADLINE_MS = 300_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mustConverge(label: string, outcome: ReconcileOutcome): void {
  if (outcome.status === 'converged') return;
  const problems = outcome.problems.map((p) => `${p.code}: ${p.message}`).slice(0, 3);
  throw new Error(
    `${label}: reconcile ended ${outcome.status}: ${problems.join('; ') || 'no problem given'}`,
  );
}

/** True when a request to `ip` from every cluster's region reaches a healthy backend. */
function answersEverywhere(gcp: ComputeSim, ip: string, n: number): boolean {
  return lbClusters(n).every((c) => 'cluster' in gcp.route({ from: c.region, ip }));
}

/** The IP every member Ingress carries, when they all carry the same one. */
function memberIp(world: RunningWorld): string | undefined {
  const ips = world.clusters.map((c) => {
    const ing = c.store.get(c.resource('networking.k8s.io/v1', 'Ingress'), 'default', 'web') as
      { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } } | undefined;
    return ing?.status?.loadBalancer?.ingress?.[0]?.ip;
  });
  return ips.every((ip) => ip && ip === ips[0]) ? ips[0] : undefined;
}

type FedsyncResult = { commitToIp: number; noop: number; noopReads: number; noopMutations: number };

async function fedsyncSide(running: RunningWorld, dir: string, n: number): Promise<FedsyncResult> {
  const gcp = running.gcp!;
  const files = lbRepo(n);
  const { 'web.yaml': web, ...base } = files;
  const repo = await createRepo(dir, 'federation', base);
  const source = await openSource({ repo: repo.bare, cacheDir: join(dir, 'cache') });
  const cache = createParseCache();
  const read = async (): Promise<LoadedRepo> => {
    const { revision, result } = await readFederationAt(source, { cache });
    return { ...result, revision };
  };
  const before = await read();
  if (!before.ok) throw new Error(`generated repository is invalid: ${before.problems[0]?.message}`);
  let fleet: Fleet | undefined;
  let lb: ReturnType<typeof loadBalancerTarget> | undefined;
  try {
    fleet = await createFleet({
      kubeconfigPath: running.files!.kubeconfig,
      registrations: before.value.clusters,
      federation: before.value.federation.name,
      createClient: ({ name, kubeconfigPath, context }) =>
        createClusterClient({ name, kubeconfigPath, context }),
    });
    lb = loadBalancerTarget({
      connection: await simComputeConnection(join(dir, '..', 'sim'), LB_PROJECT),
      members: fleet.memberIngresses,
    });
    const targets: Targets = { cluster: fleet, loadBalancer: lb };
    mustConverge('warm-up', await reconcileOnce({ read: () => Promise.resolve(before), targets }));

    await repo.commit('add the web Ingress', { 'web.yaml': web! });
    const started = performance.now();
    mustConverge('commit', await reconcileOnce({ read, targets }));
    // As the agent would: look again (every second here) until the IP answers everywhere.
    let last = performance.now();
    for (;;) {
      const ip = memberIp(running);
      if (ip && answersEverywhere(gcp, ip, n)) break;
      if (performance.now() - started > DEADLINE_MS)
        throw new Error(`commit-to-IP: no answer after ${DEADLINE_MS} ms`);
      if (performance.now() - last > 1000) {
        await reconcileOnce({ read, targets });
        last = performance.now();
      } else await pause(10);
    }
    const commitToIp = (performance.now() - started) / 1000;

    await Promise.all(running.clusters.map((c) => c.settle()));
    mustConverge('settle', await reconcileOnce({ read, targets }));
    gcp.resetCounters();
    const t0 = performance.now();
    mustConverge('no-op', await reconcileOnce({ read, targets }));
    const noop = (performance.now() - t0) / 1000;
    const counters = gcp.counters();
    if (counters.mutations > 0)
      throw new Error(
        `no-op cycle, ${n} clusters: ${counters.mutations} Google Cloud mutation(s): ${JSON.stringify(counters.byMethod)}`,
      );
    return { commitToIp, noop, noopReads: counters.reads, noopMutations: counters.mutations };
  } finally {
    await lb?.close();
    await fleet?.stop();
  }
}

/** scripts/gcloud-demo-lb.sh against the same world, timed until its IP answers everywhere. */
async function gcloudSide(running: RunningWorld, dir: string, n: number): Promise<number> {
  const gcp = running.gcp!;
  const env = running.files!.gcloudEnv;
  const started = performance.now();
  const { stdout } = await exec('bash', ['-c', `. '${env}' && bash scripts/gcloud-demo-lb.sh`], {
    env: {
      PATH: process.env.PATH,
      HOME: join(dir, 'gcloud-home'),
      NAME: 'gcloud-base',
      NODE_PORT: String(LB_NODE_PORT),
      HEALTH_PATH: '/',
      NODES: '3',
      CLUSTERS: gcloudClusters(n),
    },
    maxBuffer: 16 << 20,
    timeout: DEADLINE_MS,
  });
  const ip = stdout.trim().split('\n').pop()!.trim();
  while (!answersEverywhere(gcp, ip, n)) {
    if (performance.now() - started > DEADLINE_MS) throw new Error(`gcloud baseline: ${ip} never answered`);
    await pause(10);
  }
  return (performance.now() - started) / 1000;
}

export async function run(): Promise<BenchRow[]> {
  const noGcloud = await missingCommand('gcloud', ['version']);
  const rows: BenchRow[] = [];
  for (const n of CLUSTER_COUNTS) {
    const tmp = await tempDir(`fedsync-bench-lb-${n}-`);
    const running = await startWorld({ world: lbWorld(n), outDir: join(tmp.path, 'sim'), tickMs: 5 });
    try {
      const fedsync = await fedsyncSide(running, join(tmp.path, 'fedsync'), n);
      const gcloud = noGcloud ? undefined : await gcloudSide(running, tmp.path, n);
      const name = `commit-to-IP answering, ${n} clusters (load balancer + workloads)`;
      rows.push(
        gcloud === undefined
          ? { kind: 'skipped', name: `${name}: gcloud baseline`, reason: noGcloud! }
          : {
              kind: 'measured',
              name,
              seconds: fedsync.commitToIp,
              baseline: 'gcloud-demo-lb.sh (load balancer only)',
              baselineSeconds: gcloud,
              ratio: fedsync.commitToIp / gcloud,
            },
        {
          kind: 'measured',
          name: `no-op cycle, ${n} clusters + load balancer`,
          seconds: fedsync.noop,
          note: `${fedsync.noopReads} Google Cloud reads + ${fedsync.noopMutations} mutations`,
        },
      );
      if (gcloud === undefined)
        rows.push({
          kind: 'measured',
          name: `${name}: fedsync`,
          seconds: fedsync.commitToIp,
        });
    } finally {
      await running.stop();
      await tmp.remove();
    }
  }
  return rows;
}
