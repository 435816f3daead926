// Sync benchmark: push-to-converged and the no-op cycle on the simulated federation, for 3 and 10
// clusters × 1,000 objects, against the real `kubectl apply --server-side` per cluster in sequence (a
// CI script without fedsync) in the same run. Each side gets a fresh world from the same generated
// definition, so both start from empty clusters; requests come from the simulator's counters. fedsync
// runs as the agent in its own process, as kubectl does, and this process serves the clusters. Then
// the one-object push (one ConfigMap edited on a converged federation, planned incrementally as the
// agent does) at 10 clusters × 500, 5,000 and 20,000 objects, on clusters seeded in-process, and
// how flat its time stays from the smallest to the largest.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { PlanMode } from '../src/agent/plan-mode.js';
import { createParseCache } from '../src/manifests/load.js';
import { openSource, readFederationAt } from '../src/source/read-federation.js';
import { startWorld } from '../src/sim/run-world.js';
import type { RunningWorld } from '../src/sim/run-world.js';
import type { World } from '../src/sim/world.js';
import { createRepo, writeFiles } from '../test/helpers/git.js';
import { withCpuProfile } from './cpu-profile.js';
import { missingCommand } from './preconditions.js';
import { seedWorld } from './seed.js';
import { startAgentProcess } from './agent-process.js';
import type { ChildMemory, ChildReconcile } from './agent-process.js';
import {
  MANIFEST_DIR,
  assertNoWrites,
  flatnessRow,
  noopRows,
  oneObjectEdit,
  oneObjectRows,
  pushRows,
  syncManifests,
  syncRepoBase,
  syncWorld,
} from './sync-fixtures.js';
import type { SideResult } from './sync-fixtures.js';
import type { BenchRow } from './types.js';

const exec = promisify(execFile);
const CLUSTER_COUNTS = [3, 10] as const;
const OBJECTS = 1000;
/** Federation sizes (objects per cluster) of the one-object push, at 10 clusters. */
// The largest stays under the repository limit of 20,000 manifest files (one object per file here).
export const SCALE_OBJECTS = [500, 5000, 19900] as const;

/**
 * FEDSYNC_BENCH_PUSH_SIZES=500,5000: only the one-object push rows, at these sizes (profiling a
 * change without seeding 10 × 19,900 objects or running kubectl). Unset: every row, every size.
 */
function pushSizes(): readonly number[] | undefined {
  const raw = process.env.FEDSYNC_BENCH_PUSH_SIZES;
  if (!raw) return undefined;
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`FEDSYNC_BENCH_PUSH_SIZES must be positive integers separated by commas, not ${raw}`);
  return sizes;
}
const SCALE_CLUSTERS = 10;
/** One-object pushes per size; the fastest counts (slower ones measure the neighbours). */
const ROUNDS = 3;

type Sides = { push: SideResult; noop: SideResult };

/** Request counts summed over every cluster since the last reset (reads include discovery). */
function requests(world: RunningWorld): { reads: number; writes: number } {
  let reads = 0;
  let writes = 0;
  for (const c of world.clusters) {
    const s = c.counters.snapshot();
    reads += s.total - s.writes;
    writes += s.writes;
  }
  return { reads, writes };
}

const writesByCluster = (world: RunningWorld): Record<string, number> =>
  Object.fromEntries(world.clusters.map((c) => [c.name, c.counters.snapshot().writes]));

async function quiet(world: RunningWorld): Promise<void> {
  await Promise.all(world.clusters.map((c) => c.settle()));
  for (const c of world.clusters) c.counters.reset();
}

/** Runs `fn`, returns its seconds and the requests it caused. */
/**
 * CPU seconds of the finished child processes this process waited for (kubectl runs), from Linux's
 * /proc/self/stat (cutime + cstime, in clock ticks of 1/100 s); undefined where there is none.
 */
async function childrenCpuSeconds(): Promise<number | undefined> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of the file; the slice starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn`, returns its seconds, the requests it caused, and the CPU seconds of this process (the
 * simulated clusters) and of the child processes that ended meanwhile (kubectl).
 */
async function measure<T>(
  world: RunningWorld,
  fn: () => Promise<T>,
): Promise<SideResult & { value: T; children?: number }> {
  await quiet(world);
  const childrenBefore = await childrenCpuSeconds();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const childrenAfter = await childrenCpuSeconds();
  const clusters = (cpu.user + cpu.system) / 1e6;
  const children =
    childrenBefore !== undefined && childrenAfter !== undefined ? childrenAfter - childrenBefore : undefined;
  return {
    seconds,
    ...requests(world),
    value,
    cpu: { client: children ?? 0, clusters },
    ...(children !== undefined ? { children } : {}),
  };
}

/**
 * With FEDSYNC_BENCH_SIM_PROFILE=<dir>, `fn` is CPU-profiled in this process (the simulated
 * clusters' side of a push) into `<dir>/<name>.cpuprofile`.
 */
async function profiledHere<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.FEDSYNC_BENCH_SIM_PROFILE;
  return dir ? withCpuProfile(dir, name, fn) : fn();
}

/**
 * fedsync as the long-lived agent runs it, in its own process (bench/agent-child.ts) as kubectl runs
 * in its own, while this process serves the simulated clusters: the source, parse cache and fleet
 * already exist and have converged on the previous commit (the registrations, no manifests). Timed
 * from the push of the commit adding the manifests to the end of the reconcile that converged on it
 * (fetch, read, observe, plan, apply); then the same commit once more (the no-op cycle).
 */
async function fedsyncSide(
  world: World,
  dir: string,
  clusters: number,
  agentEnv?: NodeJS.ProcessEnv,
): Promise<Sides> {
  const running = await startWorld({ world, outDir: join(dir, 'sim'), tickMs: 5 });
  try {
    const repo = await createRepo(dir, 'federation', syncRepoBase(clusters));
    const agent = await startAgentProcess({
      kubeconfig: running.files!.kubeconfig,
      repo: repo.bare,
      cacheDir: join(dir, 'cache'),
      ...(agentEnv ? { env: agentEnv } : {}),
    });
    try {
      childConverged('warm-up', await agent.reconcile());
      await repo.commit(`add ${OBJECTS} objects`, syncManifests(OBJECTS));
      const push = await measure(running, () =>
        profiledHere(`sim-push-${clusters}`, () => agent.reconcile()),
      );
      childConverged('push', push.value);
      const noop = await measure(running, () => agent.reconcile());
      childConverged('no-op', noop.value);
      assertNoWrites(`fedsync, ${clusters} clusters`, writesByCluster(running));
      const own = (m: typeof push): SideResult => ({
        ...m,
        cpu: { client: m.value.cpuSeconds, clusters: m.cpu!.clusters },
      });
      return { push: own(push), noop: own(noop) };
    } finally {
      await agent.stop();
    }
  } finally {
    await running.stop();
  }
}

export type ScaleResult = {
  best: SideResult;
  mode: string;
  seedSeconds: number;
  firstSeconds: number;
  /** The agent process after the pushes (two full garbage collections first). */
  memory: ChildMemory;
};

const modeText = (m: PlanMode | undefined): string =>
  !m
    ? 'not planned'
    : m.mode === 'incremental'
      ? `incremental, ${m.replanned} re-planned`
      : `full (${m.why})`;

function childConverged(label: string, r: ChildReconcile): void {
  if (r.status !== 'converged')
    throw new Error(`${label}: reconcile ended ${r.status}: ${r.problems.join('; ') || 'no problem given'}`);
}

/**
 * The one-object push on a converged federation of SCALE_CLUSTERS × `objects`, with the agent in its
 * own process: the clusters are seeded in-process with what fedsync would have applied, the agent's
 * first reconcile finds all of it unchanged (a full plan; it records the inventory), then `rounds`
 * commits each edit one ConfigMap. Each must end with one update per cluster and nothing else.
 */
export async function oneObjectAtScale(
  dir: string,
  objects: number,
  options: { rounds?: number; agentEnv?: NodeJS.ProcessEnv } = {},
): Promise<ScaleResult> {
  const rounds = options.rounds ?? ROUNDS;
  const clusters = SCALE_CLUSTERS;
  const running = await startWorld({ world: syncWorld(clusters), outDir: join(dir, 'sim'), tickMs: 5 });
  try {
    const repo = await createRepo(dir, 'federation', {
      ...syncRepoBase(clusters),
      ...syncManifests(objects),
    });
    const source = await openSource({ repo: repo.bare, cacheDir: join(dir, 'seed-cache') });
    const { result } = await readFederationAt(source, { cache: createParseCache() });
    if (!result.ok) throw new Error(`generated repository is invalid: ${result.problems[0]?.message}`);
    let t = performance.now();
    await seedWorld(running, result.value);
    const seedSeconds = (performance.now() - t) / 1000;
    const agent = await startAgentProcess({
      kubeconfig: running.files!.kubeconfig,
      repo: repo.bare,
      cacheDir: join(dir, 'cache'),
      ...(options.agentEnv ? { env: options.agentEnv } : {}),
    });
    try {
      await quiet(running);
      t = performance.now();
      const first = await agent.reconcile();
      childConverged('first reconcile of the seeded federation', first);
      const firstSeconds = (performance.now() - t) / 1000;
      const done: (SideResult & { mode: string })[] = [];
      for (let round = 1; round <= rounds; round++) {
        await repo.commit(`edit one object (${round})`, oneObjectEdit(round));
        await quiet(running);
        const one = await agent.reconcile();
        childConverged(`one-object push ${round}`, one);
        if (one.counts?.update !== clusters) {
          throw new Error(
            `one-object push at ${objects} objects: expected ${clusters} updates, got ${JSON.stringify(one.counts)}`,
          );
        }
        done.push({ seconds: one.seconds, ...requests(running), mode: modeText(one.mode) });
      }
      const best = done.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      return {
        best: side(best),
        mode: best.mode,
        seedSeconds,
        firstSeconds,
        memory: await agent.memory(),
      };
    } finally {
      await agent.stop();
    }
  } finally {
    await running.stop();
  }
}

/** The baseline: `kubectl apply --server-side -R -f apps/` to each cluster in turn, twice. */
async function kubectlSide(world: World, dir: string): Promise<Sides> {
  const running = await startWorld({ world, outDir: join(dir, 'sim-kubectl'), tickMs: 5 });
  try {
    const manifests = join(dir, 'manifests');
    await writeFiles(manifests, syncManifests(OBJECTS));
    const home = join(dir, 'kubectl-home');
    await mkdir(home, { recursive: true });
    const env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: running.files!.kubeconfig };
    const applyAll = async (): Promise<void> => {
      for (const c of running.clusters) {
        await exec(
          'kubectl',
          [
            `--context=${c.name}`,
            'apply',
            '--server-side',
            '--field-manager=ci',
            '-R',
            '-f',
            join(manifests, MANIFEST_DIR),
          ],
          { env, maxBuffer: 64 << 20, timeout: 300_000 },
        );
      }
    };
    // Without /proc (not Linux) kubectl's CPU is unknown: no CPU split then.
    const kubectlCpu = (m: SideResult & { children?: number }): SideResult => {
      const { cpu, children, ...rest } = m;
      return children !== undefined && cpu ? { ...rest, cpu } : rest;
    };
    const push = kubectlCpu(await measure(running, applyAll));
    const noop = kubectlCpu(await measure(running, applyAll));
    return { push, noop };
  } finally {
    await running.stop();
  }
}

/**
 * A temporary directory. Its removal retries: git starts a background `gc --auto` after a commit of
 * thousands of files, which may still be writing into the repository when the suite cleans up.
 */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 }) };
}

const side = ({ seconds, reads, writes, cpu }: SideResult): SideResult => ({
  seconds,
  reads,
  writes,
  ...(cpu ? { cpu } : {}),
});

type Skipped = { skipped: string };

/**
 * Push-to-converged and the no-op cycle at `clusters` × OBJECTS: fedsync, then (unless told why not)
 * kubectl, each on a fresh world from the same definition. `agentEnv` reaches the agent process
 * (FEDSYNC_BENCH_CPU_PROFILE, for one).
 */
export async function pushToConverged(
  clusters: number,
  options: { kubectl: true | Skipped; agentEnv?: NodeJS.ProcessEnv },
): Promise<{ fedsync: Sides; kubectl: Sides | Skipped }> {
  const tmp = await tempDir(`fedsync-bench-sync-${clusters}-`);
  try {
    const world = syncWorld(clusters);
    const fedsync = await fedsyncSide(world, join(tmp.path, 'fedsync'), clusters, options.agentEnv);
    const kubectl =
      options.kubectl === true ? await kubectlSide(world, join(tmp.path, 'kubectl')) : options.kubectl;
    return { fedsync, kubectl };
  } finally {
    await tmp.remove();
  }
}

export async function run(): Promise<BenchRow[]> {
  const noKubectl = await missingCommand('kubectl', ['version', '--client']);
  const rows: BenchRow[] = [];
  let kubectlTree: SideResult | Skipped = { skipped: noKubectl ?? 'not measured' };
  const chosen = pushSizes();
  for (const clusters of chosen ? [] : CLUSTER_COUNTS) {
    const r = await pushToConverged(clusters, { kubectl: noKubectl ? { skipped: noKubectl } : true });
    const pick = (s: Sides | Skipped, k: keyof Sides) => ('skipped' in s ? s : side(s[k]));
    if (clusters === SCALE_CLUSTERS) kubectlTree = pick(r.kubectl, 'noop');
    const base = { clusters, objects: OBJECTS };
    rows.push(
      ...pushRows({ ...base, fedsync: side(r.fedsync.push), kubectl: pick(r.kubectl, 'push') }),
      ...noopRows({ ...base, fedsync: side(r.fedsync.noop), kubectl: pick(r.kubectl, 'noop') }),
    );
  }
  const scale: { objects: number; seconds: number }[] = [];
  for (const objects of chosen ?? SCALE_OBJECTS) {
    const tmp = await tempDir(`fedsync-bench-scale-${objects}-`);
    try {
      const r = await oneObjectAtScale(tmp.path, objects);
      scale.push({ objects, seconds: r.best.seconds });
      rows.push(
        ...oneObjectRows({
          clusters: SCALE_CLUSTERS,
          objects,
          fedsync: r.best,
          kubectl: kubectlTree,
          baselineObjects: OBJECTS,
          mode: `${r.mode}; fastest of ${ROUNDS}; seeded in ${r.seedSeconds.toFixed(1)} s, first reconcile ${r.firstSeconds.toFixed(1)} s`,
        }),
      );
    } finally {
      await tmp.remove();
    }
  }
  rows.push(flatnessRow({ clusters: SCALE_CLUSTERS, small: scale[0]!, large: scale[scale.length - 1]! }));
  return rows;
}
