// The one outcome vocabulary: counts derived from plans and results, the terraform-style summary,
// and the names reports give a drift's correction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACTIONS,
  ACTION_SYMBOL,
  Outcome,
  changeSummary,
  countOutcomes,
  driftHandling,
  hasChanges,
} from '../../src/model/index.js';

test('countOutcomes counts planned actions, and results by action only when done or a noop', () => {
  const planned = countOutcomes([{ action: 'create' }, { action: 'replace' }, { action: 'held' }]);
  assert.deepEqual(
    { create: planned.create, replace: planned.replace, held: planned.held, failed: planned.failed },
    { create: 1, replace: 1, held: 1, failed: 0 },
  );
  const applied = countOutcomes([
    { action: 'create', outcome: 'done' },
    { action: 'update', outcome: 'failed' },
    { action: 'delete', outcome: 'notRun' },
    { action: 'unchanged', outcome: 'noop' },
  ]);
  assert.deepEqual(
    { create: applied.create, update: applied.update, delete: applied.delete, unchanged: applied.unchanged },
    { create: 1, update: 0, delete: 0, unchanged: 1 },
  );
  assert.deepEqual([applied.failed, applied.notRun], [1, 1]);
});

test('a replace is one to add and one to destroy; held counts as a change to look at', () => {
  const c = countOutcomes([{ action: 'replace' }, { action: 'adopt' }]);
  assert.deepEqual(changeSummary(c), { add: 1, change: 1, destroy: 1, held: 0 });
  assert.equal(hasChanges(countOutcomes([{ action: 'held' }])), true);
  assert.equal(hasChanges(countOutcomes([{ action: 'unchanged' }, { action: 'skip' }])), false);
});

test('every action has a plan symbol', () => {
  for (const a of ACTIONS) assert.equal(typeof ACTION_SYMBOL[a], 'string', a);
});

test("a drift's correction outcome has one name in reports", () => {
  assert.equal(driftHandling(Outcome.done), 'corrected');
  assert.equal(driftHandling(Outcome.failed), 'failed');
  assert.equal(driftHandling(Outcome.notRun), 'reported');
});
