// The transport works out a static credential once per client, and asks client-node again on every
// request when the credential is one that renews (an exec plugin, an auth provider).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { createTransport } from '../../src/kube/transport.js';
import { rawServerKubeConfig } from './raw-server.js';

let server: http.Server;
let seen: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** A kubeconfig for the stand-in server whose credential lookups are counted (and numbered). */
function config(user: User): { kc: KubeConfig; lookups: () => number } {
  const kc = rawServerKubeConfig(server, user);
  let n = 0;
  const real = kc.applyToFetchOptions.bind(kc);
  // The exec plugin is never run: each lookup stands for one renewal and hands out a new token.
  kc.applyToFetchOptions = async (opts) => {
    n++;
    if (!user.exec) return real(opts);
    return { headers: { authorization: `Bearer renewed-${n}` } };
  };
  return { kc, lookups: () => n };
}

const sendThree = async (kc: KubeConfig): Promise<void> => {
  const t = createTransport({ cluster: 'raw', kubeConfig: kc });
  for (let i = 0; i < 3; i++) await t.send({ method: 'GET', path: '/api/v1', timeoutMs: 5000 });
};

test('a token from the kubeconfig is worked out once and sent on every request', async () => {
  seen = [];
  const { kc, lookups } = config({ name: 'u', token: 'static-token' });
  await sendThree(kc);
  assert.equal(lookups(), 1);
  assert.deepEqual(seen, ['Bearer static-token', 'Bearer static-token', 'Bearer static-token']);
});

test('an exec credential is asked for on every request, so a renewed token is sent', async () => {
  seen = [];
  const { kc, lookups } = config({
    name: 'e',
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'never-run' },
  });
  await sendThree(kc);
  assert.equal(lookups(), 3);
  assert.deepEqual(seen, ['Bearer renewed-1', 'Bearer renewed-2', 'Bearer renewed-3']);
});
