// A simulated world plus a fleet over it, for multi-step scenario tests: ephemeral ports, a temp
// directory for kubeconfig/sim.json, small controller ticks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FederationRepo } from '../../src/model/index.js';
import { startWorld } from '../../src/sim/run-world.js';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { readWorld } from '../../src/sim/world.js';
import { createFleet } from '../../src/kube/fleet.js';
import type { ClientFactory, Fleet, FleetOptions } from '../../src/kube/fleet.js';
import { reconcileOnce } from '../../src/agent/reconcile-once.js';
import type { ReconcileOutcome } from '../../src/model/index.js';
import { readFederation } from '../../src/source/read-federation.js';
import type { LoadedRepo } from '../../src/source/load-repo.js';
import { createClusterClient } from '../../src/kube/client-node.js';

export type Scenario = {
  world: RunningWorld;
  dir: string;
  createClient: ClientFactory;
  fleetFor(
    repo: FederationRepo,
    options?: Partial<Pick<FleetOptions, 'createClient' | 'drift'>>,
  ): Promise<Fleet>;
  /** One reconcile of the repository directory (read fresh each time). */
  reconcile(repoDir: string, options?: { fleet?: Fleet }): Promise<ReconcileOutcome>;
  /** Writes (create/update/patch/delete) every cluster received since the last reset. */
  writes(): Record<string, number>;
  resetCounters(): void;
  stop(): Promise<void>;
};

export async function readRepoDir(repoDir: string, cacheDir: string): Promise<LoadedRepo> {
  const { revision, result } = await readFederation({ repo: repoDir, cacheDir });
  return { ...result, revision };
}

export async function startScenario(worldFile = 'fixtures/worlds/demo.yaml'): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-scenario-'));
  const world = await startWorld({ world: await readWorld(worldFile), outDir: join(dir, 'sim'), tickMs: 5 });
  // The real adapter (client-node), with short timeouts and backoff so fault tests stay fast.
  const createClient: ClientFactory = ({ name, kubeconfigPath, context }) =>
    createClusterClient({
      name,
      kubeconfigPath,
      context,
      timeoutMs: 1500,
      retry: { baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 200 },
    });
  // Every fleet holds watches open: all are stopped with the scenario.
  const fleets: Fleet[] = [];
  const fleetFor = async (
    repo: FederationRepo,
    options: Partial<Pick<FleetOptions, 'createClient' | 'drift'>> = {},
  ): Promise<Fleet> => {
    const fleet = await createFleet({
      kubeconfigPath: world.files!.kubeconfig,
      registrations: repo.clusters,
      federation: repo.federation.name,
      createClient,
      probeIntervalMs: 10,
      ...options,
    });
    fleets.push(fleet);
    return fleet;
  };
  return {
    world,
    dir,
    createClient,
    fleetFor,
    async reconcile(repoDir, options = {}) {
      const loaded = await readRepoDir(repoDir, join(dir, 'cache'));
      const fleet =
        options.fleet ??
        (loaded.ok
          ? await fleetFor(loaded.value)
          : {
              clients: new Map(),
              missingContexts: [],
              observe: () => Promise.resolve([]),
              apply: () => Promise.reject(new Error('a repository with problems is never applied')),
              takeDrift: () => [],
              stop: () => Promise.resolve(),
            });
      try {
        const outcome = await reconcileOnce({
          read: () => Promise.resolve(loaded),
          targets: { cluster: fleet },
        });
        await Promise.all(world.clusters.map((c) => c.settle()));
        return outcome;
      } finally {
        // A fleet made for this one reconcile is one-shot, like `fedsync apply`.
        if (!options.fleet) await fleet.stop();
      }
    },
    writes() {
      return Object.fromEntries(world.clusters.map((c) => [c.name, c.counters.snapshot().writes]));
    },
    resetCounters() {
      for (const c of world.clusters) c.counters.reset();
    },
    async stop() {
      for (const fleet of fleets) await fleet.stop();
      await world.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
