// The shared writer lock of one member: writers join one Lease and the last one gives it up; a
// Lease whose renew deadline passed while the process could not renew refuses the very next write,
// before its renewal loop has had a chance to notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdLease } from '../../src/kube/lease-hold.js';
import type { LeaseLock } from '../../src/kube/lease.js';
import { createMemberLock, LockLostError, writesUnder } from '../../src/kube/member-lock.js';
import type { ClusterClient } from '../../src/kube/port.js';

const timing = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function fakeLock(): LeaseLock & { releases: number } {
  const lock = {
    identity: 'me',
    description: 'Lease fedsync-system/fedsync-writer-x in cluster c1',
    releases: 0,
    attempt: () =>
      Promise.resolve({ held: true as const, spec: {}, resourceVersion: '1', transitioned: false }),
    release: () => {
      lock.releases++;
      return Promise.resolve();
    },
    observed: () => undefined,
  };
  return lock;
}

/** A pause that never ends until aborted: the renewal loop never runs (a stalled process). */
const never = (_ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));

const written: string[] = [];
const client = {
  name: 'c1',
  apply: (o: { metadata: { name: string } }) => {
    written.push(o.metadata.name);
    return Promise.resolve(o);
  },
} as unknown as ClusterClient;

test('a lease past its renew deadline refuses the next write, though its loop never ran', async () => {
  let nowMs = 1_000_000;
  const lease = holdLease({
    lock: fakeLock(),
    timing,
    acquiredAtMs: nowMs,
    clock: { now: () => new Date(nowMs) },
    sleep: never,
  });
  const members = createMemberLock(() => Promise.resolve({ held: true, lease }));
  const grant = await members.use();
  assert.ok(grant.held);
  const guarded = writesUnder(client, grant.use);
  await guarded.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before' } });
  nowMs += timing.renewDeadlineMs; // the process was busy: no renewal ran
  await assert.rejects(
    guarded.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } }),
    (err: unknown) =>
      err instanceof LockLostError &&
      /writer lock was lost: .*not renewed within the deadline/.test(err.message),
  );
  assert.deepEqual(written, ['before']);
  assert.ok(grant.use.signal.aborted, 'the writers sharing it are stopped too');
  await grant.use.done();
});

test('writers share one Lease; the last one to finish gives it up', async () => {
  const lock = fakeLock();
  let takes = 0;
  const members = createMemberLock(() => {
    takes++;
    return Promise.resolve({
      held: true,
      lease: holdLease({ lock, timing, acquiredAtMs: Date.now(), sleep: never }),
    });
  });
  const [a, b] = await Promise.all([members.use(), members.use()]);
  assert.ok(a.held && b.held);
  assert.equal(takes, 1, 'taken once for both');
  await a.use.done();
  assert.equal(lock.releases, 0, 'kept while another writer uses it');
  assert.ok(b.use.held());
  await b.use.done();
  assert.equal(lock.releases, 1, 'given up by the last one');
  const c = await members.use();
  assert.ok(c.held);
  assert.equal(takes, 2, 'taken again by the next writer');
  await c.use.done();
  assert.equal(members.users(), 0);
});

test('a refusal names the holder and keeps no share', async () => {
  const members = createMemberLock(() =>
    Promise.resolve({
      held: false,
      code: 'lock.held',
      message: 'another writer has the lock: held by agent-7',
    }),
  );
  const grant = await members.use();
  assert.equal(grant.held, false);
  assert.match(!grant.held ? grant.message : '', /held by agent-7/);
  assert.equal(members.users(), 0);
});
