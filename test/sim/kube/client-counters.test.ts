// The simulator counts requests per client (the User-Agent header), so a test can tell which of two
// agents wrote: fedsync's own client and its Lease requests both send the identity they are given.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterClient } from '../../../src/kube/client-node.js';
import { clientNodeLeaseApi, createLeaseLock } from '../../../src/kube/lease.js';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, testCluster } from './helpers.js';

let sim: SimCluster;
before(async () => {
  sim = await testCluster();
});
after(() => sim.stop());

test('reads, writes and changes are counted per User-Agent, Lease requests included', async () => {
  sim.counters.reset();
  const a = createClusterClient({ kubeConfig: kubeConfigFor(sim), userAgent: 'fedsync/1 (agent-a)' });
  const b = createClusterClient({ kubeConfig: kubeConfigFor(sim), userAgent: 'fedsync/1 (agent-b)' });
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'counted', namespace: 'default' },
    data: { a: '1' },
  };
  await a.apply(cm);
  await a.apply(cm); // the same again: a write request, but no change
  await b.get({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: 'default', name: 'counted' });
  const lock = createLeaseLock({
    api: clientNodeLeaseApi({
      kubeConfig: kubeConfigFor(sim),
      namespace: 'default',
      name: 'counted-lease',
      userAgent: 'fedsync/1 (agent-b)',
    }),
    identity: 'agent-b',
    leaseDurationSeconds: 15,
  });
  assert.ok((await lock.attempt()).held);

  const s = sim.counters.snapshot();
  const ca = s.byClient['fedsync/1 (agent-a)'];
  const cb = s.byClient['fedsync/1 (agent-b)'];
  assert.ok(ca && cb, `clients seen: ${Object.keys(s.byClient).join(', ')}`);
  assert.equal(ca.writes, 2);
  assert.equal(ca.changes, 1);
  assert.deepEqual(ca.writesByResource, { patch: { configmaps: 2 } });
  // b read the ConfigMap, then read and created the Lease.
  assert.equal(cb.writes, 1);
  assert.deepEqual(cb.writesByResource, { create: { 'leases.coordination.k8s.io': 1 } });
  assert.ok(cb.reads >= 2);
  assert.equal(s.writes, 3);
});
