// The apply verb against in-memory clients: phase order and failure scope, held deletes, inventory
// crash safety, offline clusters, and no writes at all for a plan without changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ApplyObserver,
  ClusterPlan,
  KubeAction,
  KubeObject,
  TargetResult,
} from '../../src/model/index.js';
import { addCounts, countOutcomes, emptyCounts, refKey, refOf } from '../../src/model/index.js';
import { applyClusterPlan } from '../../src/kube/apply.js';
import type { InventoryWriter } from '../../src/kube/apply.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { configMap, namespace, service } from '../helpers/federation.js';
import { fakeClusterClient } from '../helpers/fake-cluster-client.js';

const ingress = (name: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default' },
});

const create = (o: KubeObject): KubeAction => ({
  action: 'create',
  ref: refOf(o),
  object: o,
  reason: 'test',
});
const del = (o: KubeObject, heldBy: string[] = []): KubeAction =>
  heldBy.length > 0
    ? { action: 'held', ref: refOf(o), apiVersion: o.apiVersion, reason: 'test', heldBy }
    : { action: 'delete', ref: refOf(o), apiVersion: o.apiVersion, reason: 'test' };
const unchanged = (o: KubeObject): KubeAction => ({ action: 'unchanged', ref: refOf(o), object: o });
const key = (o: KubeObject): string => refKey(refOf(o));

function cluster(name: string, fields: Pick<ClusterPlan, 'health' | 'actions' | 'inventory'>): ClusterPlan {
  return { kind: 'cluster', name, selfHeal: true, ...fields };
}

function harness(inventories: Record<string, string[] | null>) {
  const writes: { cluster: string; keys: string[] }[] = [];
  return {
    writes,
    inventories: new Map(Object.entries(inventories)),
    writeInventory: (client: ClusterClient, keys: string[]) => {
      writes.push({ cluster: client.name, keys });
      return Promise.resolve();
    },
  };
}

/** Every cluster plan through the apply verb, as the reconciler does. */
async function applyAll(options: {
  plans: ClusterPlan[];
  clients: Map<string, ClusterClient>;
  inventories: Map<string, string[] | null>;
  writeInventory: InventoryWriter;
  observer?: ApplyObserver;
}): Promise<{ ok: boolean; clusters: TargetResult[]; counts: ReturnType<typeof emptyCounts> }> {
  const clusters = await Promise.all(
    options.plans.map((plan) =>
      applyClusterPlan({
        plan,
        client: options.clients.get(plan.name),
        inventory: options.inventories.get(plan.name) ?? null,
        writeInventory: options.writeInventory,
        ...(options.observer ? { observer: options.observer } : {}),
      }),
    ),
  );
  const counts = clusters.reduce((sum, c) => addCounts(sum, countOutcomes(c.results)), emptyCounts());
  return {
    clusters,
    counts,
    ok: counts.failed === 0 && counts.notRun === 0 && clusters.every((c) => !c.error),
  };
}

test('a failed Service stops the Ingress of that cluster only; every result is reported', async () => {
  const svc = service('default', 'web');
  const cm = configMap('default', 'cfg');
  const ing = ingress('web');
  const a = fakeClusterClient('a');
  const b = fakeClusterClient('b');
  a.failing.add(key(svc));
  const actions = [create(cm), create(svc), create(service('default', 'other')), create(ing)];
  const h = harness({ a: [], b: [] });
  const inventory = actions.map((x) => refKey(x.ref)).sort();
  const result = await applyAll({
    plans: [
      cluster('a', { health: 'Ready', actions, inventory }),
      cluster('b', { health: 'Ready', actions, inventory }),
    ],
    clients: new Map([
      ['a', a],
      ['b', b],
    ]),
    ...h,
  });
  assert.equal(result.ok, false);
  const ra = result.clusters.find((c) => c.name === 'a')!;
  assert.deepEqual(
    ra.results.map((r) => [r.subject, r.outcome]),
    [
      ['ConfigMap/default/cfg', 'done'],
      ['Service/default/web', 'failed'],
      ['Service/default/other', 'done'],
      ['Ingress/default/web', 'notRun'],
    ],
  );
  assert.equal(ra.results[1]!.error?.code, 'kube.serverError');
  assert.ok(!a.calls.includes(`apply ${key(ing)}`));
  assert.ok(result.clusters.find((c) => c.name === 'b')!.results.every((r) => r.outcome === 'done'));
  assert.deepEqual(result.counts, { ...emptyCounts(), create: 6, failed: 1, notRun: 1 });
});

test('inventory: union before creates, plan inventory after deletes; blocked deletes stay recorded', async () => {
  const kept = configMap('default', 'kept');
  const gone = configMap('default', 'gone');
  const held = namespace('team');
  const added = configMap('default', 'added');
  const c = fakeClusterClient('a', [kept, gone, held]);
  const h = harness({ a: [key(kept), key(gone), key(held)] });
  const order: string[] = [];
  const result = await applyAll({
    plans: [
      cluster('a', {
        health: 'Ready',
        actions: [unchanged(kept), create(added), del(gone), del(held, ['guard.namespaceDelete'])],
        inventory: [key(added), key(held), key(kept)].sort(),
      }),
    ],
    clients: new Map([['a', c]]),
    ...h,
    writeInventory: (client, keys) => {
      order.push(`inventory ${keys.length}`);
      return h.writeInventory(client, keys);
    },
    observer: { actionFinished: (_t, r) => order.push(`${r.action} ${r.outcome}`) },
  });
  assert.equal(result.ok, true);
  assert.deepEqual(order, [
    'inventory 4',
    'unchanged noop',
    'create done',
    'delete done',
    'held noop',
    'inventory 3',
  ]);
  assert.deepEqual(h.writes[0]!.keys, [key(added), key(gone), key(held), key(kept)].sort());
  assert.deepEqual(h.writes[1]!.keys, [key(added), key(held), key(kept)].sort());
  assert.ok(c.objects.has(key(held)), 'a held delete never runs');
  assert.equal(result.counts.held, 1);
});

test('a failed delete stays in the inventory', async () => {
  const gone = configMap('default', 'gone');
  const c = fakeClusterClient('a', [gone]);
  c.failing.add(key(gone));
  const h = harness({ a: [key(gone)] });
  const result = await applyAll({
    plans: [cluster('a', { health: 'Ready', actions: [del(gone)], inventory: [] })],
    clients: new Map([['a', c]]),
    ...h,
  });
  assert.equal(result.ok, false);
  assert.deepEqual(h.writes, [], 'inventory unchanged: the failed delete is still recorded');
});

test('offline clusters get nothing; an unreadable inventory applies nothing', async () => {
  const cm = configMap('default', 'x');
  const a = fakeClusterClient('a');
  const b = fakeClusterClient('b');
  const h = harness({ a: [], b: null });
  const result = await applyAll({
    plans: [
      cluster('a', { health: 'Offline', actions: [], inventory: [] }),
      cluster('b', { health: 'Ready', actions: [create(cm)], inventory: [key(cm)] }),
    ],
    clients: new Map([
      ['a', a],
      ['b', b],
    ]),
    ...h,
  });
  assert.equal(result.clusters[0]!.skipped, 'offline');
  assert.equal(result.clusters[1]!.error?.code, 'inventory.unavailable');
  assert.deepEqual(
    result.clusters[1]!.results.map((r) => r.outcome),
    ['notRun'],
  );
  assert.deepEqual([...a.calls, ...b.calls], []);
  assert.equal(result.ok, false);
});

test('a plan without changes makes no request and no inventory write', async () => {
  const cm = configMap('default', 'x');
  const c = fakeClusterClient('a', [cm]);
  const h = harness({ a: [key(cm)] });
  const result = await applyAll({
    plans: [cluster('a', { health: 'Ready', actions: [unchanged(cm)], inventory: [key(cm)] })],
    clients: new Map([['a', c]]),
    ...h,
  });
  assert.equal(result.ok, true);
  assert.deepEqual(c.calls, []);
  assert.deepEqual(h.writes, []);
});
