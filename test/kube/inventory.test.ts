// The in-cluster inventory: sharded ConfigMaps in fedsync-system, read as a union; which objects
// fedsync adopted; the federation record; and writes that are conditional on what was read, so two
// writers at once keep each other's changes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INVENTORY_NAMESPACE,
  inventoryName,
  mergeInventory,
  readInventory,
  readInventoryState,
  writeInventory,
} from '../../src/kube/inventory.js';
import type { ClusterClient } from '../../src/kube/port.js';
import type { InventoryState, KubeObject } from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { simClient, testCluster } from './helpers.js';

let sim: SimCluster;
let client: ClusterClient;

before(async () => {
  sim = await testCluster();
  client = simClient(sim);
});
after(() => sim.stop());

const writes = (): number => sim.counters.snapshot().writes;
const state = (keys: string[], adopted: string[] = []): InventoryState => ({ keys, adopted });
const shard = (federation: string, n: number) =>
  sim.store.get(sim.resource('v1', 'ConfigMap'), INVENTORY_NAMESPACE, inventoryName(federation, n)) as
    (KubeObject & { data: Record<string, string> }) | undefined;

test('mergeInventory applies the writer’s own change on top of what is there now', () => {
  const now = state(['a', 'b', 'x'], ['b']);
  const merged = mergeInventory(now, { from: state(['a', 'b'], ['b']), to: state(['b', 'c'], ['b', 'c']) });
  assert.deepEqual(merged, state(['b', 'c', 'x'], ['b', 'c']), 'x, added by someone else, stays');
  assert.deepEqual(mergeInventory(now, { to: state(['q']) }), state(['q']), 'no `from`: replace');
});

test('no inventory yet reads as []; writing creates the namespace; the same state twice writes nothing', async () => {
  assert.deepEqual(await readInventory(client, 'fed1'), []);
  const keys = ['/Service/web/web', 'apps/Deployment/web/web', '/Namespace//web'];
  const first = await writeInventory(client, 'fed1', { to: state(keys) });
  assert.deepEqual(first, { applied: 1, deleted: 0 });
  assert.ok(sim.store.get(sim.resource('v1', 'Namespace'), '', INVENTORY_NAMESPACE));
  assert.deepEqual(await readInventory(client, 'fed1'), [...keys].sort());
  const before = writes();
  const again = await writeInventory(client, 'fed1', { to: state([...keys].reverse()) });
  assert.deepEqual(again, { applied: 0, deleted: 0 });
  assert.equal(writes(), before, 'zero writes when nothing changed');
  assert.deepEqual(await readInventory(client, 'other-fed'), [], 'federations do not see each other');
});

test('adopted keys and the federation record round-trip; an older inventory reads as all created', async () => {
  const record = {
    clusters: [{ name: 'eu', kubeconfigContext: 'ctx-eu' }],
    held: [{ commit: 'c0ffee', digest: 'sha256:aa', count: 3 }],
  };
  await writeInventory(client, 'fed2', {
    to: { keys: ['/ConfigMap/default/a', '/ConfigMap/default/b'], adopted: ['/ConfigMap/default/b'], record },
  });
  assert.deepEqual(await readInventoryState(client, 'fed2'), {
    keys: ['/ConfigMap/default/a', '/ConfigMap/default/b'],
    adopted: ['/ConfigMap/default/b'],
    record,
  });
  assert.equal(shard('fed2', 0)?.data.adopted, '/ConfigMap/default/b\n');

  // What an older fedsync wrote: refs only.
  sim.api.create(
    sim.resource('v1', 'ConfigMap'),
    INVENTORY_NAMESPACE,
    {
      metadata: { name: inventoryName('old', 0), labels: { 'fedsync.io/inventory': 'old' } },
      data: { refs: '/ConfigMap/default/a\n' },
    },
    { fieldManager: 'fedsync' },
  );
  assert.deepEqual(await readInventoryState(client, 'old'), { keys: ['/ConfigMap/default/a'], adopted: [] });
  const before = writes();
  await writeInventory(client, 'old', { to: state(['/ConfigMap/default/a']) });
  assert.equal(writes(), before, 'reading an old inventory back as it is writes nothing');
});

test('many keys are sharded below 512 KiB; keys never move between shards; empty shards go', async () => {
  const many = Array.from(
    { length: 20_000 },
    (_, i) => `networking.k8s.io/Ingress/namespace-${i % 50}/an-ingress-with-a-long-name-${i}`,
  );
  const big = await writeInventory(client, 'big', { to: state(many, many.slice(0, 500)) });
  assert.ok(big.applied >= 3, `${big.applied} shards`);
  const where = new Map<string, number>();
  for (let n = 0; n < big.applied; n++) {
    const s = shard('big', n)!;
    assert.ok(Buffer.byteLength(s.data.refs ?? '') + Buffer.byteLength(s.data.adopted ?? '') <= 512 * 1024);
    for (const k of (s.data.refs ?? '').split('\n').filter(Boolean)) where.set(k, n);
  }
  assert.deepEqual(await readInventory(client, 'big'), [...many].sort());

  // One key fewer near the start, one new key: neither moves any other key.
  const next = [...many.slice(1), 'v1/ConfigMap/zz/new'];
  const small = await writeInventory(client, 'big', { to: state(next) });
  assert.equal(small.deleted, 0);
  for (let n = 0; n < big.applied; n++)
    for (const k of (shard('big', n)!.data.refs ?? '').split('\n').filter(Boolean))
      if (where.has(k)) assert.equal(where.get(k), n, `${k} stayed in shard ${where.get(k)}`);

  // Shrink: the shards still holding a key stay (shard 0 always, it carries the record), the rest go.
  const survivors = new Set([0, ...next.slice(0, 10).map((k) => where.get(k)!)]);
  const few = await writeInventory(client, 'big', { to: state(next.slice(0, 10)) });
  assert.equal(few.deleted, big.applied - survivors.size);
  for (let n = 0; n < big.applied; n++)
    assert.equal(shard('big', n) !== undefined, survivors.has(n), `shard ${n}`);
  assert.deepEqual(await readInventory(client, 'big'), [...next.slice(0, 10)].sort());
});

/** A client that lets `meanwhile` run just before its first inventory write. */
function interleaved(base: ClusterClient, meanwhile: () => Promise<unknown>): ClusterClient {
  let ran = false;
  const first = async (): Promise<void> => {
    if (ran) return;
    ran = true;
    await meanwhile();
  };
  return {
    ...base,
    apply: async (o, opts) => (await first(), base.apply(o, opts)),
    create: async (o) => (await first(), base.create(o)),
    remove: async (r, opts) => (await first(), base.remove(r, opts)),
  };
}

test('two writers at once: the second write conflicts, reads again, and keeps the other’s change', async () => {
  const a = '/ConfigMap/default/from-a';
  const b = '/ConfigMap/default/from-b';
  const gone = '/ConfigMap/default/gone';
  await writeInventory(client, 'race', { to: state([gone]) });
  const read = (await readInventoryState(client, 'race'))!;
  // Writer A read [gone]; before it writes, writer B (which read the same) adds its own key.
  const racer = interleaved(client, () =>
    writeInventory(client, 'race', { from: read, to: state([gone, b], [b]) }),
  );
  await writeInventory(racer, 'race', { from: read, to: state([a]) });
  assert.deepEqual(await readInventoryState(client, 'race'), state([a, b], [b]));

  // Two creators of the first shard: one create fails (the shard exists), reads again, merges.
  const creator = interleaved(client, () =>
    writeInventory(client, 'race2', { from: state([]), to: state([b]) }),
  );
  await writeInventory(creator, 'race2', { from: state([]), to: state([a]) });
  assert.deepEqual(await readInventory(client, 'race2'), [a, b]);
});

test('an unreadable inventory is null', async () => {
  const unreachable = simClient(sim, { retry: { maxAttempts: 1 } });
  await sim.setFault({ fault: 'down' });
  try {
    assert.equal(await readInventory(unreachable, 'fed1'), null);
  } finally {
    await sim.setFault({ fault: 'up' });
  }
});

test('an unchanged inventory is read as the same state, not parsed again; a write is read afresh', async () => {
  await writeInventory(client, 'memo', { to: state(['/ConfigMap/default/a', '/ConfigMap/default/b']) });
  const first = await readInventoryState(client, 'memo');
  const second = await readInventoryState(client, 'memo');
  assert.ok(first && second);
  assert.equal(second, first, 'same shards, same resourceVersions: the same state');
  assert.equal(second.keys, first.keys);
  await writeInventory(client, 'memo', { from: first, to: state(['/ConfigMap/default/a']) });
  const third = await readInventoryState(client, 'memo');
  assert.notEqual(third, first);
  assert.deepEqual(third?.keys, ['/ConfigMap/default/a']);
  assert.deepEqual(first.keys, ['/ConfigMap/default/a', '/ConfigMap/default/b'], 'the old state kept');
});
