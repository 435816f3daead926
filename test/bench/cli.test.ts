// The CLI benchmark's pure parts: medians, GNU time's RSS line, the targets' edges, its registration,
// and how a missed target prints. Nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRss, planTarget, startupTarget, summarize } from '../../bench/cli.js';
import { formatTable } from '../../bench/runner.js';
import { SUITES } from '../../bench/suites.js';

test('summarize takes the median wall time and RSS; RSS only when every run has it', () => {
  assert.deepEqual(
    summarize([
      { seconds: 0.3, rssMiB: 80 },
      { seconds: 0.1, rssMiB: 90 },
      { seconds: 0.2, rssMiB: 70 },
    ]),
    { seconds: 0.2, rssMiB: 80 },
  );
  assert.deepEqual(summarize([{ seconds: 0.1 }, { seconds: 0.3, rssMiB: 5 }]), { seconds: 0.2 });
  assert.throws(() => summarize([]), /no samples/);
});

test('parseRss reads the RSSKB line GNU time prints, in MiB', () => {
  assert.equal(parseRss('some stderr\nRSSKB=40960\n'), 40);
  assert.equal(parseRss('no time here'), undefined);
});

test('targets: start-up within 2.5x of node and 60 MiB; plan within 1 s', () => {
  assert.equal(startupTarget(2.5, 60).met, true);
  assert.equal(startupTarget(2.51, 40).met, false);
  assert.equal(startupTarget(1, 61).met, false);
  assert.equal(startupTarget(1, undefined).met, false, 'an unmeasured RSS does not meet a memory target');
  assert.equal(planTarget(1).met, true);
  assert.equal(planTarget(1.01).met, false);
});

test('the cli suite is registered, and a missed target prints as MISSED', () => {
  assert.ok(SUITES.some((s) => s.name === 'cli'));
  const [, , line] = formatTable([
    {
      kind: 'measured',
      name: 'cli: x',
      seconds: 1,
      baseline: 'node -e 1',
      baselineSeconds: 0.1,
      ratio: 10,
      target: startupTarget(10, 80),
    },
  ]);
  assert.match(line ?? '', /≤ 2\.5× and ≤ 60 MiB MISSED/);
});
