// The watch-backed cluster cache against a simulated cluster: events, restarts after the server
// ends watches, relist after 410 Gone, kinds added at run time, and no repeated lists or gets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClusterCache,
  managedSelector,
  type CacheEvent,
  type ClusterCache,
} from '../../src/kube/cache.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { LABEL_FEDERATION, LABEL_MANAGED_BY, type KubeObject } from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { configMap, simClient, testCluster } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';

let sim: SimCluster;
let client: ClusterClient;
let cache: ClusterCache;
const events: CacheEvent[] = [];

const managed = { [LABEL_MANAGED_BY]: 'fedsync', [LABEL_FEDERATION]: 'fed1' };
const labelled = (
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = managed,
): KubeObject => {
  const o = configMap(name, data);
  o.metadata.labels = labels;
  return o;
};
const key = (name: string): string => `/ConfigMap/default/${name}`;
const lists = (resource: string): number => sim.counters.snapshot().byVerb.list?.[resource] ?? 0;

before(async () => {
  sim = await testCluster({ historyLimit: 30 });
  client = simClient(sim);
  cache = createClusterCache({
    client,
    federation: 'fed1',
    kinds: [{ apiVersion: 'v1', kind: 'ConfigMap', scope: 'managed' }],
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  cache.onEvent((e) => events.push(e));
  await cache.synced();
});
after(async () => {
  cache.stop();
  await sim.stop();
});

test('the selector names fedsync and the federation', () => {
  assert.equal(managedSelector('fed1'), 'app.kubernetes.io/managed-by=fedsync,fedsync.io/federation=fed1');
});

test('synced: Nodes and Pods of every namespace are cached; only managed ConfigMaps', async () => {
  assert.equal(cache.objectsOf('v1', 'Node').length, 2);
  await client.apply(labelled('mine', { a: '1' }));
  await client.apply(
    labelled('theirs', { a: '1' }, { [LABEL_MANAGED_BY]: 'fedsync', [LABEL_FEDERATION]: 'other' }),
  );
  await client.apply(configMap('plain', { a: '1' }));
  await waitFor('mine cached', () => cache.snapshot()[key('mine')]);
  await client.apply(labelled('mine', { a: '2' }));
  await waitFor(
    'mine updated',
    () => (cache.snapshot()[key('mine')]?.data as Record<string, string> | undefined)?.a === '2' || undefined,
  );
  const snap = cache.snapshot();
  assert.equal(snap[key('theirs')], undefined);
  assert.equal(snap[key('plain')], undefined);
  const mine = events.filter((e) => e.key === key('mine'));
  assert.deepEqual(
    mine.map((e) => [e.type, e.cluster, e.fromList]),
    [
      ['ADDED', sim.name, false],
      ['MODIFIED', sim.name, false],
    ],
  );
  assert.deepEqual(mine[1]?.previous?.data, { a: '1' });
  await client.remove({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: 'default', name: 'mine' });
  await waitFor('mine gone', () => (cache.snapshot()[key('mine')] ? undefined : true));
  assert.equal(events.at(-1)?.type, 'DELETED');
});

test('when the server ends every watch, the cache resumes without listing again and catches up', async () => {
  const before = cache.stats()['/ConfigMap'];
  const listsBefore = lists('configmaps');
  sim.closeWatches();
  await client.apply(labelled('after-close', { a: '1' }));
  await waitFor('caught up', () => cache.snapshot()[key('after-close')]);
  const after = cache.stats()['/ConfigMap'];
  assert.ok(after && before && after.watches > before.watches, 'a new watch was opened');
  assert.equal(after?.lists, before?.lists, 'resumed from the last resourceVersion');
  assert.equal(lists('configmaps'), listsBefore);
});

test('a resourceVersion gone from the server history (410) relists and reports what changed', async () => {
  await client.apply(labelled('will-vanish', { a: '1' }));
  await waitFor('cached', () => cache.snapshot()[key('will-vanish')]);
  const listsBefore = cache.stats()['/ConfigMap']?.lists ?? 0;
  await sim.setFault({ fault: 'down' });
  const cmType = sim.resource('v1', 'ConfigMap');
  sim.api.remove(cmType, 'default', 'will-vanish', {});
  for (let i = 0; i < 40; i++) {
    sim.api.create(
      cmType,
      'default',
      { metadata: { name: `churn-${i}` }, data: { i: String(i) } },
      { fieldManager: 'x' },
    );
  }
  sim.api.create(
    cmType,
    'default',
    { metadata: { name: 'while-down', labels: managed } },
    { fieldManager: 'x' },
  );
  await sim.setFault({ fault: 'up' });
  await waitFor('relisted', () => cache.snapshot()[key('while-down')], { timeoutMs: 10_000 });
  assert.equal(cache.snapshot()[key('will-vanish')], undefined);
  const stats = cache.stats()['/ConfigMap'];
  assert.ok((stats?.expired ?? 0) >= 1, '410 seen');
  assert.equal(stats?.lists, listsBefore + 1);
  const vanished = events.find((e) => e.key === key('will-vanish') && e.type === 'DELETED');
  assert.equal(vanished?.fromList, true);
});

test('kinds added at run time start their watch; steady state reads nothing per object', async () => {
  await client.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: managed },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
    },
  });
  cache.watch([{ apiVersion: 'apps/v1', kind: 'Deployment', scope: 'managed' }]);
  assert.equal(cache.isSynced(), false);
  await cache.synced();
  assert.ok(cache.snapshot()['apps/Deployment/default/web']);
  await waitFor('pods of web cached', () =>
    cache.objectsOf('v1', 'Pod').find((p) => p.metadata.name.startsWith('web-')),
  );

  await sim.settle();
  const before = sim.counters.snapshot();
  for (let i = 0; i < 5; i++) await client.apply(labelled(`steady-${i}`, { i: String(i) }));
  await waitFor('steady cached', () => cache.snapshot()[key('steady-4')]);
  const after = sim.counters.snapshot();
  const reads = (s: typeof before, verb: string): number =>
    Object.values(s.byVerb[verb] ?? {}).reduce((a, b) => a + b, 0);
  assert.equal(reads(after, 'list'), reads(before, 'list'), 'no lists in steady state');
  assert.equal(reads(after, 'get'), reads(before, 'get'), 'no gets in steady state');
});
