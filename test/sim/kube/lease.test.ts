// Contract: coordination.k8s.io/v1 Leases through @kubernetes/client-node, as a real API server
// treats them: discovery, MicroTime with exactly six fractional digits (a Date is sent with three and
// refused, kubernetes-client/javascript#828), conditional updates and the Lease validation rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { canonicalMicroTime } from '../../../src/sim/kube/lease.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let coordination: k8s.CoordinationV1Api;
let raw: (path: string) => Promise<unknown>;

before(async () => {
  sim = await testCluster();
  const kc = kubeConfigFor(sim);
  coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  raw = async (path) =>
    (await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.token}` } })).json();
});
after(() => sim.stop());

// client-node types MicroTime as Date; a string passes through its serializer unchanged.
const micro = (s: string): Date => s as unknown as Date;

const lease = (name: string, spec: Record<string, unknown>): k8s.V1Lease => ({
  metadata: { name, namespace: 'default' },
  spec,
});

test('discovery serves coordination.k8s.io/v1 with leases', async () => {
  const groups = (await raw('/apis')) as { groups: { name: string; versions: { version: string }[] }[] };
  const g = groups.groups.find((x) => x.name === 'coordination.k8s.io');
  assert.deepEqual(
    g?.versions.map((v) => v.version),
    ['v1'],
  );
  const list = (await raw('/apis/coordination.k8s.io/v1')) as {
    resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
  };
  const leases = list.resources.find((r) => r.name === 'leases');
  assert.equal(leases?.kind, 'Lease');
  assert.equal(leases?.namespaced, true);
  for (const verb of ['create', 'get', 'update', 'watch']) assert.ok(leases?.verbs.includes(verb), verb);
});

test("a Date as client-node sends it (three fractional digits) is refused with 400, as a real server's decoder does", async () => {
  const s = await rejectsWith(
    coordination.createNamespacedLease({
      namespace: 'default',
      body: lease('ms-precision', { holderIdentity: 'a', renewTime: new Date() }),
    }),
    400,
  );
  assert.equal(s.reason, 'BadRequest');
  assert.match(
    s.message ?? '',
    /cannot be handled as a Lease: parsing time .* as "2006-01-02T15:04:05\.000000Z07:00"/,
  );
  await rejectsWith(coordination.readNamespacedLease({ name: 'ms-precision', namespace: 'default' }), 404);
});

test('MicroTime with six digits is stored and read back in UTC; offsets are converted', async () => {
  const created = await coordination.createNamespacedLease({
    namespace: 'default',
    body: lease('micro', {
      holderIdentity: 'agent-a',
      leaseDurationSeconds: 15,
      acquireTime: micro('2026-03-01T10:00:00.123456+02:00'),
      renewTime: micro('2026-03-01T08:00:01.000001Z'),
      leaseTransitions: 0,
    }),
  });
  assert.equal(created.spec?.holderIdentity, 'agent-a');
  const stored = (await raw('/apis/coordination.k8s.io/v1/namespaces/default/leases/micro')) as {
    spec: Record<string, unknown>;
  };
  assert.equal(stored.spec.acquireTime, '2026-03-01T08:00:00.123456Z');
  assert.equal(stored.spec.renewTime, '2026-03-01T08:00:01.000001Z');
  assert.equal(stored.spec.leaseDurationSeconds, 15);
});

test('a replace carrying a stale resourceVersion gets 409 Conflict; the current one succeeds', async () => {
  const created = await coordination.createNamespacedLease({
    namespace: 'default',
    body: lease('cas', { holderIdentity: 'a', leaseDurationSeconds: 10, leaseTransitions: 0 }),
  });
  const rv = created.metadata?.resourceVersion ?? '';
  const next = await coordination.replaceNamespacedLease({
    name: 'cas',
    namespace: 'default',
    body: {
      ...lease('cas', { holderIdentity: 'b', leaseDurationSeconds: 10, leaseTransitions: 1 }),
      metadata: { name: 'cas', namespace: 'default', resourceVersion: rv },
    },
  });
  assert.notEqual(next.metadata?.resourceVersion, rv);
  const s = await rejectsWith(
    coordination.replaceNamespacedLease({
      name: 'cas',
      namespace: 'default',
      body: {
        ...lease('cas', { holderIdentity: 'c' }),
        metadata: { name: 'cas', namespace: 'default', resourceVersion: rv },
      },
    }),
    409,
  );
  assert.equal(s.reason, 'Conflict');
  assert.match(s.message ?? '', /the object has been modified/);
  const now = await coordination.readNamespacedLease({ name: 'cas', namespace: 'default' });
  assert.equal(now.spec?.holderIdentity, 'b');
  await rejectsWith(
    coordination.createNamespacedLease({ namespace: 'default', body: lease('cas', { holderIdentity: 'd' }) }),
    409,
  );
});

test('validation: the duration must be positive, transitions not negative, integers must be integers', async () => {
  const s = await rejectsWith(
    coordination.createNamespacedLease({
      namespace: 'default',
      body: lease('bad', { leaseDurationSeconds: 0, leaseTransitions: -1 }),
    }),
    422,
  );
  assert.deepEqual(
    s.details?.causes?.map((c) => c.field),
    ['spec.leaseDurationSeconds', 'spec.leaseTransitions'],
  );
  assert.match(s.details?.causes?.[0]?.message ?? '', /must be greater than 0/);
  const t = await rejectsWith(
    coordination.createNamespacedLease({
      namespace: 'default',
      body: lease('bad', { leaseDurationSeconds: 1.5 }),
    }),
    400,
  );
  assert.match(t.message ?? '', /leaseDurationSeconds of type int32/);
});

test('canonicalMicroTime follows Go: six digits, a zone, real dates only', () => {
  assert.equal(canonicalMicroTime('2026-01-02T03:04:05.678901Z'), '2026-01-02T03:04:05.678901Z');
  assert.equal(canonicalMicroTime('2026-01-02T00:30:00.000000-01:00'), '2026-01-02T01:30:00.000000Z');
  for (const bad of [
    '2026-01-02T03:04:05.678Z',
    '2026-01-02T03:04:05Z',
    '2026-01-02T03:04:05.6789012Z',
    '2026-02-30T03:04:05.000000Z',
    '2026-01-02 03:04:05.000000Z',
  ])
    assert.equal(canonicalMicroTime(bad), undefined, bad);
});
