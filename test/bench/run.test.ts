// The bench runner: a suite that cannot run is printed as skipped with its reason, one that throws
// as FAILED; neither hides the other suites' rows. (Runner and table only: no timing is asserted.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingCommand } from '../../bench/preconditions.js';
import { formatTable, runSuites, unknownSuites } from '../../bench/runner.js';
import { SUITES } from '../../bench/suites.js';
import type { BenchSuite } from '../../bench/types.js';

const measured: BenchSuite = {
  name: 'fast',
  run: () =>
    Promise.resolve([
      {
        kind: 'measured',
        name: 'fast: thing',
        seconds: 1.5,
        baseline: 'cli',
        baselineSeconds: 3,
        ratio: 0.5,
        target: { text: '≤ 1×', met: true },
      },
      { kind: 'skipped', name: 'fast: part needing kubectl', reason: 'kubectl is not installed' },
    ]),
};
let ranUnavailable = false;
const unavailable: BenchSuite = {
  name: 'sync',
  unavailable: () => Promise.resolve('kubectl is not installed or not on PATH'),
  run: () => {
    ranUnavailable = true;
    return Promise.resolve([]);
  },
};
const throwing: BenchSuite = { name: 'broken', run: () => Promise.reject(new Error('server down')) };

test('every suite ends as rows: measured, skipped with a reason, or failed', async () => {
  const rows = await runSuites([measured, unavailable, throwing]);
  assert.deepEqual(
    rows.map((r) => [r.kind, r.name]),
    [
      ['measured', 'fast: thing'],
      ['skipped', 'fast: part needing kubectl'],
      ['skipped', 'sync: every row'],
      ['failed', 'broken'],
    ],
  );
  assert.equal(ranUnavailable, false, 'a suite whose prerequisite is missing is not run');
  assert.deepEqual(rows[2], {
    kind: 'skipped',
    name: 'sync: every row',
    reason: 'kubectl is not installed or not on PATH',
  });
  assert.deepEqual(rows[3], { kind: 'failed', name: 'broken', error: 'server down' });
});

test('a prerequisite check that throws fails its suite only', async () => {
  const rows = await runSuites([
    {
      name: 'odd',
      unavailable: () => Promise.reject(new Error('check crashed')),
      run: () => Promise.resolve([]),
    },
    measured,
  ]);
  assert.deepEqual(
    rows.map((r) => r.kind),
    ['failed', 'measured', 'skipped'],
  );
});

test('naming suites runs only those; unknown names are reported', async () => {
  const rows = await runSuites([measured, unavailable, throwing], ['sync']);
  assert.deepEqual(
    rows.map((r) => r.name),
    ['sync: every row'],
  );
  assert.deepEqual(unknownSuites([measured, unavailable], ['fast', 'nope']), ['nope']);
});

test('the table prints skipped and failed rows with their reason, aligned with measured rows', async () => {
  const lines = formatTable(await runSuites([measured, unavailable, throwing]));
  assert.equal(lines.length, 2 + 4);
  assert.match(
    lines[0]!,
    /^benchmark\s+seconds\s+baseline\s+baseline s\s+ratio\s+target\s+peak RSS MiB\s+note$/,
  );
  assert.match(lines[2]!, /^fast: thing\s+1\.500\s+cli\s+3\.000\s+0\.50\s+≤ 1× met$/);
  assert.match(lines[3]!, /^fast: part needing kubectl\s+skipped\s+kubectl is not installed$/);
  assert.match(lines[4]!, /^sync: every row\s+skipped\s+kubectl is not installed or not on PATH$/);
  assert.match(lines[5]!, /^broken\s+FAILED\s+server down$/);
  const secondsColumn = lines[0]!.indexOf('seconds');
  for (const line of lines.slice(2)) assert.notEqual(line[secondsColumn], ' ', line);
});

test('a missing command is a reason, a present one is not', async () => {
  assert.match(
    (await missingCommand('fedsync-no-such-command')) ?? '',
    /fedsync-no-such-command is not installed/,
  );
  assert.equal(await missingCommand(process.execPath), undefined);
});

test('the registered suites have unique names and include cli, source, planner, sync and load-balancer', () => {
  const names = SUITES.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const name of ['cli', 'source', 'planner', 'sync', 'memory', 'load-balancer'])
    assert.ok(names.includes(name), name);
});
