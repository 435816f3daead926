// Contract: list/watch through @kubernetes/client-node informers and raw watches, including the
// 410 Gone relist, bookmarks and resumption from a resourceVersion.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, testCluster } from './helpers.js';
import { waitFor } from '../../helpers/wait-for.js';

let sim: SimCluster;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let net: k8s.NetworkingV1Api;

before(async () => {
  sim = await testCluster({ historyLimit: 50, bookmarkIntervalMs: 20 });
  kc = kubeConfigFor(sim);
  core = kc.makeApiClient(k8s.CoreV1Api);
  net = kc.makeApiClient(k8s.NetworkingV1Api);
});
after(() => sim.stop());

const ingress = (name: string, host: string): k8s.V1Ingress => ({
  metadata: { name },
  spec: {
    rules: [
      {
        host,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});

test('an informer lists, then sees adds, updates and deletes of Ingresses', async () => {
  await core.createNamespace({ body: { metadata: { name: 'inf' } } });
  await net.createNamespacedIngress({ namespace: 'inf', body: ingress('first', 'a.example.com') });
  const informer = k8s.makeInformer(kc, '/apis/networking.k8s.io/v1/namespaces/inf/ingresses', () =>
    net.listNamespacedIngress({ namespace: 'inf' }),
  );
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.spec?.rules?.[0]?.host}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  informer.on('error', () => undefined);
  await informer.start();
  try {
    await net.createNamespacedIngress({ namespace: 'inf', body: ingress('second', 'b.example.com') });
    await net.replaceNamespacedIngress({
      namespace: 'inf',
      name: 'second',
      body: ingress('second', 'c.example.com'),
    });
    await net.deleteNamespacedIngress({ namespace: 'inf', name: 'first' });
    await waitFor('delete event', () => seen.includes('delete first') || undefined);
    assert.deepEqual(seen, ['add first', 'add second', 'update second c.example.com', 'delete first']);
    assert.deepEqual(
      informer.list().map((o) => o.metadata?.name),
      ['second'],
    );
  } finally {
    await informer.stop();
  }
});

test('an informer whose resourceVersion was compacted away gets 410 and relists', async () => {
  await core.createNamespace({ body: { metadata: { name: 'gone' } } });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/gone/configmaps', () =>
    core.listNamespacedConfigMap({ namespace: 'gone' }),
  );
  informer.on('error', () => undefined);
  await informer.start();
  try {
    const lists = (): number => sim.counters.snapshot().byVerb.list?.configmaps ?? 0;
    const listsBefore = lists();
    // While the stream is down, changes happen and the history is compacted past the informer's RV.
    sim.closeWatches();
    const cmT = sim.resource('v1', 'ConfigMap');
    for (let i = 0; i < 5; i++) sim.api.create(cmT, 'gone', { metadata: { name: `c${i}` } });
    sim.store.compact();
    await waitFor('relist', () => (informer.list().length === 5 ? true : undefined));
    assert.equal(lists(), listsBefore + 1, 'exactly one relist after the 410');
  } finally {
    await informer.stop();
  }
});

test('a watch from a too-old resourceVersion gets an ERROR event with code 410', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'old-1' } } });
  const staleRV = String(sim.store.currentRV() - 1);
  sim.store.compact();
  const events: { type: string; code?: number; reason?: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    new k8s.Watch(kc)
      .watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: staleRV },
        (type, obj: { code?: number; reason?: string }) =>
          events.push({ type, code: obj.code, reason: obj.reason }),
        () => resolve(),
      )
      .catch(reject);
  });
  assert.deepEqual(events, [{ type: 'ERROR', code: 410, reason: 'Expired' }]);
});

test('a raw watch resumes from a resourceVersion and sends BOOKMARKs when allowed', async () => {
  await core.createNamespace({ body: { metadata: { name: 'raw' } } });
  await core.createNamespacedConfigMap({ namespace: 'raw', body: { metadata: { name: 'before' } } });
  const from = String(sim.store.currentRV());
  await core.createNamespacedConfigMap({ namespace: 'raw', body: { metadata: { name: 'after' } } });
  const events: string[] = [];
  const ctrl = await new k8s.Watch(kc).watch(
    '/api/v1/namespaces/raw/configmaps',
    { resourceVersion: from, allowWatchBookmarks: true },
    (type, obj: k8s.KubernetesObject) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
    () => undefined,
  );
  try {
    await waitFor('bookmark', () => (events.some((e) => e.startsWith('BOOKMARK')) ? true : undefined));
    assert.equal(events[0], 'ADDED after', 'only events after the resourceVersion are replayed');
    assert.ok(!events.includes('ADDED before'));
  } finally {
    ctrl.abort();
  }
});

test('BOOKMARKs come only when asked, carry the kind and the current resourceVersion', async () => {
  const asked: { type: string; obj: k8s.KubernetesObject }[] = [];
  const unasked: string[] = [];
  const watch = new k8s.Watch(kc);
  const path = '/api/v1/namespaces/raw/configmaps';
  const from = String(sim.store.currentRV());
  const quiet = await watch.watch(
    path,
    { resourceVersion: from },
    (type) => unasked.push(type),
    () => undefined,
  );
  const loud = await watch.watch(
    path,
    { resourceVersion: from, allowWatchBookmarks: true },
    (type, obj: k8s.KubernetesObject) => asked.push({ type, obj }),
    () => undefined,
  );
  try {
    // Three bookmarks on the asking watch span more than one interval of the other.
    await waitFor('bookmarks', () =>
      asked.filter((e) => e.type === 'BOOKMARK').length >= 3 ? true : undefined,
    );
    assert.deepEqual(unasked, [], 'no BOOKMARK without allowWatchBookmarks');
    const b = asked.find((e) => e.type === 'BOOKMARK')?.obj;
    assert.equal(b?.kind, 'ConfigMap');
    assert.equal(b?.apiVersion, 'v1');
    assert.equal(b?.metadata?.resourceVersion, String(sim.store.currentRV()));
  } finally {
    quiet.abort();
    loud.abort();
  }
});

test('watch headers are flushed at once, before any event', async () => {
  const ac = new AbortController();
  const res = await fetch(
    `${sim.url}/api/v1/namespaces/raw/configmaps?watch=true&resourceVersion=${sim.store.currentRV()}`,
    {
      headers: { authorization: `Bearer ${sim.token}` },
      signal: ac.signal,
    },
  );
  assert.equal(res.status, 200);
  ac.abort();
});

test('a label-selector watch sees an object that stops matching as DELETED and one that starts as ADDED', async () => {
  await core.createNamespace({ body: { metadata: { name: 'sel' } } });
  const { metadata } = await core.listNamespacedConfigMap({ namespace: 'sel' });
  const seen: string[] = [];
  const req = await new k8s.Watch(kc).watch(
    '/api/v1/namespaces/sel/configmaps',
    { labelSelector: 'team=a', resourceVersion: metadata?.resourceVersion },
    (type: string, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.labels?.team}`),
    () => undefined,
  );
  try {
    const relabel = (team: string) =>
      core.patchNamespacedConfigMap(
        { namespace: 'sel', name: 'cm', body: { metadata: { labels: { team } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    await core.createNamespacedConfigMap({
      namespace: 'sel',
      body: { metadata: { name: 'cm', labels: { team: 'a' } } },
    });
    await relabel('b');
    await core.patchNamespacedConfigMap(
      { namespace: 'sel', name: 'cm', body: { data: { x: '1' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await relabel('a');
    await waitFor('the ADDED on re-match', () => (seen.length >= 3 ? true : undefined));
    // No event while it matched nowhere (the data patch under team=b).
    assert.deepEqual(seen, ['ADDED a', 'DELETED b', 'ADDED a']);
  } finally {
    req.abort();
  }
});
