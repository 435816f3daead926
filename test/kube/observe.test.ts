// The observe step on a simulated cluster, and the federated view built from observed clusters.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterCache, type ClusterCache } from '../../src/kube/cache.js';
import { federatedView } from '../../src/report/format/federated-view.js';
import { writeInventory } from '../../src/kube/inventory.js';
import { observeCluster, watchedKinds, type DesiredRef } from '../../src/kube/observe.js';
import type { ClusterClient } from '../../src/kube/port.js';
import {
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  type KubeObject,
  type ObservedCluster,
} from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { configMap, simClient, testCluster } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';

let sim: SimCluster;
let client: ClusterClient;
let cache: ClusterCache;
const labels = { [LABEL_MANAGED_BY]: 'fedsync', [LABEL_FEDERATION]: 'fed1' };

const deployment = (name: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});
const cmRef = (name: string): DesiredRef => ({
  apiVersion: 'v1',
  group: '',
  kind: 'ConfigMap',
  namespace: 'default',
  name,
});
const webRef: DesiredRef = {
  apiVersion: 'apps/v1',
  group: 'apps',
  kind: 'Deployment',
  namespace: 'default',
  name: 'web',
};
const gets = (): number => Object.values(sim.counters.snapshot().byVerb.get ?? {}).reduce((a, b) => a + b, 0);

before(async () => {
  sim = await testCluster({ capacity: 3 });
  client = simClient(sim);
  cache = createClusterCache({ client, federation: 'fed1', backoff: { baseDelayMs: 5, maxDelayMs: 20 } });
});
after(async () => {
  cache.stop();
  await sim.stop();
});

test('watchedKinds: desired kinds plus inventory kinds of known groups', () => {
  assert.deepEqual(
    watchedKinds([webRef], ['/Service/default/old', 'apps/Deployment/default/x', 'example.com/Widget//w']),
    [
      { apiVersion: 'apps/v1', kind: 'Deployment', scope: 'managed' },
      { apiVersion: 'v1', kind: 'Service', scope: 'managed' },
    ],
  );
});

test('observe: managed objects, same-name objects to adopt (one GET each), inventory, workload signals', async () => {
  await client.apply(deployment('web', 5));
  await client.apply(configMap('legacy', { a: '1' })); // exists without fedsync's labels
  const old: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'old', namespace: 'default', labels },
    spec: { ports: [{ port: 80 }] },
  };
  await client.apply(old);
  await writeInventory(client, 'fed1', {
    to: { keys: ['/Service/default/old', 'apps/Deployment/default/web'], adopted: [] },
  });
  await sim.settle();
  const desired = [webRef, cmRef('legacy'), cmRef('not-yet')];

  const getsBefore = gets();
  const observed = await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  assert.equal(gets() - getsBefore, 2, 'one GET per desired object the cache does not hold');
  assert.deepEqual(Object.keys(observed.objects).sort(), [
    '/ConfigMap/default/legacy',
    '/Service/default/old',
    'apps/Deployment/default/web',
  ]);
  assert.deepEqual(observed.inventory, ['/Service/default/old', 'apps/Deployment/default/web']);

  await waitFor(
    'pods cached',
    () =>
      cache.objectsOf('v1', 'Pod').filter((p) => p.metadata.name.startsWith('web-')).length === 5 ||
      undefined,
  );
  const again = await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  const web = again.workloads['apps/Deployment/default/web'];
  assert.equal(web?.specReplicas, 5);
  assert.equal(web?.readyReplicas, 3, 'capacity 3');
  assert.equal(web?.unschedulableSince.length, 2);

  // Adopted: the object now carries the labels, so the cache holds it and no GET is needed.
  const adopted = configMap('legacy', { a: '1' });
  adopted.metadata.labels = labels;
  await client.apply(adopted);
  await client.apply({
    ...configMap('not-yet', {}),
    metadata: { name: 'not-yet', namespace: 'default', labels },
  });
  await waitFor('cache caught up', () => cache.snapshot()['/ConfigMap/default/not-yet']);
  const steady = gets();
  await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  assert.equal(gets(), steady, 'steady state: no per-object reads');
});

test('many uncached objects of one kind: one list of the kind instead of a GET each', async () => {
  await client.apply(configMap('bulk-legacy', { a: '1' })); // to adopt, without fedsync's labels
  const desired = [cmRef('bulk-legacy'), ...[1, 2, 3, 4, 5].map((n) => cmRef(`bulk-new-${n}`))];
  const lists = (): number =>
    Object.values(sim.counters.snapshot().byVerb.list ?? {}).reduce((a, b) => a + b, 0);
  const [getsBefore, listsBefore] = [gets(), lists()];
  const observed = await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  assert.equal(gets() - getsBefore, 0, 'no GET per object');
  // The inventory list, plus one list of ConfigMaps for the six uncached ones.
  assert.equal(lists() - listsBefore, 2);
  assert.ok(observed.objects['/ConfigMap/default/bulk-legacy'], 'the one to adopt is found by the list');
  assert.equal(observed.objects['/ConfigMap/default/bulk-new-1'], undefined);
});

test('observe hands a snapshot: later watch events never reach it, and nothing new means the same one', async () => {
  const managedCm = (name: string, data: Record<string, string>): KubeObject => ({
    ...configMap(name, data),
    metadata: { name, namespace: 'default', labels },
  });
  await client.apply(managedCm('snap-a', { v: '1' }));
  await waitFor('cached', () => cache.managed()['/ConfigMap/default/snap-a']);
  const desired = [cmRef('snap-a')];
  const first = await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  const second = await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  assert.equal(second.objects, first.objects, 'no change since: the same snapshot, nothing copied');
  assert.equal(second.workloads, first.workloads, 'no workload, Service or Pod changed: same signals');

  await client.apply(managedCm('snap-a', { v: '2' }));
  await client.apply(managedCm('snap-b', { v: '1' }));
  await waitFor('the edit cached', () => cache.managed()['/ConfigMap/default/snap-b']);
  const a = (o: ObservedCluster) => (o.objects['/ConfigMap/default/snap-a']?.data as { v: string }).v;
  assert.equal(a(first), '1', 'the first snapshot is unchanged');
  assert.equal(first.objects['/ConfigMap/default/snap-b'], undefined);
  const third = await observeCluster({ client, cache, federation: 'fed1', health: 'Ready', desired });
  assert.equal(a(third), '2');
  assert.ok(Object.keys(third.objects).includes('/ConfigMap/default/snap-b'));
  assert.throws(() => {
    delete third.objects['/ConfigMap/default/snap-b'];
  }, TypeError);
});

test('an Offline cluster is not contacted', async () => {
  const before = sim.counters.snapshot().total;
  const observed = await observeCluster({
    client,
    cache,
    federation: 'fed1',
    health: 'Offline',
    desired: [webRef],
  });
  assert.equal(sim.counters.snapshot().total, before);
  assert.equal(observed.inventory, null);
  assert.deepEqual(observed.workloads, {});
  assert.ok(observed.objects['apps/Deployment/default/web'], 'last cached copies');
});

test('federated view: per-cluster state and summed replicas', () => {
  const rs = (
    replicas: number,
    ready: number,
    generation: number,
    observedGeneration: number,
  ): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs', namespace: 'web', generation },
    spec: { replicas },
    status: { readyReplicas: ready, availableReplicas: ready, observedGeneration },
  });
  const cluster = (name: string, objects: Record<string, KubeObject>): ObservedCluster => ({
    name,
    health: 'Ready',
    objects,
    inventory: [],
    workloads: {},
  });
  const key = 'apps/ReplicaSet/web/rs';
  const view = federatedView([
    cluster('b', { [key]: rs(3, 1, 2, 1) }),
    cluster('a', {
      [key]: rs(4, 4, 1, 1),
      '/Service/web/web': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'web' } },
    }),
    cluster('c', {}),
  ]);
  assert.deepEqual(
    view.map((v) => v.subject),
    ['Service/web/web', 'ReplicaSet/web/rs'],
  );
  const r = view[1];
  assert.deepEqual(r?.replicas, { desired: 7, ready: 5, available: 5 });
  assert.deepEqual(
    r?.clusters.map((m) => [m.cluster, m.present, m.upToDate]),
    [
      ['a', true, true],
      ['b', true, false],
      ['c', false, false],
    ],
  );
  assert.equal(view[0]?.replicas, undefined);
});
