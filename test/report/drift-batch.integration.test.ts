// Drift between reconciles reaches the reporter in batches: a burst of watch events is one report
// once the watch is quiet; a watch that never goes quiet still reports by the deadline; a batch that
// waits while a reconcile reports is dropped (that report holds it); a follower reports nothing.
// Time is a hand-driven timer, so "quiet" and "deadline" are steps of the test, not sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Drift, Reporter, ReconcileReport } from '../../src/model/index.js';
import { batchDrift } from '../../src/report/publish/drift-batch.js';
import type { DriftBatchTimers } from '../../src/report/publish/drift-batch.js';

function manualTimers() {
  let now = 0;
  let id = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const timers: DriftBatchTimers = {
    set: (run, ms) => {
      due.set(++id, { at: now + ms, run });
      return id;
    },
    clear: (h) => void due.delete(h as number),
  };
  const advance = (ms: number): void => {
    now += ms;
    for (const [k, t] of [...due].sort((a, b) => a[1].at - b[1].at))
      if (t.at <= now && due.has(k)) {
        due.delete(k);
        t.run();
      }
  };
  return { timers, advance, armed: () => due.size };
}

function recording() {
  const drifted: Drift[][] = [];
  const reconciled: ReconcileReport[] = [];
  const reporter: Reporter = {
    reconciled: (r) => {
      reconciled.push(r);
      return Promise.resolve();
    },
    drifted: (d) => {
      drifted.push(d);
      return Promise.resolve();
    },
  };
  return { reporter, drifted, reconciled };
}

const drift = (name: string): Drift => ({
  cluster: 'c1',
  ref: { group: 'apps', kind: 'ReplicaSet', namespace: 'default', name },
  fields: [{ path: 'spec.replicas', from: 1, to: 3 }],
  detectedAt: '2026-05-02T10:00:00.000Z',
  correction: 'notRun',
});

const report = {
  outcome: { status: 'converged', sha: 'x', targets: [], problems: [] },
} as unknown as ReconcileReport;

test('a burst of drift is one report, sent when the watch has been quiet', async () => {
  const t = manualTimers();
  const r = recording();
  const batch = batchDrift(r.reporter, { quietMs: 100, maxWaitMs: 1000, timers: t.timers });
  batch.add(drift('a'));
  t.advance(60);
  batch.add(drift('b'));
  t.advance(60);
  batch.add(drift('c'));
  assert.equal(r.drifted.length, 0, 'nothing while events keep coming');
  t.advance(99);
  assert.equal(r.drifted.length, 0);
  t.advance(1);
  await batch.flush();
  assert.deepEqual(
    r.drifted.map((b) => b.map((d) => d.ref.name)),
    [['a', 'b', 'c']],
  );
  assert.equal(t.armed(), 0, 'no timer left behind');
});

test('a watch that never goes quiet is reported by the deadline, and again after it', () => {
  const t = manualTimers();
  const r = recording();
  const batch = batchDrift(r.reporter, { quietMs: 100, maxWaitMs: 300, timers: t.timers });
  for (let i = 0; i < 7; i++) {
    batch.add(drift(`d${i}`));
    t.advance(50);
  }
  assert.deepEqual(
    r.drifted.map((b) => b.length),
    [6],
    'the first six within the deadline',
  );
  t.advance(100);
  assert.deepEqual(
    r.drifted.map((b) => b.length),
    [6, 1],
  );
});

test('a reconcile report drops the waiting batch; a follower reports nothing', async () => {
  const t = manualTimers();
  const r = recording();
  let leading = true;
  const batch = batchDrift(r.reporter, { quietMs: 100, timers: t.timers, enabled: () => leading });
  batch.add(drift('a'));
  await batch.reporter.reconciled(report);
  t.advance(1000);
  assert.equal(r.drifted.length, 0, 'the reconcile already reported it');
  assert.equal(r.reconciled.length, 1);

  leading = false;
  batch.add(drift('b'));
  t.advance(1000);
  assert.equal(batch.pending(), 0);
  assert.equal(r.drifted.length, 0, 'not the leader');

  leading = true;
  batch.add(drift('c'));
  leading = false;
  t.advance(1000);
  assert.equal(r.drifted.length, 0, 'lost the lease before sending');

  leading = true;
  batch.add(drift('d'));
  await batch.close();
  batch.add(drift('e'));
  assert.deepEqual(
    r.drifted.map((b) => b.map((d) => d.ref.name)),
    [['d']],
    'close sends what waits and takes no more',
  );
});
