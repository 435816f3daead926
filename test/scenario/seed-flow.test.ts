// The seed's flow on the demo world: Ingress + Service + ReplicaSet (+ the TLS Secret) propagated
// to three clusters, replicas spread by the preferences; then a second reconcile writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';

let s: Scenario;
before(async () => {
  s = await startScenario();
});
after(() => s.stop());

const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];

test('apply converges the demo world; a second reconcile makes zero writes', async () => {
  const first = await s.reconcile('fixtures/repos/demo');
  assert.equal(first.status, 'converged', JSON.stringify(first.problems));
  assert.equal(first.counts?.create, 12);
  const replicas: Record<string, number> = {};
  for (const name of CLUSTERS) {
    const sim = s.world.cluster(name)!;
    const kinds = ['Ingress', 'Service', 'Secret', 'ReplicaSet'].map((k) => {
      const apiVersion = k === 'Ingress' ? 'networking.k8s.io/v1' : k === 'ReplicaSet' ? 'apps/v1' : 'v1';
      const t = sim.resource(apiVersion, k);
      const name = k === 'Ingress' ? 'myingress' : k === 'Secret' ? 'myingress-tls' : 'nginx';
      return sim.store.get(t, 'default', name);
    });
    assert.ok(kinds.every(Boolean), `${name} has every object`);
    const rs = kinds[3] as { metadata: { labels: Record<string, string> }; spec: { replicas: number } };
    assert.equal(rs.metadata.labels['app.kubernetes.io/managed-by'], 'fedsync');
    replicas[name] = rs.spec.replicas;
  }
  assert.equal(replicas['gce-asia-east1a'], 4);
  assert.equal(
    Object.values(replicas).reduce((a, b) => a + b, 0),
    9,
  );

  s.resetCounters();
  const second = await s.reconcile('fixtures/repos/demo');
  assert.equal(second.status, 'converged');
  assert.equal(second.counts?.unchanged, 12);
  assert.deepEqual(s.writes(), Object.fromEntries(CLUSTERS.map((c) => [c, 0])));
});
