// Sync benchmark: push-to-converged, the no-op cycle and a one-object push (one ConfigMap edited on
// the converged federation) on the simulated federation, for 3 and 10 clusters × 500 objects,
// against the real `kubectl apply --server-side` per cluster in sequence (a CI script without
// fedsync) in the same run. Each side gets a fresh world from the same generated
// definition, so both start from empty clusters; requests come from the simulator's counters.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createFleet } from '../src/kube/fleet.js';
import { reconcileOnce } from '../src/agent/reconcile-once.js';
import type { ReconcileOutcome } from '../src/model/index.js';
import type { LoadedRepo } from '../src/source/load-repo.js';
import { createClusterClient } from '../src/kube/client-node.js';
import { createParseCache } from '../src/manifests/load.js';
import { openSource, readFederationAt } from '../src/source/read-federation.js';
import { startWorld } from '../src/sim/run-world.js';
import type { RunningWorld } from '../src/sim/run-world.js';
import type { World } from '../src/sim/world.js';
import { createRepo, tempDir, writeFiles } from '../test/helpers/git.js';
import { missingCommand } from './preconditions.js';
import {
  MANIFEST_DIR,
  assertNoWrites,
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

type Sides = { push: SideResult; noop: SideResult };
type FedsyncSides = Sides & { one: SideResult };

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

/**
 * fedsync as the long-lived agent runs it: the source, parse cache and fleet already exist and have
 * converged on the previous commit (the registrations, no manifests). Timed from the push of the
 * commit adding the manifests to the end of the reconcile that converged on it (fetch, read,
 * observe, plan, apply); then the same commit once more (the no-op cycle).
 */
async function fedsyncSide(world: World, dir: string, clusters: number): Promise<FedsyncSides> {
  const running = await startWorld({ world, outDir: join(dir, 'sim'), tickMs: 5 });
  try {
    const repo = await createRepo(dir, 'federation', syncRepoBase(clusters));
    const source = await openSource({ repo: repo.bare, cacheDir: join(dir, 'cache') });
    const cache = createParseCache();
    const read = async (): Promise<LoadedRepo> => {
      const { revision, result } = await readFederationAt(source, { cache });
      return { ...result, revision };
    };
    const before = await read();
    if (!before.ok) throw new Error(`generated repository is invalid: ${before.problems[0]?.message}`);
    const fleet = await createFleet({
      kubeconfigPath: running.files!.kubeconfig,
      registrations: before.value.clusters,
      federation: before.value.federation.name,
      createClient: ({ name, kubeconfigPath, context }) =>
        createClusterClient({ name, kubeconfigPath, context }),
    });
    try {
      mustConverge(
        'warm-up',
        await reconcileOnce({ read: () => Promise.resolve(before), targets: { cluster: fleet } }),
      );

      await repo.commit(`add ${OBJECTS} objects`, syncManifests(OBJECTS));
      const push = await measure(running, () => reconcileOnce({ read, targets: { cluster: fleet } }));
      mustConverge('push', push.value);

      const noop = await measure(running, () => reconcileOnce({ read, targets: { cluster: fleet } }));
      mustConverge('no-op', noop.value);
      assertNoWrites(`fedsync, ${clusters} clusters`, writesByCluster(running));

      await repo.commit('edit one object', oneObjectEdit(1));
      const one = await measure(running, () => reconcileOnce({ read, targets: { cluster: fleet } }));
      mustConverge('one-object push', one.value);
      if (one.value.counts?.update !== clusters) {
        throw new Error(
          `one-object push: expected ${clusters} updates, got ${JSON.stringify(one.value.counts)}`,
        );
      }
      return { push, noop, one };
    } finally {
      await fleet.stop();
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

const side = ({ seconds, reads, writes }: SideResult): SideResult => ({ seconds, reads, writes });

export async function run(): Promise<BenchRow[]> {
  const noKubectl = await missingCommand('kubectl', ['version', '--client']);
  const rows: BenchRow[] = [];
  for (const clusters of CLUSTER_COUNTS) {
    const tmp = await tempDir(`fedsync-bench-sync-${clusters}-`);
    try {
      const world = syncWorld(clusters);
      const fedsync = await fedsyncSide(world, join(tmp.path, 'fedsync'), clusters);
      const kubectl = noKubectl
        ? { skipped: noKubectl }
        : await kubectlSide(world, join(tmp.path, 'kubectl'));
      const pick = (s: Sides | { skipped: string }, k: keyof Sides) => ('skipped' in s ? s : side(s[k]));
      const base = { clusters, objects: OBJECTS };
      rows.push(
        ...pushRows({ ...base, fedsync: side(fedsync.push), kubectl: pick(kubectl, 'push') }),
        ...noopRows({ ...base, fedsync: side(fedsync.noop), kubectl: pick(kubectl, 'noop') }),
        ...oneObjectRows({ ...base, fedsync: side(fedsync.one), kubectl: pick(kubectl, 'noop') }),
      );
    } finally {
      await tmp.remove();
    }
  }
  return rows;
}
