// startWorld: every cluster of the world runs, and the files it writes let clients reach them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startWorld, type RunningWorld, type SimJson } from '../../src/sim/run-world.js';
import { readWorld } from '../../src/sim/world.js';

let world: RunningWorld;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-world-'));
  world = await startWorld({ world: await readWorld('fixtures/worlds/demo.yaml'), outDir: dir, tickMs: 5 });
});
after(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});

test('the kubeconfig has one context per cluster and client-node reaches each over TLS', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(join(dir, 'kubeconfig'));
  assert.deepEqual(
    kc.getContexts().map((c) => c.name),
    ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'],
  );
  for (const name of ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c']) {
    kc.setCurrentContext(name);
    assert.match(kc.getCurrentCluster()?.server ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    assert.equal(nodes.items.length, 3);
    assert.ok(nodes.items.every((n) => n.metadata?.name?.startsWith(`${name}-node-`)));
    assert.match(nodes.items[0]?.spec?.providerID ?? '', /^gce:\/\/fedsync-demo\//);
  }
});

test('sim.json names the ports and the control address; the control API drives faults and stats', async () => {
  const sim = JSON.parse(await readFile(join(dir, 'sim.json'), 'utf8')) as SimJson;
  assert.deepEqual(Object.keys(sim.clusters), ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c']);
  assert.equal(sim.clusters['gce-europe-west1b']?.port, world.cluster('gce-europe-west1b')?.port);
  const res = await fetch(`${sim.control}/clusters/gce-europe-west1b/fault`, {
    method: 'POST',
    body: JSON.stringify({ args: ['latency', '5'] }),
  });
  assert.equal(res.status, 200);
  assert.equal(world.cluster('gce-europe-west1b')?.faults().latencyMs, 5);
  const bad = await fetch(`${sim.control}/clusters/nope/fault`, {
    method: 'POST',
    body: '{"args":["down"]}',
  });
  assert.equal(bad.status, 404);
  const stats = (await (await fetch(`${sim.control}/stats`)).json()) as { clusters: Record<string, unknown> };
  assert.deepEqual(Object.keys(stats.clusters), ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c']);
});

test('the world exposes one data plane per cluster', () => {
  assert.deepEqual(
    world.dataPlanes.map((d) => `${d.name} ${d.region} ${d.instances().length}`),
    ['gce-asia-east1a asia-east1 3', 'gce-europe-west1b europe-west1 3', 'gce-us-central1c us-central1 3'],
  );
});
