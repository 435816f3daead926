// The drift detector on hand-made watch events: a kubectl-edit-like change is detected (manager
// named) and corrected, or only reported with self-heal off; fedsync's own writes during an apply of
// a NEW revision are never drift (the race src/plan/drift.ts describes); an edit during an apply is
// still caught once the apply is over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/model/index.js';
import { refKey, refOf } from '../../src/model/index.js';
import { createDriftDetector } from '../../src/kube/drift.js';
import { fakeClusterClient } from '../helpers/fake-cluster-client.js';
import { configMap } from '../helpers/federation.js';
import { correctionWord } from '../../src/report/format/outcome-text.js';

type Managed = { manager: string; time: string; operation?: string };

function live(
  desired: KubeObject,
  rv: number,
  managers: Managed[],
  data?: Record<string, string>,
): KubeObject {
  return {
    ...desired,
    ...(data ? { data } : {}),
    metadata: {
      ...desired.metadata,
      resourceVersion: String(rv),
      managedFields: managers.map((m) => ({
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...m,
      })),
    },
  };
}

const T1 = '2026-01-01T00:00:01Z';
const T2 = '2026-01-01T00:00:02Z';
const T3 = '2026-01-01T00:00:03Z';

function setup(selfHeal = true) {
  const client = fakeClusterClient('a');
  const detector = createDriftDetector({
    clients: new Map([['a', client]]),
    clock: { now: () => new Date('2026-01-01T00:01:00Z') },
  });
  const v1 = configMap('default', 'cfg', { mode: 'one' });
  detector.setDesired('a', [v1], { selfHeal });
  // fedsync's own write as the watch delivers it.
  detector.onEvent('a', { type: 'MODIFIED', object: live(v1, 10, [{ manager: 'fedsync', time: T1 }]) });
  return { client, detector, v1 };
}

test('an edit by another manager is drift: detected, manager named, corrected by re-applying', async () => {
  const { client, detector, v1 } = setup();
  const edited = live(
    v1,
    11,
    [
      { manager: 'fedsync', time: T1 },
      { manager: 'kubectl-edit', time: T2, operation: 'Update' },
    ],
    { mode: 'hacked' },
  );
  detector.onEvent('a', { type: 'MODIFIED', object: edited });
  await detector.idle();
  const [drift, ...rest] = detector.takeDrift();
  assert.equal(rest.length, 0);
  assert.equal(drift && correctionWord(drift), 'corrected');
  assert.equal(drift?.manager, 'kubectl-edit');
  assert.deepEqual(drift?.fields, [{ path: 'data.mode', from: 'hacked', to: 'one' }]);
  assert.deepEqual(client.calls, [`apply ${refKey(refOf(v1))}`]);
  assert.deepEqual(client.objects.get(refKey(refOf(v1)))?.data, { mode: 'one' });
});

test('self-heal off: the same edit is only reported', async () => {
  const { client, detector, v1 } = setup(false);
  detector.onEvent('a', {
    type: 'MODIFIED',
    object: live(v1, 11, [{ manager: 'kubectl-edit', time: T2, operation: 'Update' }], { mode: 'x' }),
  });
  await detector.idle();
  assert.deepEqual(
    detector.takeDrift().map((d) => correctionWord(d)),
    ['reported'],
  );
  assert.deepEqual(client.calls, []);
});

test('race: fedsync applying a new revision is never drift against the old desired state', async () => {
  const { client, detector, v1 } = setup();
  const v2 = configMap('default', 'cfg', { mode: 'two' });
  // The reconcile of the new revision starts applying in cluster a.
  detector.listener.clusterStarted?.('a');
  const written = live(v2, 12, [{ manager: 'fedsync', time: T3 }]);
  // The watch can deliver the write before apply() returns...
  detector.onEvent('a', { type: 'MODIFIED', object: written });
  detector.listener.objectApplied?.('a', v2, written);
  // ...or after; and a status-only update by a controller may follow.
  detector.onEvent('a', { type: 'MODIFIED', object: written });
  // Between the end of the apply and the hand-over of the new desired state, more events arrive.
  detector.onEvent('a', { type: 'MODIFIED', object: written });
  detector.setDesired('a', [v2], { selfHeal: true });
  // A late duplicate of the write after the hand-over, too.
  detector.onEvent('a', { type: 'MODIFIED', object: written });
  await detector.idle();
  assert.deepEqual(detector.takeDrift(), []);
  assert.deepEqual(client.calls, [], 'nothing reverted to the old revision');
  void v1;
});

test('race without pausing: events of fedsync-only managedFields changes are ignored', async () => {
  const { client, detector, v1 } = setup();
  // Old desired still in place (no pause), but the event's only managedFields change is fedsync's.
  detector.onEvent('a', {
    type: 'MODIFIED',
    object: live(v1, 13, [{ manager: 'fedsync', time: T3 }], { mode: 'two' }),
  });
  await detector.idle();
  assert.deepEqual(detector.takeDrift(), []);
  assert.deepEqual(client.calls, []);
});

test('an edit by someone else during an apply is checked against the new desired state afterwards', async () => {
  const { client, detector } = setup();
  const v2 = configMap('default', 'cfg', { mode: 'two' });
  detector.listener.clusterStarted?.('a');
  const written = live(v2, 12, [{ manager: 'fedsync', time: T3 }]);
  detector.listener.objectApplied?.('a', v2, written);
  detector.onEvent('a', {
    type: 'MODIFIED',
    object: live(
      v2,
      14,
      [
        { manager: 'fedsync', time: T3 },
        { manager: 'kubectl-edit', time: T3, operation: 'Update' },
      ],
      { mode: 'hacked' },
    ),
  });
  assert.deepEqual(detector.takeDrift(), [], 'nothing while the apply runs');
  detector.setDesired('a', [v2], { selfHeal: true });
  await detector.idle();
  const drift = detector.takeDrift();
  assert.deepEqual(
    drift.map((d) => [correctionWord(d), d.fields]),
    [['corrected', [{ path: 'data.mode', from: 'hacked', to: 'two' }]]],
  );
  assert.deepEqual(client.objects.get(refKey(refOf(v2)))?.data, { mode: 'two' });
});

test('a deleted object fedsync manages is drift; a prune by fedsync is not', () => {
  const { detector, v1 } = setup(false);
  detector.onEvent('a', { type: 'DELETED', object: live(v1, 20, []) });
  assert.deepEqual(
    detector.takeDrift().map((d) => correctionWord(d)),
    ['reported'],
  );
  detector.listener.clusterStarted?.('a');
  detector.listener.objectDeleted?.('a', {
    action: 'delete',
    ref: refOf(v1),
    apiVersion: 'v1',
    reason: 'pruned',
  });
  detector.onEvent('a', { type: 'DELETED', object: live(v1, 21, []) });
  detector.setDesired('a', [], { selfHeal: false });
  assert.deepEqual(detector.takeDrift(), []);
});

test('a controller fighting fedsync: corrections stop at the limit and resume after the window', async () => {
  const client = fakeClusterClient('a');
  let clock = Date.parse('2026-01-01T00:01:00Z');
  const detector = createDriftDetector({
    clients: new Map([['a', client]]),
    clock: { now: () => new Date(clock) },
    correctionBudget: { max: 2, windowMs: 60_000 },
  });
  const v1 = configMap('default', 'cfg', { mode: 'one' });
  detector.setDesired('a', [v1], { selfHeal: true });
  detector.onEvent('a', { type: 'MODIFIED', object: live(v1, 10, [{ manager: 'fedsync', time: T1 }]) });
  const fight = async (n: number): Promise<void> => {
    const time = `2026-01-01T00:0${n}:30Z`;
    const edited = live(
      v1,
      1000 + n * 10,
      [
        { manager: 'fedsync', time: T1 },
        { manager: 'hpa-like', time, operation: 'Update' },
      ],
      { mode: `fight-${n}` },
    );
    detector.onEvent('a', { type: 'MODIFIED', object: edited });
    await detector.idle();
  };
  for (const n of [1, 2, 3, 4]) await fight(n);
  const actions = detector.takeDrift().map((d) => [correctionWord(d), d.reason ?? '']);
  assert.deepEqual(
    actions.map(([a]) => a),
    ['corrected', 'corrected', 'reported', 'reported'],
  );
  assert.match(actions[2]![1]!, /another controller may be fighting fedsync/);
  assert.equal(client.calls.length, 2, 'no apply beyond the limit');
  clock += 61_000;
  await fight(5);
  assert.deepEqual(
    detector.takeDrift().map((d) => correctionWord(d)),
    ['corrected'],
  );
});
