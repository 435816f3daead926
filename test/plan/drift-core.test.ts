// The pure drift decision, without a cluster: what is drift, when to correct and when only to
// report (self-heal off, budget spent), with the time given as an argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/model/index.js';
import { createDriftCore } from '../../src/plan/drift.js';
import { configMap } from '../helpers/federation.js';

function edited(desired: KubeObject, rv: number, mode: string, time: string): KubeObject {
  return {
    ...desired,
    data: { mode },
    metadata: {
      ...desired.metadata,
      resourceVersion: String(rv),
      managedFields: [{ manager: 'kubectl-edit', operation: 'Update', time }],
    },
  };
}

const cm = configMap('default', 'cfg', { mode: 'one' });

test('an edit is drift: correct it, as an update of the desired object', () => {
  const core = createDriftCore();
  assert.deepEqual(core.setDesired('a', [cm], { selfHeal: true, now: '2026-01-01T00:00:00Z' }), []);
  const [d, ...rest] = core.observe(
    'a',
    { type: 'MODIFIED', object: edited(cm, 2, 'x', 't1') },
    '2026-01-01T00:00:01Z',
  );
  assert.equal(rest.length, 0);
  assert.equal(d?.decision, 'correct');
  assert.ok(d?.decision === 'correct');
  assert.equal(d.action, 'update');
  assert.equal(d.desired, cm);
  assert.equal(d.finding.manager, 'kubectl-edit');
  assert.equal(d.finding.detectedAt, '2026-01-01T00:00:01Z');
  assert.deepEqual(d.finding.fields, [{ path: 'data.mode', from: 'x', to: 'one' }]);
});

test('a deleted object is corrected by creating it again; with self-heal off only reported', () => {
  const core = createDriftCore();
  core.setDesired('a', [cm], { selfHeal: true, now: '2026-01-01T00:00:00Z' });
  const [d] = core.observe('a', { type: 'DELETED', object: cm }, '2026-01-01T00:00:01Z');
  assert.ok(d?.decision === 'correct');
  assert.equal(d.action, 'create');
  core.correctionFailed('a', d.finding.key);

  core.setDesired('a', [cm], { selfHeal: false, now: '2026-01-01T00:00:02Z' });
  const [r] = core.observe('a', { type: 'DELETED', object: cm }, '2026-01-01T00:00:03Z');
  assert.ok(r?.decision === 'report');
  assert.deepEqual([r.drift.action, r.drift.outcome], ['skip', 'noop']);
  assert.match(r.drift.reason ?? '', /self-heal is off/);
});

test('the correction budget: at most max corrections per window, by the times given', () => {
  const core = createDriftCore({ budget: { max: 2, windowMs: 60_000 } });
  core.setDesired('a', [cm], { selfHeal: true, now: '2026-01-01T00:00:00Z' });
  const decide = (rv: number, at: string) => {
    const [d] = core.observe('a', { type: 'MODIFIED', object: edited(cm, rv, `v${rv}`, at) }, at);
    if (d?.decision === 'correct')
      core.corrected('a', d.finding.key, {
        ...cm,
        metadata: { ...cm.metadata, resourceVersion: String(rv + 1) },
      });
    return d?.decision;
  };
  assert.deepEqual(
    [
      decide(10, '2026-01-01T00:00:10Z'),
      decide(20, '2026-01-01T00:00:20Z'),
      decide(30, '2026-01-01T00:00:30Z'),
      decide(40, '2026-01-01T00:01:11Z'),
    ],
    ['correct', 'correct', 'report', 'correct'],
  );
});

test('while paused, events wait and are decided against the new desired state', () => {
  const core = createDriftCore();
  core.setDesired('a', [cm], { selfHeal: true, now: '2026-01-01T00:00:00Z' });
  core.pause('a');
  const v2 = configMap('default', 'cfg', { mode: 'two' });
  assert.deepEqual(
    core.observe('a', { type: 'MODIFIED', object: edited(cm, 5, 'two', 't1') }, '2026-01-01T00:00:00Z'),
    [],
  );
  // The held event equals the new desired state: no drift once resumed.
  assert.deepEqual(core.setDesired('a', [v2], { selfHeal: true, now: '2026-01-01T00:00:01Z' }), []);
});
