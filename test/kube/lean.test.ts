// The cache's lean form of live objects: every reader of managedFields (the diff's own field set,
// drift attribution, the drift judge) decides the same on the lean copy as on the object the server
// sent; identical field trees are held once; Node images are dropped; and the watch cache keeps
// the lean form.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterCache } from '../../src/kube/cache.js';
import { createFieldSetPool, leanObject } from '../../src/kube/lean.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { LABEL_FEDERATION, LABEL_MANAGED_BY, refKey, refOf } from '../../src/model/index.js';
import type { ClusterPlan, KubeObject, ObservedCluster } from '../../src/model/index.js';
import { judgeWatchEvent, lastOtherManager, rememberWrite } from '../../src/plan/drift.js';
import { fedsyncFieldSet } from '../../src/plan/managed-fields.js';
import { plannedDrift } from '../../src/plan/plan-drift.js';
import { PatchTypes } from '../../src/sim/kube/api.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { waitFor } from '../helpers/wait-for.js';
import { configMap, simClient, testCluster } from './helpers.js';

let sim: SimCluster;
let client: ClusterClient;
before(async () => {
  sim = await testCluster({});
  client = simClient(sim);
});
after(async () => {
  await sim.stop();
});

const managed = { [LABEL_MANAGED_BY]: 'fedsync', [LABEL_FEDERATION]: 'fed1' };
const desired = (name: string, data: Record<string, string>): KubeObject => {
  const o = configMap(name, data);
  o.metadata.labels = managed;
  return o;
};

/** fedsync applies `name`, then another manager edits one of its values (as `kubectl edit` does). */
async function appliedThenEdited(name: string): Promise<{ applied: KubeObject; edited: KubeObject }> {
  const applied = await client.apply(desired(name, { mode: 'prod', level: 'info' }));
  sim.api.patch(
    sim.resource('v1', 'ConfigMap'),
    'default',
    name,
    { type: PatchTypes.merge, body: JSON.stringify({ data: { mode: 'debug' } }) },
    { fieldManager: 'kubectl-edit' },
  );
  const edited = await client.get({ ...refOf(applied), apiVersion: 'v1' });
  assert.ok(edited);
  return { applied, edited };
}

test('the lean copy keeps manager, operation, subresource, time and field set; drops the rest', async () => {
  const { edited } = await appliedThenEdited('shape');
  const lean = leanObject(edited, createFieldSetPool());
  const entries = lean.metadata.managedFields as Record<string, unknown>[];
  assert.equal(entries.length, (edited.metadata.managedFields as unknown[]).length);
  for (const e of entries) {
    assert.deepEqual(Object.keys(e).sort(), ['fieldsV1', 'manager', 'operation', 'time']);
  }
  assert.equal(JSON.stringify(lean.data), JSON.stringify(edited.data));
  assert.ok(
    (edited.metadata.managedFields as Record<string, unknown>[]).every((e) => 'apiVersion' in e),
    'the server sent apiVersion in each entry (else this test proves nothing)',
  );
});

test('drift attribution, the diff field set and the drift judge decide the same on the lean copy', async () => {
  const { applied, edited } = await appliedThenEdited('attribution');
  const lean = leanObject(edited, createFieldSetPool());
  const key = refKey(refOf(edited));
  const ref = refOf(edited);
  const object = desired('attribution', { mode: 'prod', level: 'info' });
  const plan: ClusterPlan = {
    kind: 'cluster',
    name: 'eu',
    health: 'Ready',
    selfHeal: true,
    inventory: [key],
    actions: [
      {
        action: 'update',
        ref,
        object,
        changes: [
          { path: 'data.mode', from: 'debug', to: 'prod' },
          { path: 'data.level', from: 'warn', to: 'info' },
        ],
        reason: 'differs from Git',
      },
    ],
  };
  const observedWith = (o: KubeObject): ObservedCluster[] => [
    { name: 'eu', health: 'Ready', objects: { [key]: o }, inventory: [key], workloads: {} },
  ];
  const whole = plannedDrift({ targets: [plan] }, observedWith(edited));
  assert.equal(whole.length, 1, 'the edit is drift (else this test proves nothing)');
  assert.equal(whole[0]?.manager, 'kubectl-edit');
  assert.deepEqual(
    whole[0]?.fields.map((f) => f.path),
    ['data.mode'],
  );
  assert.deepEqual(plannedDrift({ targets: [plan] }, observedWith(lean)), whole);
  assert.deepEqual(fedsyncFieldSet(lean), fedsyncFieldSet(edited));
  assert.equal(lastOtherManager(lean), lastOtherManager(edited));
  const memory = rememberWrite(undefined, applied);
  const judge = (o: KubeObject) =>
    judgeWatchEvent({
      desired: object,
      event: { type: 'MODIFIED', object: o },
      memory,
      selfHeal: true,
      nowMs: 0,
    });
  const verdict = judge(edited);
  assert.equal(verdict.verdict.kind, 'drift');
  assert.deepEqual(judge(lean), verdict);
  // fedsync's own write as the watch delivers it is no drift in either form.
  const ownLean = leanObject(applied, createFieldSetPool());
  assert.deepEqual(judge(ownLean).verdict, judge(applied).verdict);
});

test('identical field trees are held once; Node images are dropped, the rest of the Node kept', () => {
  const pool = createFieldSetPool();
  const withFields = (name: string): KubeObject => ({
    ...configMap(name, { a: '1' }),
    metadata: {
      name,
      namespace: 'default',
      managedFields: [
        {
          manager: 'fedsync',
          operation: 'Apply',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          time: '2026-01-01T00:00:00Z',
          fieldsV1: { 'f:data': { 'f:a': {} } },
        },
      ],
    },
  });
  const [a, b] = [leanObject(withFields('a'), pool), leanObject(withFields('b'), pool)];
  const tree = (o: KubeObject) => (o.metadata.managedFields as { fieldsV1: unknown }[])[0]?.fieldsV1;
  assert.ok(tree(a) !== undefined);
  assert.equal(tree(a), tree(b), 'one shared tree');
  assert.equal(pool.size(), 1);
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    spec: { providerID: 'gce://p/z/n1' },
    status: { images: [{ names: ['x'], sizeBytes: 1 }], capacity: { pods: '110' } },
  };
  const leanNode = leanObject(node, pool) as KubeObject & { status: Record<string, unknown> };
  assert.deepEqual(leanNode.status, { capacity: { pods: '110' } });
  assert.deepEqual(leanNode.spec, node.spec);
  assert.ok('images' in (node.status as object), 'the original is not changed');
});

test('the watch cache holds lean copies by default, and whole objects when told not to', async () => {
  await client.apply(desired('cached', { a: '1' }));
  const kinds = [{ apiVersion: 'v1', kind: 'ConfigMap', scope: 'managed' as const }];
  const lean = createClusterCache({ client, federation: 'fed1', kinds });
  const whole = createClusterCache({ client, federation: 'fed1', kinds, transform: false });
  try {
    await Promise.all([lean.synced(), whole.synced()]);
    const key = '/ConfigMap/default/cached';
    const entries = (c: typeof lean) =>
      (c.snapshot()[key]?.metadata.managedFields ?? []) as Record<string, unknown>[];
    await waitFor(
      'both caches hold the ConfigMap',
      () => entries(lean).length > 0 && entries(whole).length > 0,
    );
    assert.ok(entries(lean).every((e) => !('apiVersion' in e)));
    assert.ok(entries(whole).every((e) => 'apiVersion' in e));
  } finally {
    lean.stop();
    whole.stop();
  }
});
