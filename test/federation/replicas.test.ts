import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1_32 } from '../../src/federation/fnv.js';
import { largestRemainder, planReplicas } from '../../src/federation/replicas.js';
import type { ReplicaPlanInput } from '../../src/federation/replicas.js';
import type { ClusterReplicaPreference } from '../../src/model/index.js';

const KEY = 'shop/web';
const equal: Record<string, ClusterReplicaPreference> = { '*': { minReplicas: 0, weight: 1 } };

/** Cluster names ordered as the planner breaks ties: FNV-1 32 of name + key, ascending. */
function tieOrder(names: string[]): string[] {
  return [...names].sort((a, b) => fnv1_32(a + KEY) - fnv1_32(b + KEY));
}

function run(
  input: Partial<ReplicaPlanInput> & {
    total: number;
    rebalance?: boolean;
    prefs?: Record<string, ClusterReplicaPreference>;
  },
) {
  return planReplicas({
    scheduling: {
      totalReplicas: input.total,
      rebalance: input.rebalance ?? true,
      clusters: input.prefs ?? equal,
    },
    available: input.available ?? ['a', 'b', 'c'],
    current: input.current ?? {},
    capacity: input.capacity ?? {},
    key: KEY,
  });
}

test('FNV-1 32 matches Go hash/fnv.New32 test vectors (FNV-1, not FNV-1a)', () => {
  assert.equal(fnv1_32(''), 0x811c9dc5);
  assert.equal(fnv1_32('a'), 0x050c5d7e);
  assert.equal(fnv1_32('foobar'), 0x31f0b262);
});

test('largest remainder: floors first, leftovers to the largest remainders, ties in order', () => {
  assert.deepEqual(largestRemainder(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(largestRemainder(5, [2, 1]), [3, 2]);
  assert.deepEqual(largestRemainder(7, [0, 1]), [0, 7]);
  assert.deepEqual(largestRemainder(3, [0, 0]), [0, 0]);
});

test('10 over three equal clusters is 4/3/3; the extra one goes to the first cluster in hash order', () => {
  const r = run({ total: 10 });
  const [first, second, third] = tieOrder(['a', 'b', 'c']) as [string, string, string];
  assert.deepEqual(r.replicas, { [first]: 4, [second]: 3, [third]: 3 });
  assert.equal(r.unplaced, 0);
});

const table: {
  name: string;
  total: number;
  rebalance?: boolean;
  prefs?: Record<string, ClusterReplicaPreference>;
  available?: string[];
  current?: Record<string, number>;
  capacity?: Record<string, number>;
  want: Record<string, number>;
  overflow?: Record<string, number>;
  unplaced?: number;
}[] = [
  { name: 'even split', total: 6, available: ['a', 'b'], want: { a: 3, b: 3 } },
  {
    name: 'weights 2:1 by largest remainder (upstream ceil would give 4/1)',
    total: 5,
    available: ['a', 'b'],
    prefs: { a: { minReplicas: 0, weight: 2 }, b: { minReplicas: 0, weight: 1 } },
    want: { a: 3, b: 2 },
  },
  {
    name: 'minimums first, then weights (kubefed#319 semantics kept)',
    total: 4,
    available: ['a', 'b'],
    prefs: { a: { minReplicas: 2, weight: 1 }, b: { minReplicas: 0, weight: 1 } },
    want: { a: 3, b: 1 },
  },
  {
    name: 'an exact entry does not inherit weight from *: min 3 alone pins the cluster to 3',
    total: 9,
    available: ['a', 'b'],
    prefs: { a: { minReplicas: 3, weight: 0 }, '*': { minReplicas: 0, weight: 1 } },
    want: { a: 3, b: 6 },
  },
  {
    name: 'maximum caps a cluster and the rest spills to the others',
    total: 10,
    prefs: { a: { minReplicas: 0, maxReplicas: 2, weight: 1 }, '*': { minReplicas: 0, weight: 1 } },
    want: { a: 2, b: 4, c: 4 },
  },
  {
    name: 'rebalance off keeps current placement',
    total: 6,
    rebalance: false,
    available: ['a', 'b'],
    current: { a: 5, b: 1 },
    want: { a: 5, b: 1 },
  },
  {
    name: 'rebalance on spreads by weight regardless of current placement',
    total: 6,
    available: ['a', 'b'],
    current: { a: 5, b: 1 },
    want: { a: 3, b: 3 },
  },
  {
    name: 'failover: a cluster goes away, rebalance off keeps survivors and splits the missing replicas',
    total: 9,
    rebalance: false,
    available: ['a', 'b'],
    current: { a: 3, b: 3 },
    want: { a: 5, b: 4 },
  },
  {
    name: 'failover: a cluster goes away, rebalance on spreads all over the survivors',
    total: 9,
    available: ['a', 'c'],
    current: { a: 3, c: 3 },
    want: { a: 4, c: 5 },
  },
  {
    name: 'return: rebalance on moves replicas back to the returning cluster',
    total: 9,
    current: { a: 5, b: 4, c: 3 },
    want: { a: 3, b: 3, c: 3 },
  },
  {
    name: 'new cluster with rebalance off gets nothing while the others run everything (upstream quirk)',
    total: 10,
    rebalance: false,
    current: { a: 5, b: 5 },
    want: { a: 5, b: 5, c: 0 },
  },
  {
    name: 'new cluster with rebalance on gets its share',
    total: 10,
    available: ['a', 'b', 'new'],
    current: { a: 5, b: 5 },
    want: { a: 3, b: 3, new: 4 },
  },
  {
    name: 'capacity: congested cluster keeps the surplus pending as overflow (rebalance on)',
    total: 10,
    available: ['a', 'b'],
    capacity: { a: 2 },
    want: { a: 5, b: 8 },
    overflow: { a: 3 },
  },
  {
    name: 'capacity with rebalance off: overflow clipped to what is still unplaced (none)',
    total: 10,
    rebalance: false,
    available: ['a', 'b'],
    capacity: { a: 2 },
    want: { a: 2, b: 8 },
    overflow: {},
  },
  {
    name: 'unplaceable: every cluster at its maximum',
    total: 10,
    available: ['a', 'b'],
    prefs: {
      a: { minReplicas: 0, maxReplicas: 2, weight: 1 },
      b: { minReplicas: 0, maxReplicas: 3, weight: 1 },
    },
    want: { a: 2, b: 3 },
    unplaced: 5,
  },
  {
    name: 'unplaceable: only zero weights (a cluster without any preference entry takes no part)',
    total: 5,
    available: ['a', 'b'],
    prefs: { a: { minReplicas: 2, weight: 0 } },
    want: { a: 2 },
    unplaced: 3,
  },
  {
    name: 'no cluster available',
    total: 4,
    available: [],
    want: {},
    unplaced: 4,
  },
];

for (const row of table) {
  test(`scheduler: ${row.name}`, () => {
    const r = run(row);
    assert.deepEqual(r.replicas, row.want);
    if (row.overflow) assert.deepEqual(r.overflow, row.overflow);
    assert.equal(r.unplaced, row.unplaced ?? 0);
  });
}

test('return with rebalance off: the returning cluster keeps running pods only as far as the total allows', () => {
  const r = run({ total: 9, rebalance: false, current: { a: 5, b: 4, c: 3 } });
  const sum = Object.values(r.replicas).reduce((s, v) => s + v, 0);
  assert.equal(sum, 9);
  // Kept in planner order: earlier clusters keep theirs, the last one shrinks.
  const order = tieOrder(['a', 'b', 'c']);
  const current: Record<string, number> = { a: 5, b: 4, c: 3 };
  let left = 9;
  for (const name of order) {
    const keep = Math.min(current[name]!, left);
    assert.equal(r.replicas[name], keep, name);
    left -= keep;
  }
});
