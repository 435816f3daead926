// The whole simulated federation together: Compute Engine instances are the clusters' nodes, and
// backend health and routing follow the pods the cluster simulators run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { RunningWorld, SimJson } from '../../src/sim/run-world.js';
import { rest, restLoadBalancer } from './gcp/helpers/rest.js';
import { startDemoWorld } from '../helpers/demo-world.js';

let world: RunningWorld;
let dir: string;

/** Server-side applies every document of a manifest file, as `kubectl apply --server-side -f` does. */
async function applyFile(url: string, token: string, file: string): Promise<void> {
  for (const doc of loadAll(await readFile(file, 'utf8'))) {
    const o = doc as { apiVersion: string; kind: string; metadata: { name: string; namespace: string } };
    const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
    const plural = `${o.kind.toLowerCase()}s`;
    const path = `${base}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}?fieldManager=kubectl`;
    const res = await fetch(`${url}${path}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(doc),
    });
    assert.equal(res.status, 201, `${path}: ${await res.text()}`);
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-world-lb-'));
  world = await startDemoWorld(dir);
  // The README's demo app: a Deployment with a /healthz readiness probe behind NodePort 30080.
  for (const c of world.clusters) {
    await applyFile(c.url, c.token, 'fixtures/sim/web-nodeport.yaml');
    await c.settle();
  }
});
after(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});

test('sim.json and gcloud.env point at the simulated Compute Engine API of the world', async () => {
  const gcp = world.gcp;
  assert.ok(gcp, 'the demo world has a gcp part');
  const simJson = JSON.parse(await readFile(join(dir, 'sim.json'), 'utf8')) as SimJson;
  assert.equal(simJson.gcp?.url, gcp.url);
  const env = await readFile(join(dir, 'gcloud.env'), 'utf8');
  assert.match(env, new RegExp(`CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=${gcp.url}`));
  assert.match(env, /CLOUDSDK_CORE_PROJECT=fedsync-demo/);
  const instances = (await rest(gcp, 'GET', 'zones/europe-west1-b/instances')) as {
    items?: { name: string }[];
  };
  assert.deepEqual(
    instances.items?.map((i) => i.name),
    ['gce-europe-west1b-node-1', 'gce-europe-west1b-node-2', 'gce-europe-west1b-node-3'],
  );
});

test('routing follows the cluster simulators: nearest healthy cluster, failover when one goes down', async () => {
  const gcp = world.gcp;
  assert.ok(gcp);
  const ip = await restLoadBalancer(gcp, {
    'gce-asia-east1a': 'asia-east1-a',
    'gce-europe-west1b': 'europe-west1-b',
    'gce-us-central1c': 'us-central1-c',
  });
  const routeFrom = (from: string): string | undefined => {
    const r = gcp.route({ from, ip });
    return 'cluster' in r ? r.cluster : r.error;
  };
  assert.equal(routeFrom('europe-west1'), 'gce-europe-west1b');
  assert.equal(routeFrom('asia-east1'), 'gce-asia-east1a');

  await world.cluster('gce-europe-west1b')!.setFault({ fault: 'down' });
  assert.equal(routeFrom('europe-west1'), 'gce-us-central1c', 'us-central1 is nearer to europe than asia');

  // A reachable cluster with no ready pods behind the nodePort is unhealthy too.
  const us = world.cluster('gce-us-central1c')!;
  await us.setFault({ fault: 'capacity', pods: 0 });
  await us.settle();
  assert.equal(routeFrom('europe-west1'), 'gce-asia-east1a');

  await world.cluster('gce-europe-west1b')!.setFault({ fault: 'up' });
  assert.equal(routeFrom('europe-west1'), 'gce-europe-west1b');
});
