// The one outcome vocabulary: counts come from tally() alone, for planned actions and for results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, addCounts, changes, emptyCounts, tally, writes } from '../../src/model/index.js';

test('tally counts planned actions by action', () => {
  const n = tally([
    { action: 'create' },
    { action: 'create' },
    { action: 'replace' },
    { action: 'held' },
    { action: 'unchanged' },
  ]);
  assert.equal(n.create, 2);
  assert.equal(n.replace, 1);
  assert.equal(n.held, 1);
  assert.equal(n.unchanged, 1);
  assert.equal(n.failed + n.notRun, 0);
  assert.equal(changes(n), 4, 'unchanged is not a change; held is (once approved)');
});

test('tally counts results: failed and not-run ones apart from what was done', () => {
  const n = tally([
    { action: 'create', outcome: 'done' },
    { action: 'create', outcome: 'failed' },
    { action: 'delete', outcome: 'notRun' },
    { action: 'held', outcome: 'noop' },
  ]);
  assert.deepEqual([n.create, n.delete, n.failed, n.notRun, n.held], [1, 0, 1, 1, 1]);
});

test('every action has a count; addCounts sums; writes says which actions write', () => {
  const keys = Object.keys(emptyCounts()).sort();
  assert.deepEqual(keys, [...ACTIONS, 'failed', 'notRun'].sort());
  const sum = addCounts([tally([{ action: 'adopt' }]), tally([{ action: 'adopt' }, { action: 'skip' }])]);
  assert.equal(sum.adopt, 2);
  assert.equal(sum.skip, 1);
  assert.deepEqual(ACTIONS.filter(writes), ['create', 'update', 'adopt', 'replace', 'delete']);
});
