// The Lease lock on @kubernetes/client-node's CoordinationV1Api against a simulated cluster: create,
// renew, contention, races (every write conditional on the resourceVersion read), release, and the
// bounded wait of a second writer that fails naming the holder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import {
  clientNodeLeaseApi,
  createLeaseLock,
  LeaseError,
  LeaseErrorCode,
  toMicroTime,
  type LeaseApi,
} from '../../src/kube/lease.js';
import { acquireWriterLock, writerLeaseName } from '../../src/agent/leader/writer-lock.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { kubeConfigFor, testCluster } from '../sim/kube/helpers.js';

let sim: SimCluster;
let n = 0;

before(async () => {
  sim = await testCluster();
});
after(() => sim.stop());

const leaseApi = (name: string): LeaseApi =>
  clientNodeLeaseApi({ kubeConfig: kubeConfigFor(sim), namespace: 'default', name, cluster: 'eu-1' });

const stored = (name: string): Record<string, unknown> | undefined => {
  const o = sim.store.get(sim.resource('coordination.k8s.io/v1', 'Lease'), 'default', name);
  return o?.spec as Record<string, unknown> | undefined;
};

const fresh = (): string => `lock-${++n}`;

describe('lease lock', () => {
  test('toMicroTime writes six fractional digits', () => {
    assert.equal(toMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000Z');
  });

  test('the first attempt creates the Lease; the holder renews; another identity is told who holds it', async () => {
    const name = fresh();
    const a = createLeaseLock({ api: leaseApi(name), identity: 'agent-a', leaseDurationSeconds: 15 });
    const b = createLeaseLock({ api: leaseApi(name), identity: 'agent-b', leaseDurationSeconds: 15 });
    const first = await a.attempt();
    assert.ok(first.held);
    assert.equal(first.transitioned, true);
    const spec = stored(name) ?? {};
    assert.equal(spec.holderIdentity, 'agent-a');
    assert.equal(spec.leaseDurationSeconds, 15);
    assert.equal(spec.leaseTransitions, 0);
    assert.match(String(spec.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const acquired = spec.acquireTime;

    const other = await b.attempt();
    assert.equal(other.held, false);
    if (!other.held) {
      assert.equal(other.holder, 'agent-a');
      assert.ok(other.expiresInMs > 0 && other.expiresInMs <= 15_000);
    }
    assert.equal(stored(name)?.holderIdentity, 'agent-a', 'a follower never writes');

    const rvBefore = first.resourceVersion;
    const renewed = await a.attempt();
    assert.ok(renewed.held);
    assert.equal(renewed.transitioned, false);
    assert.notEqual(renewed.resourceVersion, rvBefore);
    assert.equal(stored(name)?.acquireTime, acquired, 'renewing keeps acquireTime');
    assert.equal(stored(name)?.leaseTransitions, 0);
  });

  test('two contenders for a missing Lease: exactly one wins, the other sees it held', async () => {
    const name = fresh();
    const locks = ['x', 'y', 'z'].map((id) =>
      createLeaseLock({ api: leaseApi(name), identity: id, leaseDurationSeconds: 15 }),
    );
    const results = await Promise.all(locks.map((l) => l.attempt()));
    const winners = results.filter((r) => r.held);
    assert.equal(winners.length, 1, JSON.stringify(results));
    const holder = stored(name)?.holderIdentity;
    for (const r of results) if (!r.held) assert.equal(r.holder, holder);
  });

  test('an update that lost a race (409) re-reads and decides again', async () => {
    const name = fresh();
    const api = leaseApi(name);
    const a = createLeaseLock({ api, identity: 'agent-a', leaseDurationSeconds: 1 });
    assert.ok((await a.attempt()).held);
    // b reads an expired-looking Lease (duration 1 s, first seen long ago on its fake clock), but
    // a renews between b's read and b's write: b's update must fail on the resourceVersion.
    let t = 1_000_000;
    let raced = false;
    const racing: LeaseApi = {
      ...api,
      async update(spec, rv, signal) {
        if (!raced) {
          raced = true;
          const renewal = await a.attempt();
          assert.ok(renewal.held);
        }
        return api.update(spec, rv, signal);
      },
    };
    const b = createLeaseLock({
      api: racing,
      identity: 'agent-b',
      leaseDurationSeconds: 1,
      clock: { now: () => new Date(t) },
    });
    assert.equal((await b.attempt()).held, false, 'first sight: b waits a full duration');
    t += 5_000;
    const after = await b.attempt();
    assert.ok(raced, 'the race happened');
    assert.equal(after.held, false, 'after the 409, b re-read and saw a fresh renewal by a');
    assert.equal(stored(name)?.holderIdentity, 'agent-a');
  });

  test('an expired Lease is taken over, counting one transition', async () => {
    const name = fresh();
    let t = 5_000_000;
    const clock = { now: () => new Date(t) };
    const a = createLeaseLock({ api: leaseApi(name), identity: 'agent-a', leaseDurationSeconds: 2, clock });
    const b = createLeaseLock({ api: leaseApi(name), identity: 'agent-b', leaseDurationSeconds: 2, clock });
    assert.ok((await a.attempt()).held);
    assert.equal((await b.attempt()).held, false);
    t += 1_999;
    assert.equal((await b.attempt()).held, false, 'not expired yet on b’s clock');
    t += 2;
    const taken = await b.attempt();
    assert.ok(taken.held && taken.transitioned);
    assert.equal(stored(name)?.holderIdentity, 'agent-b');
    assert.equal(stored(name)?.leaseTransitions, 1);
    const back = await a.attempt();
    assert.equal(back.held, false, 'the old holder now sees b');
  });

  test('release clears the holder so a waiter takes over at once', async () => {
    const name = fresh();
    const a = createLeaseLock({ api: leaseApi(name), identity: 'agent-a', leaseDurationSeconds: 60 });
    const b = createLeaseLock({ api: leaseApi(name), identity: 'agent-b', leaseDurationSeconds: 60 });
    assert.ok((await a.attempt()).held);
    assert.equal((await b.attempt()).held, false);
    await b.release();
    assert.equal(stored(name)?.holderIdentity, 'agent-a', 'a non-holder cannot release');
    await a.release();
    assert.equal(stored(name)?.holderIdentity, '');
    const taken = await b.attempt();
    assert.ok(taken.held);
    assert.equal(stored(name)?.leaseTransitions, 1);
  });

  test('an unreachable API is LeaseError unavailable, without the request in the message', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: 'http://127.0.0.1:9', skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token-value' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
      currentContext: 'gone',
    });
    const lock = createLeaseLock({
      api: clientNodeLeaseApi({ kubeConfig: kc, namespace: 'default', name: 'x' }),
      identity: 'a',
      leaseDurationSeconds: 5,
    });
    await assert.rejects(lock.attempt(), (err: unknown) => {
      assert.ok(err instanceof LeaseError);
      assert.equal(err.code, LeaseErrorCode.unavailable);
      assert.match(err.message, /^Lease default\/x in cluster gone: read failed/);
      assert.doesNotMatch(err.message, /secret-token-value/);
      return true;
    });
  });
});

describe('writer lock', () => {
  test('a second writer waits a bounded time, then fails naming the holder', async () => {
    const name = writerLeaseName(`shop-${++n}`);
    const timing = { leaseDurationSeconds: 30, renewDeadlineMs: 20_000, retryPeriodMs: 50 };
    const first = await acquireWriterLock({ api: leaseApi(name), identity: 'agent-7f9c', timing, waitMs: 0 });
    let attempts = 0;
    const counting = leaseApi(name);
    const api: LeaseApi = {
      ...counting,
      get: (signal) => {
        attempts++;
        return counting.get(signal);
      },
    };
    try {
      await assert.rejects(
        acquireWriterLock({ api, identity: 'fedsync-apply-laptop', timing, waitMs: 300 }),
        (err: unknown) => {
          assert.ok(err instanceof LeaseError);
          assert.equal(err.code, LeaseErrorCode.held);
          assert.match(
            err.message,
            new RegExp(
              `^Lease default/${name} in cluster eu-1 is held by agent-7f9c \\(renewed .*Z, lease 30 s, free in at most \\d+ s\\); waited 0\\.3 s$`,
            ),
          );
          return true;
        },
      );
      assert.ok(attempts > 1, `it kept trying during the wait (${attempts} attempts)`);
      assert.ok(first.held());
    } finally {
      await first.release();
    }
    assert.equal(stored(name)?.holderIdentity, '');
  });

  test('a writer waiting for the lock gets it when the holder releases', async () => {
    const name = writerLeaseName(`shop-${++n}`);
    const timing = { leaseDurationSeconds: 30, renewDeadlineMs: 20_000, retryPeriodMs: 20 };
    const first = await acquireWriterLock({ api: leaseApi(name), identity: 'first', timing, waitMs: 0 });
    const second = acquireWriterLock({ api: leaseApi(name), identity: 'second', timing, waitMs: 20_000 });
    await first.release();
    assert.equal(first.held(), false);
    assert.ok(first.signal.aborted, 'writes under a released lock are told to stop');
    const held = await second;
    try {
      assert.ok(held.held());
      assert.equal(stored(name)?.holderIdentity, 'second');
    } finally {
      await held.release();
    }
  });
});
