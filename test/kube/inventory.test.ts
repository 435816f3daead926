// The in-cluster inventory: sharded ConfigMaps in fedsync-system, read as a sorted union.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INVENTORY_NAMESPACE,
  inventoryName,
  readInventory,
  shardKeys,
  writeInventory,
} from '../../src/kube/inventory.js';
import type { ClusterClient } from '../../src/kube/port.js';
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

test('shardKeys sorts, removes duplicates and keeps every shard under the limit', () => {
  assert.deepEqual(shardKeys(['b', 'a', 'b', 'c'], 4), [['a', 'b'], ['c']]);
  assert.deepEqual(shardKeys([]), []);
  const keys = Array.from({ length: 1000 }, (_, i) => `apps/Deployment/ns/app-${String(i).padStart(4, '0')}`);
  const shards = shardKeys(keys, 4096);
  assert.ok(shards.length > 1);
  for (const s of shards) assert.ok(Buffer.byteLength(`${s.join('\n')}\n`) <= 4096);
  assert.deepEqual(shards.flat(), keys);
});

test('no inventory yet reads as []; writing creates the namespace; a rewrite of the same keys writes nothing', async () => {
  assert.deepEqual(await readInventory(client, 'fed1'), []);
  const keys = ['/Service/web/web', 'apps/Deployment/web/web', '/Namespace//web'];
  const first = await writeInventory(client, 'fed1', keys);
  assert.deepEqual(first, { applied: 1, deleted: 0 });
  assert.ok(sim.store.get(sim.resource('v1', 'Namespace'), '', INVENTORY_NAMESPACE));
  assert.deepEqual(await readInventory(client, 'fed1'), [...keys].sort());
  const before = writes();
  assert.deepEqual(await writeInventory(client, 'fed1', [...keys].reverse()), { applied: 0, deleted: 0 });
  assert.equal(writes(), before, 'zero writes when nothing changed');
  assert.deepEqual(await readInventory(client, 'other-fed'), [], 'federations do not see each other');
});

test('many keys are sharded below 512 KiB per ConfigMap; surplus shards are deleted when the set shrinks', async () => {
  const many = Array.from(
    { length: 20_000 },
    (_, i) => `networking.k8s.io/Ingress/namespace-${i % 50}/an-ingress-with-a-long-name-${i}`,
  );
  const big = await writeInventory(client, 'big', many);
  assert.ok(big.applied >= 3, `${big.applied} shards`);
  const cmType = sim.resource('v1', 'ConfigMap');
  for (let n = 0; n < big.applied; n++) {
    const shard = sim.store.get(cmType, INVENTORY_NAMESPACE, inventoryName('big', n)) as {
      data: { refs: string };
    };
    assert.ok(Buffer.byteLength(shard.data.refs) <= 512 * 1024);
  }
  assert.deepEqual(await readInventory(client, 'big'), [...many].sort());

  const few = many.slice(0, 10);
  const small = await writeInventory(client, 'big', few);
  assert.deepEqual(small, { applied: 1, deleted: big.applied - 1 });
  assert.deepEqual(await readInventory(client, 'big'), [...few].sort());
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
