// Adopt, then remove from Git, against the simulator through @kubernetes/client-node: the object a
// person made is released (fedsync's labels, annotation and field ownership gone) and keeps every
// field; the object fedsync created is deleted; the inventory forgets both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { applyClusterPlan } from '../../src/kube/apply.js';
import { readInventoryState, writeInventory } from '../../src/kube/inventory.js';
import { orphanPatch } from '../../src/kube/orphan.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import { ANNOTATION_SOURCE, LABEL_FEDERATION, clusterPlans, refKey, refOf } from '../../src/model/index.js';
import type { FederatedObject, KubeObject, ObservedCluster } from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { configMap, fedObject, registration, repo } from '../helpers/federation.js';
import { kubeConfigFor } from '../sim/kube/helpers.js';
import { simClient, testCluster } from './helpers.js';

let sim: SimCluster;
let client: ClusterClient;
let core: k8s.CoreV1Api;

before(async () => {
  sim = await testCluster();
  client = simClient(sim);
  core = kubeConfigFor(sim).makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
});
after(() => sim.stop());

/** What observe would see for these objects (by ref) and the inventory. */
async function observe(wanted: KubeObject[]): Promise<ObservedCluster> {
  const state = await readInventoryState(client, 'demo');
  const objects: Record<string, KubeObject> = {};
  for (const o of wanted) {
    const live = await client.get({ ...refOf(o), apiVersion: o.apiVersion });
    if (live) objects[refKey(refOf(o))] = live;
  }
  return {
    name: sim.name,
    health: 'Ready',
    objects,
    inventory: state?.keys ?? null,
    ...(state?.adopted.length ? { adopted: state.adopted } : {}),
    workloads: {},
  };
}

async function reconcile(objects: FederatedObject[], watched: KubeObject[], sha: string) {
  const cluster = await observe(watched);
  const p = planRevision({
    revision: { sha },
    repo: repo({ clusters: [registration(sim.name)], objects }),
    clusters: [cluster],
    now: '2026-01-01T00:00:00Z',
  });
  const plan = clusterPlans(p)[0]!;
  const result = await applyClusterPlan({
    plan,
    federation: 'demo',
    client,
    inventory: { keys: cluster.inventory ?? [], adopted: cluster.adopted ?? [] },
    writeInventory: (c, change) => writeInventory(c, 'demo', change).then(() => {}),
  });
  return { plan, result };
}

test('a hand-made object adopted then removed from Git is orphaned and kept; a created one is deleted', async () => {
  await core.createNamespacedConfigMap({
    namespace: 'shop',
    body: { metadata: { name: 'by-hand', labels: { team: 'a' } }, data: { mine: 'x', shared: 'old' } },
    fieldManager: 'kubectl-create',
  });
  const byHand = configMap('shop', 'by-hand', { shared: 'git', gitOnly: 'y' });
  const created = configMap('shop', 'created');
  const stays = configMap('shop', 'stays');
  const all = [byHand, created, stays];

  const first = await reconcile(
    all.map((o) => fedObject(o)),
    all,
    'c1',
  );
  assert.deepEqual(
    first.plan.actions.map((a) => `${a.action} ${a.ref.name}`),
    ['adopt by-hand', 'create created', 'create stays'],
  );
  assert.equal(first.result.error, undefined);
  assert.deepEqual((await readInventoryState(client, 'demo'))?.adopted, [refKey(refOf(byHand))]);

  const second = await reconcile([fedObject(stays)], all, 'c2');
  assert.deepEqual(
    second.plan.actions.map((a) => `${a.action} ${a.ref.name}`),
    ['unchanged stays', 'orphan by-hand', 'delete created'],
  );
  assert.deepEqual(
    second.result.results.map((r) => `${r.action} ${r.outcome}`),
    ['unchanged noop', 'orphan done', 'delete done'],
  );

  const kept = await core.readNamespacedConfigMap({ namespace: 'shop', name: 'by-hand' });
  assert.deepEqual(kept.data, { mine: 'x', shared: 'git', gitOnly: 'y' }, 'no field is removed');
  assert.deepEqual(kept.metadata?.labels, { team: 'a' }, "only fedsync's labels go");
  assert.equal(kept.metadata?.annotations?.[ANNOTATION_SOURCE], undefined);
  assert.deepEqual(
    (kept.metadata?.managedFields ?? []).map((m) => m.manager),
    ['kubectl-create'],
    'fedsync owns no field of it any more',
  );
  await assert.rejects(core.readNamespacedConfigMap({ namespace: 'shop', name: 'created' }));
  const inventory = await readInventoryState(client, 'demo');
  assert.deepEqual(inventory?.keys, [refKey(refOf(stays))]);
  assert.deepEqual(inventory?.adopted, []);

  const third = await reconcile([fedObject(stays)], all, 'c3');
  assert.deepEqual(
    third.plan.actions.map((a) => `${a.action} ${a.ref.name}`),
    ['unchanged stays'],
    'once released, it is not fedsync’s to plan for',
  );
});

test('orphanPatch leaves an object of another federation alone', () => {
  const theirs: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'shop', labels: { [LABEL_FEDERATION]: 'other' } },
  };
  assert.equal(orphanPatch(theirs, 'demo'), undefined);
});
