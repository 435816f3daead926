// The per-cluster circuit breaker: only silence (timeout, refused, TLS) counts towards opening; once
// open, requests fail at once without reaching the cluster; after the half-open delay one trial goes
// through and its answer closes the circuit again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterBreaker, guardedClient, isNoAnswer } from '../../src/kube/breaker.js';
import { KubeError, KubeErrorCode } from '../../src/kube/port.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { waitFor } from '../helpers/wait-for.js';

const silence = (): KubeError =>
  new KubeError({
    code: KubeErrorCode.timeout,
    cluster: 'c1',
    message: 'GET /readyz on c1: no answer within 10 ms',
  });
const answered = (): KubeError =>
  new KubeError({ code: KubeErrorCode.serverError, cluster: 'c1', message: 'HTTP 500', status: 500 });

/** A client whose probe does what `next` says, counting the requests that reached it. */
function countingClient(next: { fail?: () => KubeError }) {
  let reached = 0;
  const client = {
    name: 'c1',
    probe: () => {
      reached++;
      return next.fail ? Promise.reject(next.fail()) : Promise.resolve();
    },
  } as unknown as ClusterClient;
  return { client, reached: () => reached };
}

test('only unanswered requests count: timeout, refused and TLS, not an error status', () => {
  assert.equal(isNoAnswer(silence()), true);
  assert.equal(
    isNoAnswer(new KubeError({ code: KubeErrorCode.unreachable, cluster: 'c1', message: 'x' })),
    true,
  );
  assert.equal(isNoAnswer(new KubeError({ code: KubeErrorCode.tls, cluster: 'c1', message: 'x' })), true);
  assert.equal(isNoAnswer(answered()), false);
  assert.equal(isNoAnswer(new Error('plain')), false);
});

test('opens after 3 unanswered requests in a row; then fails at once without sending', async () => {
  const next: { fail?: () => KubeError } = { fail: silence };
  const { client, reached } = countingClient(next);
  const breaker = createClusterBreaker('c1', { failures: 3, halfOpenAfterMs: 60_000 });
  const opened: KubeError[] = [];
  breaker.onOpen((f) => opened.push(f));
  const guarded = guardedClient(client, breaker);
  for (let i = 0; i < 2; i++) await assert.rejects(guarded.probe(), { code: KubeErrorCode.timeout });
  assert.equal(breaker.state(), 'closed', 'two failures are not enough');
  await assert.rejects(guarded.probe(), { code: KubeErrorCode.timeout });
  assert.equal(breaker.state(), 'open');
  assert.equal(opened.length, 1);
  assert.match(opened[0]!.message, /no answer within 10 ms/);
  await assert.rejects(guarded.probe(), (err: KubeError) => {
    assert.equal(err.code, KubeErrorCode.circuitOpen);
    assert.match(
      err.message,
      /c1 is cut off: 3 request\(s\) in a row got no answer \(last: .*no answer within 10 ms\)/,
    );
    return true;
  });
  assert.equal(reached(), 3, 'the open circuit sent nothing');
  assert.equal(breaker.lastFailure()?.code, KubeErrorCode.timeout);
});

test('an answer in between resets the count: error statuses never open the circuit', async () => {
  const next: { fail?: () => KubeError } = { fail: silence };
  const { client } = countingClient(next);
  const breaker = createClusterBreaker('c1', { failures: 3, halfOpenAfterMs: 60_000 });
  const guarded = guardedClient(client, breaker);
  for (let round = 0; round < 3; round++) {
    next.fail = silence;
    await assert.rejects(guarded.probe());
    await assert.rejects(guarded.probe());
    next.fail = answered;
    await assert.rejects(guarded.probe(), { code: KubeErrorCode.serverError });
  }
  for (let i = 0; i < 5; i++) await assert.rejects(guarded.probe(), { code: KubeErrorCode.serverError });
  assert.equal(breaker.state(), 'closed');
});

test('half-open after the delay: one trial goes through; its answer closes the circuit', async () => {
  const next: { fail?: () => KubeError } = { fail: silence };
  const { client, reached } = countingClient(next);
  const breaker = createClusterBreaker('c1', { failures: 1, halfOpenAfterMs: 30 });
  const guarded = guardedClient(client, breaker);
  await assert.rejects(guarded.probe(), { code: KubeErrorCode.timeout });
  assert.equal(breaker.state(), 'open');
  // The trial fails: open again, nothing more sent until the next delay.
  await waitFor('a trial request to be let through', async () => {
    await guarded.probe().catch(() => {});
    return reached() === 2;
  });
  assert.equal(breaker.state(), 'open');
  next.fail = undefined;
  await waitFor('the next trial to close the circuit', async () => {
    await guarded.probe().catch(() => {});
    return breaker.state() === 'closed';
  });
  assert.equal(reached(), 3, 'exactly one request per trial');
  await guarded.probe();
  assert.equal(reached(), 4);
});
