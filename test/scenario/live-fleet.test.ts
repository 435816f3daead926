// The agent's long-lived fleet on the demo world: drift is found from the caches' watch events and
// corrected without a reconcile; a cluster that stops answering goes Offline after 3 failed probes
// and Ready after 1 success, and the next reconcile moves its replicas away and back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createFleet } from '../../src/kube/fleet.js';
import type { Fleet } from '../../src/kube/fleet.js';
import { reconcileOnce } from '../../src/agent/reconcile-once.js';
import type { HealthChange } from '../../src/kube/health.js';
import type { Drift, KubeObject } from '../../src/model/index.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';

let s: Scenario;
let fleet: Fleet;
const drifts: Drift[] = [];
const changes: HealthChange[] = [];
const read = () => readRepoDir('fixtures/repos/demo', join(s.dir, 'cache'));

before(async () => {
  s = await startScenario();
  const loaded = await read();
  assert.ok(loaded.ok);
  fleet = await createFleet({
    kubeconfigPath: s.world.files!.kubeconfig,
    registrations: loaded.value.clusters,
    federation: loaded.value.federation.name,
    createClient: s.createClient,
    live: { healthIntervalMs: 50, onDrift: (d) => drifts.push(d), onHealthChange: (c) => changes.push(c) },
  });
});
after(async () => {
  await fleet.stop();
  await s.stop();
});

function replicaSet(cluster: string): KubeObject & { spec: { replicas: number } } {
  const sim = s.world.cluster(cluster)!;
  return sim.store.get(sim.resource('apps/v1', 'ReplicaSet'), 'default', 'nginx') as KubeObject & {
    spec: { replicas: number };
  };
}

test('an edit by another manager is corrected from the watch, with no reconcile in between', async () => {
  assert.equal((await reconcileOnce({ read, targets: { cluster: fleet } })).status, 'converged');
  const sim = s.world.cluster('gce-us-central1c')!;
  const before = replicaSet('gce-us-central1c').spec.replicas;
  sim.api.patch(
    sim.resource('apps/v1', 'ReplicaSet'),
    'default',
    'nginx',
    { type: 'application/merge-patch+json', body: JSON.stringify({ spec: { replicas: 1 } }) },
    { fieldManager: 'kubectl-edit' },
  );
  await waitFor('the drift to be corrected', () => drifts.some((d) => d.correction === 'done'));
  const [drift] = drifts;
  assert.equal(drift?.cluster, 'gce-us-central1c');
  assert.equal(drift?.manager, 'kubectl-edit');
  assert.deepEqual(drift?.fields, [{ path: 'spec.replicas', from: 1, to: before }]);
  assert.equal(replicaSet('gce-us-central1c').spec.replicas, before);
});

test('down: Offline after 3 failed probes and the replicas move; up: Ready and they return', async () => {
  const down = 'gce-europe-west1b';
  const spread = () => ['gce-asia-east1a', 'gce-us-central1c'].map((c) => replicaSet(c).spec.replicas);
  const share = replicaSet(down).spec.replicas;
  const othersBefore = spread();
  await s.world.cluster(down)!.setFault({ fault: 'down' });
  await waitFor('Offline', () => changes.some((c) => c.cluster === down && c.health === 'Offline'));
  const moved = await reconcileOnce({ read, targets: { cluster: fleet } });
  assert.equal(moved.status, 'converged', JSON.stringify(moved.problems));
  assert.equal(
    spread().reduce((a, b) => a + b, 0),
    othersBefore.reduce((a, b) => a + b, 0) + share,
    'the Offline cluster share moved to the others',
  );
  await s.world.cluster(down)!.setFault({ fault: 'up' });
  await waitFor('Ready', () => changes.some((c) => c.cluster === down && c.health === 'Ready'));
  assert.equal((await reconcileOnce({ read, targets: { cluster: fleet } })).status, 'converged');
  assert.deepEqual(spread(), othersBefore, 'rebalance: true brings the replicas back');
  assert.equal(replicaSet(down).spec.replicas, share);
});
