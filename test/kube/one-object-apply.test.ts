// A one-object push on a large converged cluster: the apply answers the thousands of unchanged
// actions without a request or a new result each (an incremental plan hands the same action objects
// to every cycle), and the drift detector stores only the desired copy that changed — while drift
// on any object, changed or not, is still judged against what Git wants now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterPlan, KubeAction, KubeObject } from '../../src/model/index.js';
import { refKey, refOf } from '../../src/model/index.js';
import { applyClusterPlan } from '../../src/kube/apply.js';
import { createDriftDetector } from '../../src/kube/drift.js';
import { fakeClusterClient } from '../helpers/fake-cluster-client.js';
import { configMap } from '../helpers/federation.js';
import { waitFor } from '../helpers/wait-for.js';

const N = 1000;
const key = (o: KubeObject): string => refKey(refOf(o));
const plan = (actions: KubeAction[]): ClusterPlan => ({
  kind: 'cluster',
  name: 'a',
  health: 'Ready',
  selfHeal: true,
  actions,
  inventory: actions.map((a) => refKey(a.ref)).sort(),
});
const unchanged = (o: KubeObject): KubeAction => ({ action: 'unchanged', ref: refOf(o), object: o });

/** What the fleet hands the detector after an apply: every desired object now in line with Git. */
const inLine = (p: ClusterPlan): KubeObject[] => p.actions.flatMap((a) => ('object' in a ? [a.object] : []));

/** An edit by someone else, as the watch delivers it. */
const edited = (o: KubeObject, rv: number): KubeObject => ({
  ...o,
  data: { value: 'edited' },
  metadata: {
    ...o.metadata,
    resourceVersion: String(rv),
    managedFields: [
      {
        manager: 'fedsync',
        operation: 'Apply',
        time: '2026-01-01T00:00:01Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {},
      },
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        time: '2026-01-01T00:00:02Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:value': {} } },
      },
    ],
  },
});

async function converged() {
  const objects = Array.from({ length: N }, (_, i) =>
    configMap('default', `cm-${String(i).padStart(4, '0')}`, { value: 'v1' }),
  );
  const client = fakeClusterClient('a', objects);
  const detector = createDriftDetector({
    clients: new Map([['a', client]]),
    clock: { now: () => new Date('2026-01-01T00:01:00Z') },
  });
  const apply = async (p: ClusterPlan) => {
    const result = await applyClusterPlan({
      plan: p,
      client,
      federation: 'demo',
      inventory: { keys: p.inventory, adopted: [] },
      writeInventory: () => Promise.resolve(),
      writes: detector.listener,
    });
    detector.setDesired('a', inLine(p), { selfHeal: true });
    return result;
  };
  const settled = plan(objects.map(unchanged));
  await apply(settled);
  return { objects, client, detector, apply, settled };
}

test('a one-object push applies one object and stores one desired copy', async () => {
  const { objects, client, detector, apply, settled } = await converged();
  assert.equal(detector.stats().desiredStored, N);
  const v2 = configMap('default', 'cm-0500', { value: 'v2' });
  const actions = settled.actions.slice();
  actions[500] = { action: 'update', ref: refOf(v2), object: v2, changes: [], reason: 'data changed' };
  client.calls.length = 0;
  const result = await apply(plan(actions));
  assert.deepEqual(client.calls, [`apply ${key(v2)}`]);
  assert.equal(result.results.filter((r) => r.outcome === 'done').length, 1);
  assert.equal(result.results.filter((r) => r.outcome === 'noop').length, N - 1);
  assert.equal(detector.stats().desiredStored, N + 1, 'only the changed object is stored again');

  // Drift on an object the push left alone is still corrected to what Git wants.
  detector.onEvent('a', { type: 'MODIFIED', object: edited(objects[7]!, 20) });
  // And on the changed one, to its new version.
  detector.onEvent('a', { type: 'MODIFIED', object: edited(v2, 21) });
  await waitFor('both corrections applied', () => client.calls.length === 3);
  assert.deepEqual(client.objects.get(key(objects[7]!))?.data, { value: 'v1' });
  assert.deepEqual(client.objects.get(key(v2))?.data, { value: 'v2' });
  const drift = detector.takeDrift();
  assert.deepEqual(drift.map((d) => [d.ref.name, d.correction]).sort(), [
    ['cm-0007', 'done'],
    ['cm-0500', 'done'],
  ]);
});

test('the same unchanged actions get the same results: nothing allocated for them again', async () => {
  const { apply, settled } = await converged();
  const first = await apply(settled);
  const second = await apply(settled);
  assert.equal(second.results.length, N);
  assert.ok(
    second.results.every((r, i) => r === first.results[i]),
    'each unchanged action keeps its one result',
  );
  assert.equal(second.results[0]!.outcome, 'noop');
  assert.equal(second.results[0]!.subject, 'ConfigMap/default/cm-0000');
});

test('an object that leaves the desired state is no longer corrected', async () => {
  const { objects, client, detector, apply, settled } = await converged();
  const gone = objects[3]!;
  const actions = settled.actions.filter((a) => a.ref.name !== gone.metadata.name);
  await apply(plan(actions));
  assert.equal(detector.stats().desiredStored, N + (N - 1), 'a removal rebuilds the desired state');
  client.calls.length = 0;
  detector.onEvent('a', { type: 'MODIFIED', object: edited(gone, 30) });
  detector.onEvent('a', { type: 'MODIFIED', object: edited(objects[4]!, 31) });
  await waitFor('the kept object corrected', () => client.calls.length === 1);
  await detector.idle();
  assert.deepEqual(client.calls, [`apply ${key(objects[4]!)}`]);
});
