// A failed request carries the server's reason and Status message (what a person needs to act), but
// never the body beyond that message and never a value of the Secret it sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { safeStatusMessage } from '../../src/kube/errors.js';
import { KubeError, KubeErrorCode, type ClusterClient } from '../../src/kube/port.js';
import { createTransport } from '../../src/kube/transport.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { configMap, simClient, testCluster } from './helpers.js';
import { rawServerKubeConfig } from './raw-server.js';

const SECRET = 'hunter2-do-not-print';
let sim: SimCluster;
let client: ClusterClient;

before(async () => {
  sim = await testCluster();
  client = simClient(sim);
});
after(() => sim.stop());

async function failure(p: Promise<unknown>): Promise<KubeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof KubeError, String(err));
    return err;
  }
  assert.fail('expected the request to fail');
}

test('a missing namespace: the server says which', async () => {
  const err = await failure(
    client.apply({ ...configMap('c', { a: '1' }), metadata: { name: 'c', namespace: 'tenant-b' } }),
  );
  assert.equal(err.code, KubeErrorCode.notFound);
  assert.match(
    err.message,
    /^PATCH \/api\/v1\/namespaces\/tenant-b\/configmaps\/c on \S+: HTTP 404 NotFound: namespaces "tenant-b" not found$/,
  );
});

test('a Secret the server cannot decode: its reason, no value', async () => {
  const err = await failure(
    client.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'default' },
      data: { password: `${SECRET}!` },
    }),
  );
  assert.equal(err.code, KubeErrorCode.invalid);
  assert.match(
    err.message,
    /HTTP 400 BadRequest: Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 7$/,
  );
  assert.ok(!err.message.includes(SECRET));
});

test('a message that quotes the request: decoder context cut, Secret values redacted', async () => {
  const answers: Record<string, unknown>[] = [
    {
      kind: 'Status',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
      // What json-iterator decoders of older servers append: the request around the error.
      message: `Secret in version "v1" cannot be handled as a Secret: v1.Secret.Data: decode base64: illegal base64 data at input byte 7, error found in #10 byte of ...|{"password":"${SECRET}"}|..., bigger context ...|"data":{"password":"${SECRET}"}|...`,
    },
    {
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: `admission webhook "policy.example.com" denied the request: password ${SECRET} is too weak, pin "1234" too`,
      details: { causes: [{ message: `the body: ${SECRET}` }] },
      extra: SECRET,
    },
  ];
  const server = http.createServer((req, res) => {
    req.resume();
    const body = answers.shift() ?? {};
    res.writeHead(Number(body.code ?? 500), { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const kc = rawServerKubeConfig(server);
    const transport = createTransport({ cluster: 'raw', kubeConfig: kc });
    const send = (data: Record<string, unknown>) =>
      transport.send({
        method: 'PATCH',
        path: '/api/v1/namespaces/default/secrets/db',
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, ...data }),
        timeoutMs: 5000,
      });
    const decode = await failure(send({ data: { password: Buffer.from(SECRET).toString('base64') } }));
    assert.equal(
      decode.message,
      'PATCH /api/v1/namespaces/default/secrets/db on raw: HTTP 400 BadRequest: Secret in version "v1" cannot be handled as a Secret: v1.Secret.Data: decode base64: illegal base64 data at input byte 7',
    );
    const webhook = await failure(send({ stringData: { password: SECRET, pin: '1234' } }));
    assert.equal(
      webhook.message,
      'PATCH /api/v1/namespaces/default/secrets/db on raw: HTTP 403 Forbidden: admission webhook "policy.example.com" denied the request: password (redacted) is too weak, pin "(redacted)" too',
    );
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('safeStatusMessage: short values only where quoted, long messages cut', () => {
  assert.equal(
    safeStatusMessage('key a: value "abc" rejected', ['abc']),
    'key a: value "(redacted)" rejected',
  );
  assert.equal(safeStatusMessage('x'.repeat(1000)).length, 401);
});
