// Contract: every run-time fault as @kubernetes/client-node (or a raw HTTP client) sees it, and the
// request counters that let tests assert "zero writes".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { parseFaultCommand } from '../../../src/sim/kube/faults.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';
import { waitFor } from '../../helpers/wait-for.js';

let sim: SimCluster;
let core: k8s.CoreV1Api;

before(async () => {
  sim = await testCluster();
  core = kubeConfigFor(sim).makeApiClient(k8s.CoreV1Api);
});
after(() => sim.stop());

test('down refuses connections; up reopens the same port', async () => {
  const port = sim.port;
  await sim.setFault({ fault: 'down' });
  await assert.rejects(
    core.listNamespace(),
    (err: Error) =>
      /ECONNREFUSED/.test(`${err.message} ${String(err.cause)}`) || err.message.includes('ECONNREFUSED'),
  );
  await sim.setFault({ fault: 'up' });
  assert.equal(sim.port, port);
  const list = await core.listNamespace();
  assert.ok(list.items.some((n) => n.metadata?.name === 'default'));
});

test('hang accepts connections and never answers until the fault clears', async () => {
  await sim.setFault({ fault: 'hang' });
  const started = fetch(`${sim.url}/api/v1/namespaces`, {
    headers: { authorization: `Bearer ${sim.token}` },
    signal: AbortSignal.timeout(300),
  });
  await assert.rejects(started, (err: Error) => err.name === 'TimeoutError');
  let settled = false;
  const pending = fetch(`${sim.url}/readyz`).then(
    () => (settled = true),
    () => (settled = true),
  );
  // "Never answers" needs no sleep: once the simulator has parked /readyz it can no longer answer it
  // (an answer and parking are the two ends of one request); the client must not have settled.
  await waitFor('/readyz to be held', () => sim.hungRequests().includes('/readyz'));
  assert.equal(settled, false, 'even /readyz hangs');
  await sim.setFault({ fault: 'up' });
  await pending;
  assert.equal((await core.listNamespace()).kind, 'NamespaceList');
});

test('hang ends open watch streams, so clients notice', async () => {
  let established!: Promise<AbortController>;
  const ended = new Promise<void>((resolve, reject) => {
    established = new k8s.Watch(kubeConfigFor(sim)).watch(
      '/api/v1/namespaces',
      {},
      () => undefined,
      () => resolve(),
    );
    established.catch(reject);
  });
  await waitFor('the watch to start', () => sim.counters.snapshot().byVerb.watch?.namespaces);
  // watch() resolves once the 200 response is in and the stream's listeners are attached: from then
  // on an end of the stream reaches the done callback.
  await established;
  await sim.setFault({ fault: 'hang' });
  await ended;
  await sim.setFault({ fault: 'up' });
});

test('errors RATE answers that fraction of requests with 500, 503 or 429 + Retry-After', async () => {
  await sim.setFault({ fault: 'errors', rate: 1 });
  const s = await rejectsWith(core.listNamespace(), 500);
  assert.equal(s.reason, 'InternalError');
  await sim.setFault({ fault: 'errors', rate: 1, code: 429 });
  const res = await fetch(`${sim.url}/api/v1/namespaces`, {
    headers: { authorization: `Bearer ${sim.token}` },
  });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.equal(((await res.json()) as { reason: string }).reason, 'TooManyRequests');
  await sim.setFault({ fault: 'errors', rate: 0.5, code: 503 });
  const codes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await fetch(`${sim.url}/api/v1/namespaces`, {
      headers: { authorization: `Bearer ${sim.token}` },
    });
    codes.push(r.status);
    await r.arrayBuffer();
  }
  assert.equal(codes.filter((c) => c === 503).length, 5);
  assert.equal(codes.filter((c) => c === 200).length, 5);
  await sim.setFault({ fault: 'up' });
  assert.equal(sim.faults().errorRate, 0);
});

test('latency MS delays every answer by at least that much', async () => {
  await sim.setFault({ fault: 'latency', ms: 150 });
  const t0 = performance.now();
  await core.listNamespace();
  assert.ok(performance.now() - t0 >= 140);
  await sim.setFault({ fault: 'latency', ms: 0 });
});

test('capacity N changes how many pods the cluster runs', async () => {
  await sim.setFault({ fault: 'capacity', pods: 7 });
  assert.equal(sim.capacity(), 7);
});

test('fault commands parse as `fedsync sim ctl` takes them', () => {
  assert.deepEqual(parseFaultCommand(['errors', '0.25', '429']), { fault: 'errors', rate: 0.25, code: 429 });
  assert.deepEqual(parseFaultCommand(['latency', '100']), { fault: 'latency', ms: 100 });
  assert.deepEqual(parseFaultCommand(['capacity', '4']), { fault: 'capacity', pods: 4 });
  assert.throws(() => parseFaultCommand(['errors', '2']), /fraction/);
  assert.throws(() => parseFaultCommand(['explode']), /unknown fault/);
});

test('requests are counted by verb and resource; reads alone make zero writes', async () => {
  sim.counters.reset();
  await core.listNamespacedConfigMap({ namespace: 'default' });
  await core.listNamespacedConfigMap({ namespace: 'default' });
  await core.readNamespace({ name: 'default' });
  let s = sim.counters.snapshot();
  assert.equal(s.writes, 0);
  assert.equal(s.reads, 3);
  assert.deepEqual(s.byVerb, { list: { configmaps: 2 }, get: { namespaces: 1 } });
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'counted' } } });
  await core.createNamespacedConfigMap({
    namespace: 'default',
    dryRun: 'All',
    body: { metadata: { name: 'counted2' } },
  });
  s = sim.counters.snapshot();
  assert.equal(s.writes, 2);
  assert.equal(s.dryRunWrites, 1);
  assert.equal(s.changes, 1);
  assert.equal(s.byVerb.create?.configmaps, 2);
});
