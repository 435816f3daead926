// A kept-alive connection that the API server has already closed (its keep-alive timeout ran out
// just as a request went out on it) resets that request. The stand-in server here closes a reused
// connection the moment a request arrives on it, which is that race made certain; every request on
// a new connection is answered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Socket } from 'node:net';
import { createClusterClient } from '../../src/kube/client-node.js';
import { KubeError, KubeErrorCode } from '../../src/kube/port.js';
import { retryPolicy, withRetry } from '../../src/kube/retry.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { configMap, fakeTime, withFakeTime, type FakeTime } from './helpers.js';
import { rawServerKubeConfig } from './raw-server.js';

type Seen = { method: string; path: string; reset: boolean };

let server: http.Server;
let seen: Seen[] = [];
/** How many requests each connection has carried. */
const carried = new WeakMap<Socket, number>();
let connections = 0;

const discovery = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }],
};

before(async () => {
  server = http.createServer((req, res) => {
    const n = (carried.get(req.socket) ?? 0) + 1;
    carried.set(req.socket, n);
    const reset = n > 1;
    seen.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, reset });
    if (reset) {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer =
        req.url === '/api/v1'
          ? discovery
          : req.url === '/readyz'
            ? 'ok'
            : { ...(JSON.parse(body || '{}') as object), metadata: { name: 'cm', namespace: 'default' } };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
after(() => new Promise<void>((r) => server.close(() => r())));

function client(ft: FakeTime): ClusterClient {
  const kc = rawServerKubeConfig(server);
  // One attempt: whatever is sent again here is sent by the stale-connection rule alone.
  return createClusterClient({
    name: 'raw',
    kubeConfig: kc,
    ...withFakeTime(ft, { retry: { maxAttempts: 1 } }),
  });
}

/** A client whose one connection has carried a request (discovery) and is kept alive. */
async function warmClient(ft: FakeTime): Promise<ClusterClient> {
  const c = client(ft);
  await c.resource('v1', 'ConfigMap');
  seen = [];
  connections = 0;
  return c;
}

const cm = configMap('cm', { a: '1' });

test('an apply reset on a kept-alive connection is sent again at once on a new one', async () => {
  const ft = fakeTime();
  const c = await warmClient(ft);
  const applied = await c.apply(cm);
  assert.equal(applied.metadata.name, 'cm');
  assert.deepEqual(
    seen.map((s) => [s.method, s.reset]),
    [
      ['PATCH', true],
      ['PATCH', false],
    ],
  );
  assert.equal(connections, 1, 'the second try went out on a new connection');
  assert.deepEqual(ft.delays, [], 'no backoff: the server did not fail');
});

test('a create reset on a kept-alive connection is not sent again (a POST is not idempotent)', async () => {
  const ft = fakeTime();
  const c = await warmClient(ft);
  await assert.rejects(
    c.create(cm),
    (err: unknown) => err instanceof KubeError && err.code === KubeErrorCode.unreachable,
  );
  assert.deepEqual(
    seen.map((s) => [s.method, s.reset]),
    [['POST', true]],
  );
});

test('a probe reset on a kept-alive connection is sent again at once, not counted as failed', async () => {
  const ft = fakeTime();
  const c = await warmClient(ft);
  await c.probe();
  assert.deepEqual(
    seen.map((s) => [s.path, s.reset]),
    [
      ['/readyz', true],
      ['/readyz', false],
    ],
  );
});

test('the stale-connection retry happens once per request', async () => {
  const stale = new KubeError({
    code: KubeErrorCode.unreachable,
    cluster: 'raw',
    message: 'GET / on raw: unreachable (ECONNRESET)',
    staleConnection: true,
  });
  let calls = 0;
  const ft = fakeTime();
  await assert.rejects(
    withRetry(
      retryPolicy({ maxAttempts: 1, sleep: ft.sleep }),
      () => {
        calls++;
        return Promise.reject(stale);
      },
      { request: { method: 'GET' } },
    ),
    (err: unknown) => err === stale,
  );
  assert.equal(calls, 2);
  assert.deepEqual(ft.delays, []);
});
