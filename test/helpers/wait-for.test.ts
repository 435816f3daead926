// waitFor, the tests' only way to wait: it returns what the condition found, and when the condition
// never holds it fails naming what was awaited and the last value or error the condition produced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaitForTimeout, waitFor } from './wait-for.js';

test('resolves with the first value that is neither undefined nor false', async () => {
  let n = 0;
  const got = await waitFor('n to reach 3', () => (++n >= 3 ? { n } : undefined), { intervalMs: 1 });
  assert.deepEqual(got, { n: 3 });
  assert.equal(await waitFor('zero counts as found', () => 0), 0);
  assert.equal(await waitFor('an async condition', () => Promise.resolve('yes')), 'yes');
});

test('times out naming the description and the last value seen', async () => {
  let n = 0;
  await assert.rejects(
    waitFor('the counter to go negative', () => (n++ < 0 ? true : false), { timeoutMs: 50, intervalMs: 5 }),
    (err: Error) => {
      assert.ok(err instanceof WaitForTimeout);
      assert.equal(err.code, 'test.waitFor.timeout');
      assert.match(
        err.message,
        /^timed out after 50 ms \(\d+ checks\) waiting for the counter to go negative;/,
      );
      assert.match(err.message, /last value: false$/);
      return true;
    },
  );
  assert.ok(n > 1, 'checked more than once');
});

test('a condition that throws is retried; the last error is reported and kept as the cause', async () => {
  let n = 0;
  await assert.rejects(
    waitFor(
      'a readable file',
      () => {
        throw new Error(`ENOENT attempt ${++n}`);
      },
      { timeoutMs: 40, intervalMs: 5 },
    ),
    (err: Error) => {
      assert.match(err.message, /waiting for a readable file; last error: Error: ENOENT attempt \d+/);
      assert.match(String((err.cause as Error).message), new RegExp(`ENOENT attempt ${n}$`));
      return true;
    },
  );
  const later = await waitFor('a flaky read to succeed', () => {
    if (++n % 3 !== 0) throw new Error('not yet');
    return 'read';
  });
  assert.equal(later, 'read');
});

test('a condition that never settles is cut off at the deadline', async () => {
  await assert.rejects(
    waitFor('an answer', () => new Promise<never>(() => {}), { timeoutMs: 30 }),
    /waiting for an answer; last error: Error: the condition itself did not settle within \d+ ms/,
  );
});
