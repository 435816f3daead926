// Contract: the ClusterClient adapter against a simulated cluster (apply, delete, get, list,
// discovery, watch) and how it fails (unknown kinds, bodies kept out of messages).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeError, KubeErrorCode, type ClusterClient, type WatchEvent } from '../../src/kube/port.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterClient } from '../../src/kube/client-node.js';
import { kubeconfigYaml } from '../../src/sim/kubeconfig.js';
import { configMap, simClient, testCluster } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';

let sim: SimCluster;
let client: ClusterClient;

before(async () => {
  sim = await testCluster({ historyLimit: 50 });
  client = simClient(sim);
});
after(() => sim.stop());

const ref = (name: string) => ({
  apiVersion: 'v1',
  group: '',
  kind: 'ConfigMap',
  namespace: 'default',
  name,
});

test('apply creates with unknown fields kept, updates, and removes fields no longer applied', async () => {
  const created = await client.apply(configMap('c1', { a: '1', b: '2' }, { futureTop: 'x' }));
  assert.equal(created.futureTop, 'x');
  assert.deepEqual(created.data, { a: '1', b: '2' });
  const managers = (created.metadata.managedFields as { manager: string }[]).map((m) => m.manager);
  assert.deepEqual(managers, ['fedsync']);
  const updated = await client.apply(configMap('c1', { a: '3' }));
  assert.deepEqual(updated.data, { a: '3' });
  assert.equal(updated.futureTop, undefined, 'a field fedsync no longer applies is removed');
  const live = await client.get(ref('c1'));
  assert.deepEqual(live?.data, { a: '3' });
  assert.equal(live?.kind, 'ConfigMap');
});

test('unknown fields of built-in kinds reach the server (the typed serializer would drop them)', async () => {
  const applied = await client.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd1', namespace: 'default' },
    spec: {
      futureField: 1,
      selector: { matchLabels: { app: 'd1' } },
      template: {
        metadata: { labels: { app: 'd1' } },
        spec: { containers: [{ name: 'c', image: 'nginx', futureContainerField: true }] },
      },
    },
  });
  const spec = applied.spec as {
    futureField?: number;
    template: { spec: { containers: Record<string, unknown>[] } };
  };
  assert.equal(spec.futureField, 1);
  assert.equal(spec.template.spec.containers[0]?.futureContainerField, true);
});

test('dry run persists nothing', async () => {
  await client.apply(configMap('dry', { a: '1' }), { dryRun: true });
  assert.equal(await client.get(ref('dry')), undefined);
});

test('delete says deleted when present and absent when already gone', async () => {
  await client.apply(configMap('del', { a: '1' }));
  assert.equal(await client.remove(ref('del')), 'deleted');
  assert.equal(await client.get(ref('del')), undefined);
  assert.equal(await client.remove(ref('del'), { propagation: 'Foreground' }), 'absent');
});

test('list filters by label and fills in apiVersion and kind of the items', async () => {
  await client.apply(configMap('l1', { a: '1' }, {}));
  const labelled = configMap('l2', { a: '1' });
  labelled.metadata.labels = { team: 'x' };
  await client.apply(labelled);
  const listed = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: 'team=x' });
  assert.deepEqual(
    listed.items.map((o) => [o.apiVersion, o.kind, o.metadata.name]),
    [['v1', 'ConfigMap', 'l2']],
  );
  assert.match(listed.resourceVersion, /^\d+$/);
  const nodes = await client.list({ apiVersion: 'v1', kind: 'Node' });
  assert.equal(nodes.items.length, 2);
});

test('discovery is asked once per apiVersion; an unknown kind is a KubeError', async () => {
  const fresh = simClient(sim);
  const before = sim.counters.snapshot().discovery;
  await fresh.get(ref('c1'));
  await fresh.get(ref('c2'));
  await fresh.list({ apiVersion: 'v1', kind: 'Node' });
  assert.equal(sim.counters.snapshot().discovery - before, 1);
  assert.deepEqual(await fresh.resource('apps/v1', 'Deployment'), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
  });
  assert.equal(await fresh.resource('v1', 'Widget'), undefined);
  await assert.rejects(
    fresh.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    (err: unknown) => err instanceof KubeError && err.code === KubeErrorCode.unknownKind,
  );
});

test('a rejected object is a KubeError whose message repeats nothing from the bodies', async () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'Not_A_Valid_Name', namespace: 'default' },
    stringData: { password: 'hunter2-very-secret' },
  };
  await assert.rejects(client.apply(secret), (err: unknown) => {
    assert.ok(err instanceof KubeError);
    assert.equal(err.code, KubeErrorCode.invalid);
    assert.equal(err.status, 422);
    assert.doesNotMatch(err.message, /hunter2/);
    assert.match(err.message, /PATCH .* HTTP 422 Invalid/);
    return true;
  });
});

test('watch streams changes after a resourceVersion; an expired one ends with kube.expired', async () => {
  const { resourceVersion } = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' });
  const events: WatchEvent[] = [];
  let ended: unknown = 'open';
  const w = await client.watch(
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion },
    (e) => events.push(e),
    (err) => (ended = err),
  );
  await client.apply(configMap('w1', { a: '1' }));
  await waitFor('ADDED event', () =>
    events.find((e) => e.type === 'ADDED' && e.object.metadata.name === 'w1'),
  );
  assert.equal(events[0]?.object.kind, 'ConfigMap');
  w.stop();
  assert.equal(ended, 'open', 'done is not called after stop');

  for (let i = 0; i < 60; i++) await client.apply(configMap('churn', { i: String(i) }));
  const done = new Promise<unknown>((resolve) => {
    void client.watch(
      { apiVersion: 'v1', kind: 'ConfigMap', resourceVersion: '2' },
      () => undefined,
      resolve,
    );
  });
  const err = await done;
  assert.ok(err instanceof KubeError);
  assert.equal(err.code, KubeErrorCode.expired);
});

test('a watch ended by the server calls done without an error', async () => {
  const { resourceVersion } = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' });
  let ended: (err: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => (ended = resolve));
  // watch() resolves once the response headers arrived: the server has registered the stream.
  await client.watch({ apiVersion: 'v1', kind: 'ConfigMap', resourceVersion }, () => undefined, ended);
  sim.closeWatches();
  assert.equal(await done, undefined);
});

test('loads a kubeconfig file and context, and speaks TLS with its CA', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fedsync-kc-')), 'config');
  writeFileSync(
    file,
    kubeconfigYaml([{ name: 'member', httpsUrl: sim.httpsUrl, token: sim.token, caData: sim.caData }]),
  );
  const fromFile = createClusterClient({ kubeconfigPath: file, context: 'member' });
  assert.equal(fromFile.name, 'member');
  assert.equal((await fromFile.list({ apiVersion: 'v1', kind: 'Node' })).items.length, 2);
  assert.equal(await fromFile.probe(), true);
  assert.throws(() => createClusterClient({ kubeconfigPath: file, context: 'nope' }), /no context nope/);
});
