import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assignShards, clustersOfShard, shardLeaseName, shardOf } from '../../src/agent/sharding/assign.js';

/** Deterministic cluster names that look like real ones (region, zone, a serial). */
function fleet(n: number, seed = 1): string[] {
  const regions = ['europe-west1', 'us-central1', 'asia-east1', 'europe-north1', 'us-east4'];
  let x = seed;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, (_, i) => `gke-${regions[next() % regions.length]}-${i}-${next() % 997}`);
}

const moved = (a: Map<string, number>, b: Map<string, number>): string[] =>
  [...a.keys()].filter((c) => b.has(c) && a.get(c) !== b.get(c));

describe('sharding by rendezvous hashing', () => {
  test('every cluster gets one shard in range, the same on every call', () => {
    for (const replicas of [1, 2, 3, 7]) {
      for (const c of fleet(200)) {
        const s = shardOf(c, replicas);
        assert.ok(Number.isInteger(s) && s >= 0 && s < replicas, `${c} → ${s} of ${replicas}`);
        assert.equal(shardOf(c, replicas), s);
      }
    }
  });

  test('adding or removing clusters moves no other cluster', () => {
    for (const replicas of [2, 3, 5, 10]) {
      const before = assignShards(fleet(300), replicas);
      const grown = assignShards([...fleet(300), ...fleet(40, 99)], replicas);
      assert.deepEqual(moved(before, grown), [], `adding clusters with ${replicas} replicas`);
      const shrunk = assignShards(fleet(300).slice(50), replicas);
      assert.deepEqual(moved(before, shrunk), [], `removing clusters with ${replicas} replicas`);
    }
  });

  test('going from N to N+1 replicas moves about 1/(N+1) of the clusters, all to the new shard', () => {
    const clusters = fleet(2000);
    for (const n of [1, 2, 3, 5, 9]) {
      const before = assignShards(clusters, n);
      const after = assignShards(clusters, n + 1);
      const changed = moved(before, after);
      for (const c of changed) assert.equal(after.get(c), n, `${c} moved to an old shard`);
      const fraction = changed.length / clusters.length;
      // Expected exactly 1/(N+1); 2000 clusters keep the sampling error well inside 25 %.
      assert.ok(fraction <= 1.25 / (n + 1), `${n}→${n + 1}: ${(fraction * 100).toFixed(1)} % moved`);
      assert.ok(fraction >= 0.75 / (n + 1), `${n}→${n + 1}: the new shard took too little`);
    }
  });

  test('removing the last replica moves only the clusters it owned', () => {
    const clusters = fleet(1000);
    const before = assignShards(clusters, 6);
    const after = assignShards(clusters, 5);
    for (const c of moved(before, after)) assert.equal(before.get(c), 5);
  });

  test('shards are roughly balanced', () => {
    const clusters = fleet(3000);
    const counts = new Array<number>(10).fill(0);
    for (const s of assignShards(clusters, 10).values()) counts[s] = (counts[s] ?? 0) + 1;
    for (const n of counts) assert.ok(n > 300 * 0.8 && n < 300 * 1.2, `shard sizes ${counts.join(', ')}`);
  });

  test('the shards partition the fleet', () => {
    const clusters = fleet(100);
    const parts = [0, 1, 2].map((index) => clustersOfShard(clusters, { replicas: 3, index }));
    assert.deepEqual(parts.flat().sort(), [...clusters].sort());
    assert.equal(new Set(parts.flat()).size, clusters.length);
    assert.deepEqual(clustersOfShard(clusters, { replicas: 1, index: 0 }), clusters);
  });

  test('each shard has its own Lease; without sharding the name is unchanged', () => {
    assert.equal(shardLeaseName('fedsync', { replicas: 1, index: 0 }), 'fedsync');
    assert.equal(shardLeaseName('fedsync', { replicas: 3, index: 2 }), 'fedsync-shard-2');
    const names = [0, 1, 2, 3].map((index) => shardLeaseName('fedsync', { replicas: 4, index }));
    assert.equal(new Set(names).size, 4);
  });

  test('bad shard specs are refused with the range', () => {
    assert.throws(() => shardOf('a', 0), /replicas must be a whole number ≥ 1, got 0/);
    assert.throws(() => clustersOfShard(['a'], { replicas: 3, index: 3 }), /index must be in 0\.\.2, got 3/);
    assert.throws(() => clustersOfShard(['a'], { replicas: 2, index: -1 }), /got -1/);
  });
});
