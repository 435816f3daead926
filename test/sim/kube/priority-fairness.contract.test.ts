// API Priority and Fairness as the simulator announces it, like a real API server: the FlowSchema
// and PriorityLevel UIDs on every response after authentication (lists, watches, discovery,
// health, a 429 from the fault gate), none on a 401, none when the cluster is started without APF.
// Checked with raw HTTP and, when it is on the PATH, with kubectl -v=8 (it prints response headers).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { testCluster } from './helpers.js';

const FLOW = 'x-kubernetes-pf-flowschema-uid';
const LEVEL = 'x-kubernetes-pf-prioritylevel-uid';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: SimCluster;
let plain: SimCluster;

before(async () => {
  sim = await testCluster();
  plain = await testCluster({ priorityAndFairness: false });
});
after(async () => {
  await sim.stop();
  await plain.stop();
});

async function headersOf(cluster: SimCluster, path: string, token = cluster.token): Promise<Headers> {
  const controller = new AbortController();
  const res = await fetch(`${cluster.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  controller.abort(); // a watch would stream on; the headers are all this test needs
  return res.headers;
}

test('every authenticated answer names a FlowSchema and a PriorityLevel, the same ones each time', async () => {
  const paths = [
    '/api',
    '/apis',
    '/api/v1/namespaces',
    '/api/v1/namespaces/default/configmaps?watch=true',
    '/readyz',
  ];
  const seen = new Set<string>();
  for (const path of paths) {
    const h = await headersOf(sim, path);
    assert.match(h.get(FLOW) ?? '', UUID, path);
    assert.match(h.get(LEVEL) ?? '', UUID, path);
    seen.add(`${h.get(FLOW)} ${h.get(LEVEL)}`);
  }
  assert.equal(seen.size, 1);
});

test('a 429 from the fault gate carries them too; a 401 and an APF-less server do not', async () => {
  await sim.setFault({ fault: 'errors', rate: 1, code: 429 });
  try {
    const h = await headersOf(sim, '/api/v1/namespaces');
    assert.equal(h.get('retry-after'), '1');
    assert.match(h.get(FLOW) ?? '', UUID);
  } finally {
    await sim.setFault({ fault: 'up' });
  }
  const unauthorized = await headersOf(sim, '/api/v1/namespaces', 'wrong-token');
  assert.equal(unauthorized.get(FLOW), null, 'authentication runs before APF');
  const old = await headersOf(plain, '/api/v1/namespaces');
  assert.equal(old.get(FLOW), null);
  assert.equal(old.get(LEVEL), null);
});

const kubectlPath = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'kubectl'))
  .find((p) => existsSync(p));

test(
  'kubectl sees the headers',
  { skip: kubectlPath ? false : 'kubectl not on PATH: skipping the kubectl check of APF headers' },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fedsync-apf-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeFile(
        kubeconfig,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          // kubectl sends a token only over TLS
          clusters: [
            { name: 's', cluster: { server: sim.httpsUrl, 'certificate-authority-data': sim.caData } },
          ],
          users: [{ name: 'u', user: { token: sim.token } }],
          contexts: [{ name: 's', context: { cluster: 's', user: 'u' } }],
          'current-context': 's',
        }),
      );
      const stderr = await new Promise<string>((resolve, reject) =>
        execFile(
          kubectlPath as string,
          ['get', 'namespaces', '-v=8'],
          { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig }, timeout: 30_000 },
          (err, _out, errText) => (err ? reject(new Error(errText)) : resolve(errText)),
        ),
      );
      assert.match(stderr, /X-Kubernetes-Pf-Flowschema-Uid: [0-9a-f-]{36}/i);
      assert.match(stderr, /X-Kubernetes-Pf-Prioritylevel-Uid: [0-9a-f-]{36}/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
