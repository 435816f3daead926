// Sync benchmark: push-to-converged and the no-op cycle on the simulated federation, for 3 and 10
// clusters × 500 objects, against the real `kubectl apply --server-side` per cluster in sequence (a
// CI script without fedsync) in the same run. Each side gets a fresh world from the same generated
// definition, so both start from empty clusters; requests come from the simulator's counters. Then
// the one-object push (one ConfigMap edited on a converged federation, planned incrementally as the
// agent does) at 10 clusters × 500, 5,000 and 20,000 objects, on clusters seeded in-process, and
// how flat its time stays from the smallest to the largest.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createFleet } from '../src/kube/fleet.js';
import { reconcileOnce } from '../src/agent/reconcile-once.js';
import { createCyclePlanner } from '../src/agent/plan-mode.js';
import type { PlanMode } from '../src/agent/plan-mode.js';
import type { ReconcileOutcome } from '../src/model/index.js';
import type { LoadedRepo } from '../src/source/load-repo.js';
import { createClusterClient } from '../src/kube/client-node.js';
import { createParseCache } from '../src/manifests/load.js';
import { openSource, readFederationAt } from '../src/source/read-federation.js';
import { repoReader } from './repo-reader.js';
import { startWorld } from '../src/sim/run-world.js';
import type { RunningWorld } from '../src/sim/run-world.js';
import type { World } from '../src/sim/world.js';
import { createRepo, writeFiles } from '../test/helpers/git.js';
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
const OBJECTS = 500;
/** Federation sizes (objects per cluster) of the one-object push, at 10 clusters. */
// The largest stays under the repository limit of 20,000 manifest files (one object per file here).
export const SCALE_OBJECTS = [500, 5000, 19900] as const;
/** FEDSYNC_BENCH_PUSH_SIZES=500,5000: only the one-object push rows, at these sizes. */
const PUSH_SIZES = process.env.FEDSYNC_BENCH_PUSH_SIZES?.split(',')
  .map(Number)
  .filter((n) => n > 0);
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
async function measure<T>(world: RunningWorld, fn: () => Promise<T>): Promise<SideResult & { value: T }> {
  await quiet(world);
  const started = performance.now();
  const value = await fn();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, ...requests(world), value };
}

function mustConverge(label: string, outcome: ReconcileOutcome): void {
  if (outcome.status === 'converged') return;
  const problems = outcome.problems.map((p) => `${p.code}: ${p.message}`).slice(0, 3);
  throw new Error(
    `${label}: reconcile ended ${outcome.status}: ${problems.join('; ') || 'no problem given'}`,
  );
}

/** fedsync as the long-lived agent holds it: source, parse cache, fleet and cycle planner stay open. */
type Agent = {
  repo: Awaited<ReturnType<typeof createRepo>>;
  read: () => Promise<LoadedRepo>;
  /** One reconcile of the newest commit, planned as the agent plans it (incrementally when it can). */
  reconcile: () => Promise<ReconcileOutcome>;
  lastMode: () => PlanMode | undefined;
  stop: () => Promise<void>;
};

async function openAgent(
  running: RunningWorld,
  dir: string,
  files: Record<string, string>,
  seed?: (repo: LoadedRepo & { ok: true }) => Promise<void>,
): Promise<Agent> {
  const repo = await createRepo(dir, 'federation', files);
  const source = await openSource({ repo: repo.bare, cacheDir: join(dir, 'cache') });
  const read = repoReader(source);
  const first = await read();
  if (!first.ok) throw new Error(`generated repository is invalid: ${first.problems[0]?.message}`);
  await seed?.(first);
  const fleet = await createFleet({
    kubeconfigPath: running.files!.kubeconfig,
    registrations: first.value.clusters,
    federation: first.value.federation.name,
    createClient: ({ name, kubeconfigPath, context }) =>
      createClusterClient({ name, kubeconfigPath, context }),
  });
  const cycle = createCyclePlanner();
  let mode: PlanMode | undefined;
  let pending: LoadedRepo | undefined = first;
  // The first reconcile uses the read above: the agent's first cycle reads once too.
  const readOnce = (): Promise<LoadedRepo> => {
    const r = pending;
    pending = undefined;
    return r ? Promise.resolve(r) : read();
  };
  return {
    repo,
    read,
    reconcile: () =>
      reconcileOnce({
        read: readOnce,
        targets: { cluster: fleet },
        planner: { cycle, onPlanned: (m) => (mode = m) },
      }),
    lastMode: () => mode,
    stop: () => fleet.stop(),
  };
}

/**
 * fedsync as the long-lived agent runs it: the source, parse cache and fleet already exist and have
 * converged on the previous commit (the registrations, no manifests). Timed from the push of the
 * commit adding the manifests to the end of the reconcile that converged on it (fetch, read,
 * observe, plan, apply); then the same commit once more (the no-op cycle).
 */
async function fedsyncSide(world: World, dir: string, clusters: number): Promise<Sides> {
  const running = await startWorld({ world, outDir: join(dir, 'sim'), tickMs: 5 });
  try {
    const agent = await openAgent(running, dir, syncRepoBase(clusters));
    try {
      mustConverge('warm-up', await agent.reconcile());
      await agent.repo.commit(`add ${OBJECTS} objects`, syncManifests(OBJECTS));
      const push = await measure(running, agent.reconcile);
      mustConverge('push', push.value);
      const noop = await measure(running, agent.reconcile);
      mustConverge('no-op', noop.value);
      assertNoWrites(`fedsync, ${clusters} clusters`, writesByCluster(running));
      return { push, noop };
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
    const push = await measure(running, applyAll);
    const noop = await measure(running, applyAll);
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

const side = ({ seconds, reads, writes }: SideResult): SideResult => ({ seconds, reads, writes });

export async function run(): Promise<BenchRow[]> {
  const noKubectl = await missingCommand('kubectl', ['version', '--client']);
  const rows: BenchRow[] = [];
  type Skipped = { skipped: string };
  let kubectlTree: SideResult | Skipped = { skipped: noKubectl ?? 'not measured' };
  for (const clusters of PUSH_SIZES?.length ? [] : CLUSTER_COUNTS) {
    const tmp = await tempDir(`fedsync-bench-sync-${clusters}-`);
    try {
      const world = syncWorld(clusters);
      const fedsync = await fedsyncSide(world, join(tmp.path, 'fedsync'), clusters);
      const kubectl = noKubectl
        ? { skipped: noKubectl }
        : await kubectlSide(world, join(tmp.path, 'kubectl'));
      const pick = (s: Sides | Skipped, k: keyof Sides) => ('skipped' in s ? s : side(s[k]));
      if (clusters === SCALE_CLUSTERS) kubectlTree = pick(kubectl, 'noop');
      const base = { clusters, objects: OBJECTS };
      rows.push(
        ...pushRows({ ...base, fedsync: side(fedsync.push), kubectl: pick(kubectl, 'push') }),
        ...noopRows({ ...base, fedsync: side(fedsync.noop), kubectl: pick(kubectl, 'noop') }),
      );
    } finally {
      await tmp.remove();
    }
  }
  const scale: { objects: number; seconds: number }[] = [];
  for (const objects of PUSH_SIZES?.length ? PUSH_SIZES : SCALE_OBJECTS) {
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
