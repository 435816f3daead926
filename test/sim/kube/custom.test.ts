// Custom resources registered at start-up: discovery, CRUD, apply; strategic merge is refused (415).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let objs: k8s.KubernetesObjectApi;

before(async () => {
  sim = await testCluster({
    customResources: [
      { group: 'example.com', version: 'v1', kind: 'Widget', namespaced: true, shortNames: ['wd'] },
    ],
  });
  objs = k8s.KubernetesObjectApi.makeApiClient(kubeConfigFor(sim));
});
after(() => sim.stop());

const widget = (size: number): k8s.KubernetesObject & { spec: unknown } => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'default' },
  spec: { size, extra: { nested: true } },
});

test('a custom resource is discoverable and supports create, read, list, apply and delete', async () => {
  const created = await objs.create(widget(1));
  assert.equal(created.metadata?.generation, 1);
  const read = (await objs.read({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'default' },
  })) as {
    spec: { size: number; extra: unknown };
  };
  assert.deepEqual(
    read.spec,
    { size: 1, extra: { nested: true } },
    'unknown fields of custom resources are kept',
  );
  const applied = (await objs.patch(
    widget(2),
    undefined,
    undefined,
    'fedsync',
    true,
    k8s.PatchStrategy.ServerSideApply,
  )) as {
    spec: { size: number };
    metadata: { generation: number };
  };
  assert.equal(applied.spec.size, 2);
  assert.equal(applied.metadata.generation, 2);
  const list = await objs.list('example.com/v1', 'Widget', 'default');
  assert.equal(list.items.length, 1);
  await rejectsWith(
    objs.patch(widget(3), undefined, undefined, 'x', undefined, k8s.PatchStrategy.StrategicMergePatch),
    415,
  );
  await objs.delete(widget(2));
  await rejectsWith(
    objs.read({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default' },
    }),
    404,
  );
});

test('an unknown group-version is 404', async () => {
  const res = await fetch(`${sim.url}/apis/example.com/v2/namespaces/default/widgets`, {
    headers: { authorization: `Bearer ${sim.token}` },
  });
  assert.equal(res.status, 404);
  const group = await fetch(`${sim.url}/apis/example.com`, {
    headers: { authorization: `Bearer ${sim.token}` },
  });
  assert.equal(
    ((await group.json()) as { preferredVersion: { version: string } }).preferredVersion.version,
    'v1',
  );
});
