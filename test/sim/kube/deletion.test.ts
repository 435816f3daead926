// Namespace termination with finalizers: the namespace stays Terminating (and refuses new content)
// while an object in it is held by a finalizer, and goes once that finalizer is removed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let core: k8s.CoreV1Api;

before(async () => {
  sim = await testCluster();
  core = kubeConfigFor(sim).makeApiClient(k8s.CoreV1Api);
});
after(() => sim.stop());

test('a namespace with a finalizer-held object stays Terminating until the finalizer goes', async () => {
  await core.createNamespace({ body: { metadata: { name: 'held-ns' } } });
  await core.createNamespacedConfigMap({
    namespace: 'held-ns',
    body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
  });
  await core.createNamespacedConfigMap({ namespace: 'held-ns', body: { metadata: { name: 'free' } } });
  await core.deleteNamespace({ name: 'held-ns' });

  const ns = await core.readNamespace({ name: 'held-ns' });
  assert.equal(ns.status?.phase, 'Terminating');
  assert.ok(ns.metadata?.deletionTimestamp);
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'held-ns', name: 'free' }), 404);
  const held = await core.readNamespacedConfigMap({ namespace: 'held-ns', name: 'held' });
  assert.ok(held.metadata?.deletionTimestamp, 'the held object is marked for deletion');
  const refused = await rejectsWith(
    core.createNamespacedConfigMap({ namespace: 'held-ns', body: { metadata: { name: 'late' } } }),
    403,
  );
  assert.equal(refused.reason, 'Forbidden');
  assert.match(refused.message ?? '', /because it is being terminated/);

  await core.patchNamespacedConfigMap(
    { namespace: 'held-ns', name: 'held', body: { metadata: { finalizers: null } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'held-ns', name: 'held' }), 404);
  await rejectsWith(core.readNamespace({ name: 'held-ns' }), 404);
});
