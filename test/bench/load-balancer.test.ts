// The load-balancer benchmark's pure parts: the generated world and repository are valid, one
// cluster per real zone, and the gcloud baseline gets the same clusters. Nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFederation } from '../../src/manifests/load.js';
import {
  LB_NODE_PORT,
  LB_PROJECT,
  MAX_LB_CLUSTERS,
  gcloudClusters,
  lbRepo,
  lbWorld,
} from '../../bench/load-balancer-fixtures.js';

test('the generated world has N clusters in N distinct zones and a simulated project', () => {
  for (const n of [3, 13]) {
    const world = lbWorld(n);
    assert.equal(world.clusters.length, n);
    assert.equal(new Set(world.clusters.map((c) => c.zone)).size, n);
    assert.equal(world.gcp?.project, LB_PROJECT);
  }
  assert.throws(() => lbWorld(MAX_LB_CLUSTERS + 1), /at most/);
});

test('the generated repository is a valid federation with the Ingress, its NodePort Service and workload', () => {
  const files = lbRepo(13);
  const loaded = loadFederation(Object.entries(files).map(([path, text]) => ({ path, text })));
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems.slice(0, 3)));
  assert.equal(loaded.value.clusters.length, 13);
  assert.equal(loaded.value.federation.gcp?.project, LB_PROJECT);
  assert.deepEqual(loaded.value.objects.map((o) => o.template.kind).sort(), [
    'Ingress',
    'ReplicaSet',
    'Service',
  ]);
  assert.match(files['web.yaml']!, new RegExp(`nodePort: ${LB_NODE_PORT}`));
  assert.equal(
    gcloudClusters(3),
    'lb-asia-east1-a:asia-east1-a lb-europe-west1-b:europe-west1-b lb-us-central1-c:us-central1-c',
  );
});
