// Failure on the demo world with a small repository: a cluster goes down (its replicas move to the
// others, nothing is touched there) and comes back (rebalanced); 429/5xx/latency/hang faults end in
// convergence once reconciles repeat; a reconcile killed in the middle of apply, then a fresh one,
// converges with no duplicates and a complete inventory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { KubeObject } from '../../src/model/index.js';
import type { ClientFactory } from '../../src/kube/fleet.js';
import { reconcileOnce } from '../../src/agent/reconcile-once.js';
import { readInventory } from '../../src/kube/inventory.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';

let s: Scenario;
let repoDir: string;
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];

const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
  namespace: default
  annotations:
    federation.kubernetes.io/replica-set-preferences: '{"rebalance": true, "clusters": {"*": {"weight": 1}}}'
spec:
  replicas: 6
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "nginx:1.27" }] }
`;

before(async () => {
  s = await startScenario();
  repoDir = join(s.dir, 'repo');
  const files: Record<string, string> = { 'apps/web.yaml': rs };
  for (const c of CLUSTERS)
    files[`clusters/${c}.yaml`] =
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${c}\nspec:\n  kubeconfigContext: ${c}\n`;
  for (let i = 0; i < 20; i++)
    files[`config/cm-${i}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\ndata:\n  i: "${i}"\n`;
  await writeFiles(repoDir, files);
});
after(() => s.stop());

function replicas(): Record<string, number | undefined> {
  return Object.fromEntries(
    CLUSTERS.map((c) => {
      const sim = s.world.cluster(c)!;
      const obj = sim.store.get(sim.resource('apps/v1', 'ReplicaSet'), 'default', 'web') as
        { spec: { replicas: number } } | undefined;
      return [c, obj?.spec.replicas];
    }),
  );
}

/** Reconciles until one converges with every cluster observed (none taken for Offline). */
async function untilConverged(max: number): Promise<number> {
  for (let i = 1; i <= max; i++) {
    const out = await s.reconcile(repoDir);
    if (out.status === 'converged' && out.targets.every((c) => !c.skipped)) return i;
  }
  return -1;
}

test('a cluster goes down: its replicas move; it comes back: rebalanced', async () => {
  const first = await s.reconcile(repoDir);
  assert.equal(first.status, 'converged', JSON.stringify(first.problems));
  assert.deepEqual(replicas(), { 'gce-asia-east1a': 2, 'gce-europe-west1b': 2, 'gce-us-central1c': 2 });

  await s.world.cluster('gce-us-central1c')!.setFault({ fault: 'down' });
  const down = await s.reconcile(repoDir);
  assert.ok(down.problems.some((p) => p.code === 'cluster.offline' && p.cluster === 'gce-us-central1c'));
  assert.equal(down.targets.find((c) => c.name === 'gce-us-central1c')?.skipped, 'offline');
  await s.world.cluster('gce-us-central1c')!.setFault({ fault: 'up' });
  // Nothing was written there while it was down: it still holds its old share.
  assert.deepEqual(replicas(), { 'gce-asia-east1a': 3, 'gce-europe-west1b': 3, 'gce-us-central1c': 2 });

  const back = await s.reconcile(repoDir);
  assert.equal(back.status, 'converged', JSON.stringify(back.problems));
  assert.deepEqual(replicas(), { 'gce-asia-east1a': 2, 'gce-europe-west1b': 2, 'gce-us-central1c': 2 });
});

test('429, 5xx and latency faults: repeated reconciles converge, then nothing is written', async () => {
  await writeFiles(repoDir, {
    'config/cm-0.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-0\n  namespace: default\ndata:\n  i: "changed"\n',
  });
  for (let i = 1; i < 20; i++)
    await writeFiles(repoDir, {
      [`config/cm-${i}.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\ndata:\n  i: "v2-${i}"\n`,
    });
  await s.world.cluster('gce-asia-east1a')!.setFault({ fault: 'errors', rate: 0.3, code: 429 });
  await s.world.cluster('gce-europe-west1b')!.setFault({ fault: 'errors', rate: 0.3, code: 503 });
  await s.world.cluster('gce-us-central1c')!.setFault({ fault: 'latency', ms: 20 });
  const rounds = await untilConverged(30);
  for (const c of CLUSTERS) await s.world.cluster(c)!.setFault({ fault: 'up' });
  assert.ok(rounds > 0, 'converged within 30 reconciles');
  s.resetCounters();
  assert.equal((await s.reconcile(repoDir)).status, 'converged');
  assert.deepEqual(s.writes(), Object.fromEntries(CLUSTERS.map((c) => [c, 0])));
});

test('a hanging cluster is left alone; the others converge; it catches up once it answers', async () => {
  await writeFiles(repoDir, {
    'config/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: default\n',
  });
  await s.world.cluster('gce-europe-west1b')!.setFault({ fault: 'hang' });
  const hung = await s.reconcile(repoDir);
  assert.equal(hung.targets.find((c) => c.name === 'gce-europe-west1b')?.skipped, 'offline');
  await s.world.cluster('gce-europe-west1b')!.setFault({ fault: 'up' });
  const has = (c: string): boolean => {
    const sim = s.world.cluster(c)!;
    return sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', 'extra') !== undefined;
  };
  assert.deepEqual(CLUSTERS.map(has), [true, false, true]);
  assert.equal((await s.reconcile(repoDir)).status, 'converged');
  assert.deepEqual(CLUSTERS.map(has), [true, true, true]);
});

/**
 * Clients that stop answering for good after `budget` writes in total: the process was killed.
 * `killed()` turns true once the budget is spent and every write that got through has landed.
 */
function killedAfter(
  createClient: ClientFactory,
  budget: number,
): { createClient: ClientFactory; killed: () => boolean } {
  let left = budget;
  let landing = 0;
  const never = new Promise<never>(() => {});
  const write = <T>(call: () => Promise<T>): Promise<T> => {
    if (left-- <= 0) return never;
    landing++;
    return call().finally(() => landing--);
  };
  return {
    createClient: (options) => {
      const c = createClient(options);
      return {
        ...c,
        apply: (o: KubeObject) => write(() => c.apply(o)),
        remove: (ref) => write(() => c.remove(ref)),
      };
    },
    killed: () => left <= 0 && landing === 0,
  };
}

test('killed in the middle of apply, then restarted: converges, no duplicates, inventory complete', async () => {
  for (let i = 0; i < 20; i++)
    await writeFiles(repoDir, {
      [`config/cm-${i}.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\ndata:\n  i: "v3-${i}"\n`,
    });
  await writeFiles(repoDir, {
    'config/late.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n  namespace: default\n',
  });
  const loaded = await readRepoDir(repoDir, join(s.dir, 'cache'));
  assert.ok(loaded.ok);
  // Inventory writes go through the same clients, so they count against the budget too.
  const killed = killedAfter(s.createClient, 25);
  const fleet = await s.fleetFor(loaded.value, { createClient: killed.createClient });
  // The run is abandoned half-way: its pending writes never finish.
  void reconcileOnce({ read: () => Promise.resolve(loaded), targets: { cluster: fleet } });
  await waitFor('the abandoned run to spend its 25 writes', killed.killed, { timeoutMs: 15_000 });

  const restarted = await s.reconcile(repoDir);
  assert.equal(restarted.status, 'converged', JSON.stringify(restarted.problems));
  for (const c of CLUSTERS) {
    const sim = s.world.cluster(c)!;
    const cms = sim.store
      .list(sim.resource('v1', 'ConfigMap'), 'default')
      .filter((o) => (o as KubeObject).metadata.labels?.['app.kubernetes.io/managed-by'] === 'fedsync');
    assert.equal(cms.length, 22, `${c}: 20 + extra + late, once each`);
    const inventory = await readInventory(fleet.clients.get(c)!, loaded.value.federation.name);
    assert.equal(inventory?.length, 23, `${c}: every ConfigMap and the ReplicaSet`);
  }
  s.resetCounters();
  assert.equal((await s.reconcile(repoDir)).status, 'converged');
  assert.deepEqual(s.writes(), Object.fromEntries(CLUSTERS.map((c) => [c, 0])));
});
