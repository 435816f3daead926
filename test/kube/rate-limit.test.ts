// The token bucket on its own, with a fake clock: defaults 50 QPS / burst 300, no limit at qps 0,
// and the switch-off when a response announces API Priority and Fairness (and only then).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRateLimit, tokenBucket } from '../../src/kube/rate-limit.js';

function clock() {
  let t = 0;
  const delays: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      delays.push(ms);
      t += ms;
      return Promise.resolve();
    },
    delays,
  };
}

test('defaults: 300 requests at once, then one every 20 ms (50 QPS)', async () => {
  assert.deepEqual(defaultRateLimit, { qps: 50, burst: 300, followPriorityAndFairness: true });
  const c = clock();
  const bucket = tokenBucket({ now: c.now, sleep: c.sleep });
  for (let i = 0; i < 300; i++) await bucket.take();
  assert.deepEqual(c.delays, []);
  await bucket.take();
  await bucket.take();
  assert.deepEqual(c.delays, [20, 20]);
  assert.equal(bucket.limiting(), true);
});

test('qps 0 means no client-side limit', async () => {
  const c = clock();
  const bucket = tokenBucket({ qps: 0, burst: 1, now: c.now, sleep: c.sleep });
  for (let i = 0; i < 10; i++) await bucket.take();
  assert.deepEqual(c.delays, []);
  assert.equal(bucket.limiting(), false);
});

test('either X-Kubernetes-PF-* header turns the limit off; other headers do not; holds still apply', async () => {
  for (const header of ['x-kubernetes-pf-flowschema-uid', 'x-kubernetes-pf-prioritylevel-uid']) {
    const c = clock();
    const bucket = tokenBucket({ qps: 1, burst: 1, now: c.now, sleep: c.sleep });
    bucket.observe({ 'content-type': 'application/json', 'x-kubernetes-pf-flowschema-uid': '' });
    assert.equal(bucket.limiting(), true, 'an empty value announces nothing');
    await bucket.take();
    await bucket.take();
    assert.deepEqual(c.delays, [1000]);
    bucket.observe({ [header]: '0b6a3c9e-1f0d-4c5e-9a51-2d7c1d3f4e5a' });
    assert.equal(bucket.limiting(), false, header);
    for (let i = 0; i < 5; i++) await bucket.take();
    assert.deepEqual(c.delays, [1000]);
    bucket.holdFor(3000);
    await bucket.take();
    assert.deepEqual(c.delays, [1000, 3000], 'a Retry-After hold is kept');
  }
});
