// Contract: how the ClusterClient behaves under faults: 429 with Retry-After, 5xx, hangs, a cluster
// that is down, and probe. Sleeps and the clock are fake, so no test waits for a backoff.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createClusterClient } from '../../src/kube/client-node.js';
import { KubeError, KubeErrorCode } from '../../src/kube/port.js';
import type { KubeObject } from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { configMap, fakeTime, simClient, testCluster, withFakeTime } from './helpers.js';

let sim: SimCluster;

before(async () => {
  sim = await testCluster();
});
after(() => sim.stop());

const cm = (name: string): KubeObject => configMap(name, { a: '1' });

const isKubeError = (code: string) => (err: unknown) => err instanceof KubeError && err.code === code;

test('429 with Retry-After: waits what the server said, then succeeds', async () => {
  const ft = fakeTime();
  const client = simClient(sim, withFakeTime(ft));
  await client.resource('v1', 'ConfigMap'); // discovery outside the fault
  await sim.setFault({ fault: 'errors', rate: 1, code: 429 });
  ft.onSleep = () => sim.setFault({ fault: 'up' });
  const applied = await client.apply(cm('throttled'));
  assert.equal(applied.metadata.name, 'throttled');
  assert.deepEqual(ft.delays, [1000], 'Retry-After: 1, and the token bucket waits no longer');
});

test('5xx is retried with jittered exponential backoff, then given up after maxAttempts', async () => {
  const ft = fakeTime();
  const client = simClient(sim, withFakeTime(ft, { retry: { maxAttempts: 3, baseDelayMs: 200 } }));
  await client.resource('v1', 'ConfigMap');
  await sim.setFault({ fault: 'errors', rate: 1, code: 503 });
  let sleeps = 0;
  ft.onSleep = async () => {
    if (++sleeps === 2) await sim.setFault({ fault: 'up' });
  };
  await client.apply(cm('flaky'));
  assert.deepEqual(ft.delays, [100, 200], 'random 0.5 × min(max, 200 × 2^attempt)');

  ft.onSleep = undefined;
  ft.delays.length = 0;
  await sim.setFault({ fault: 'errors', rate: 1, code: 500 });
  try {
    await assert.rejects(client.apply(cm('broken')), (err: unknown) => {
      assert.ok(err instanceof KubeError);
      assert.equal(err.code, KubeErrorCode.serverError);
      assert.equal(err.status, 500);
      // The Status message, and nothing else of the body.
      assert.match(err.message, /: HTTP 500 InternalError: simulated fault: internal error$/);
      assert.doesNotMatch(err.message, /"kind"|Failure/);
      return true;
    });
    assert.equal(ft.delays.length, 2, '3 attempts, 2 waits');
  } finally {
    await sim.setFault({ fault: 'up' });
  }
});

test('a terminal error is not retried', async () => {
  const ft = fakeTime();
  const client = simClient(sim, withFakeTime(ft));
  const before = sim.counters.snapshot().byVerb.patch?.secrets ?? 0;
  const bad = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'UPPER', namespace: 'default' } };
  await assert.rejects(client.apply(bad), isKubeError(KubeErrorCode.invalid));
  assert.equal((sim.counters.snapshot().byVerb.patch?.secrets ?? 0) - before, 1);
  assert.deepEqual(ft.delays, []);
});

test('a hanging cluster gives kube.timeout, once: a timeout is not retried; probe says why', async () => {
  const client = simClient(sim, { timeoutMs: 150 });
  await client.resource('v1', 'ConfigMap');
  await sim.setFault({ fault: 'hang' });
  try {
    await assert.rejects(
      client.get({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: 'default', name: 'x' }),
      isKubeError(KubeErrorCode.timeout),
    );
    assert.equal(sim.hungRequestCount(), 1, 'one request, not one per retry attempt');
    await assert.rejects(client.probe(), isKubeError(KubeErrorCode.timeout));
  } finally {
    await sim.setFault({ fault: 'up' });
  }
  await client.probe();
});

test('a cluster that is down gives kube.unreachable; probe says false, then true when back', async () => {
  const ft = fakeTime();
  const client = simClient(sim, withFakeTime(ft, { retry: { maxAttempts: 2 } }));
  await sim.setFault({ fault: 'down' });
  try {
    await assert.rejects(
      client.list({ apiVersion: 'v1', kind: 'Node' }),
      isKubeError(KubeErrorCode.unreachable),
    );
    assert.equal(ft.delays.length, 1, 'unreachable is transient: retried once with maxAttempts 2');
    await assert.rejects(client.probe(), (err: unknown) => {
      assert.ok(isKubeError(KubeErrorCode.unreachable)(err));
      assert.match((err as Error).message, /ECONNREFUSED/);
      return true;
    });
  } finally {
    await sim.setFault({ fault: 'up' });
  }
  await client.probe();
});

test('without API Priority and Fairness the token bucket spaces requests beyond the burst', async () => {
  const plain = await testCluster({ priorityAndFairness: false });
  try {
    const ft = fakeTime();
    const client = simClient(plain, withFakeTime(ft, { rateLimit: { qps: 10, burst: 2 } }));
    await client.resource('v1', 'ConfigMap'); // 1 token
    for (const n of ['b1', 'b2', 'b3']) await client.apply(cm(n));
    assert.deepEqual(ft.delays, [100, 100], 'burst 2, then one request per 100 ms at 10 qps');
  } finally {
    await plain.stop();
  }
});

test('an API server announcing Priority and Fairness is not limited client-side; Retry-After still holds', async () => {
  const ft = fakeTime();
  const client = simClient(sim, withFakeTime(ft, { rateLimit: { qps: 10, burst: 2 } }));
  await client.resource('v1', 'ConfigMap'); // the first answer carries the X-Kubernetes-PF-* headers
  for (const n of ['pf1', 'pf2', 'pf3', 'pf4']) await client.apply(cm(n));
  assert.deepEqual(ft.delays, [], 'no client-side spacing');

  await sim.setFault({ fault: 'errors', rate: 1, code: 429 });
  ft.onSleep = () => sim.setFault({ fault: 'up' });
  await client.apply(cm('pf-throttled'));
  assert.deepEqual(ft.delays, [1000], "the server's Retry-After is honoured");
});

test('followPriorityAndFairness: false keeps the client-side limit on such a server', async () => {
  const ft = fakeTime();
  const client = simClient(
    sim,
    withFakeTime(ft, { rateLimit: { qps: 10, burst: 2, followPriorityAndFairness: false } }),
  );
  await client.resource('v1', 'ConfigMap');
  for (const n of ['nf1', 'nf2', 'nf3']) await client.apply(cm(n));
  assert.deepEqual(ft.delays, [100, 100]);
});

test('probe falls back to /healthz when /readyz is 404', async () => {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(req.url === '/healthz' ? 200 : 404).end(req.url === '/healthz' ? 'ok' : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const kc = new KubeConfig();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kc.loadFromOptions({
      clusters: [{ name: 'old', server: url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'old', cluster: 'old', user: 'u' }],
      currentContext: 'old',
    });
    await createClusterClient({ kubeConfig: kc }).probe();
    assert.deepEqual(paths, ['/readyz', '/healthz']);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
