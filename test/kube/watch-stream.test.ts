// A watch stream that goes silent after its events is declared dead once `inactivityMs` passes with
// nothing more (a half-open connection never ends by itself).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createTransport } from '../../src/kube/transport.js';
import { openWatch } from '../../src/kube/watch-stream.js';
import { KubeError, KubeErrorCode, type WatchEvent } from '../../src/kube/port.js';
import { waitFor } from '../helpers/wait-for.js';
import { rawServerKubeConfig } from './raw-server.js';

let server: http.Server;
let send: ((line: string) => void) | undefined;

before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    send = (line) => res.write(`${line}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

test('events keep a watch alive; silence after them ends it as unreachable', async () => {
  const kc = rawServerKubeConfig(server);
  const events: WatchEvent[] = [];
  let ended: unknown = 'not yet';
  await openWatch({
    transport: createTransport({ cluster: 'raw', kubeConfig: kc }),
    request: { method: 'GET', path: '/api/v1/configmaps', query: { watch: 'true' }, timeoutMs: 5000 },
    info: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
    inactivityMs: 1000,
    onEvent: (e) => events.push(e),
    done: (err) => (ended = err),
  });
  const cm = (n: number) => JSON.stringify({ type: 'ADDED', object: { metadata: { name: `c${n}` } } });
  for (let n = 0; n < 3; n++) {
    send!(cm(n));
    await waitFor(`event ${n} delivered`, () => events.length === n + 1);
  }
  assert.equal(ended, 'not yet', 'alive while events come');
  const err = await waitFor('the watch ended', () => (ended === 'not yet' ? undefined : ended));
  assert.ok(err instanceof KubeError && err.code === KubeErrorCode.unreachable, String(err));
  assert.match(err.message, /WATCH_INACTIVE/);
  assert.deepEqual(
    events.map((e) => [e.object.kind, e.object.metadata.name]),
    [
      ['ConfigMap', 'c0'],
      ['ConfigMap', 'c1'],
      ['ConfigMap', 'c2'],
    ],
  );
});
