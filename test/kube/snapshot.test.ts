// The watch cache's snapshots: each one keeps exactly the entries of its moment however the cache
// changes afterwards (checked against plain copies over random edits, across base rebuilds), reads
// like a plain record, refuses writes, and is the same record while nothing changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVersionedRecord, valuesOf, withEntries } from '../../src/kube/snapshot.js';

/** A small deterministic generator (tests take no randomness from the clock). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const plain = (r: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const sorted = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

test('every snapshot keeps its moment through random edits and base rebuilds', () => {
  for (const seed of [1, 2, 3]) {
    const rnd = lcg(seed);
    const record = createVersionedRecord<number>();
    const model = new Map<string, number>();
    const taken: { snap: Readonly<Record<string, number>>; expect: Record<string, number> }[] = [];
    for (let round = 0; round < 60; round++) {
      // Bursts of every size: a first list of many, then small pushes, now and then a big change.
      const edits = round === 0 ? 800 : rnd() < 0.1 ? 300 : 1 + Math.floor(rnd() * 12);
      for (let i = 0; i < edits; i++) {
        const key = `k${Math.floor(rnd() * 1000)}`;
        if (rnd() < 0.2) {
          record.delete(key);
          model.delete(key);
        } else {
          const v = Math.floor(rnd() * 1e6);
          record.set(key, v);
          model.set(key, v);
        }
      }
      assert.equal(record.size, model.size);
      const snap = record.snapshot();
      taken.push({ snap, expect: sorted(model) });
      for (const t of taken) assert.deepEqual(plain(t.snap), t.expect, `seed ${seed}, round ${round}`);
      for (const [k, v] of model) assert.equal(snap[k], v);
      assert.equal(snap['k-none'], undefined);
      assert.equal('k-none' in snap, false);
      assert.deepEqual([...valuesOf(snap)].sort(), [...model.values()].sort());
    }
  }
});

test('a snapshot is the same record until something changes, and refuses writes', () => {
  const record = createVersionedRecord<number>();
  record.set('a', 1);
  const one = record.snapshot();
  assert.equal(record.snapshot(), one);
  record.set('b', 2);
  const two = record.snapshot();
  assert.notEqual(two, one);
  assert.deepEqual({ ...two }, { a: 1, b: 2 });
  assert.deepEqual(Object.keys(one), ['a']);
  assert.equal(JSON.stringify(two), '{"a":1,"b":2}');
  assert.throws(() => {
    (two as Record<string, number>).c = 3;
  }, TypeError);
  assert.throws(() => {
    delete (two as Record<string, number>).a;
  }, TypeError);
  assert.deepEqual({ ...two }, { a: 1, b: 2 });
});

test('withEntries adds beside a snapshot without changing it', () => {
  const record = createVersionedRecord<number>();
  record.set('a', 1);
  const snap = record.snapshot();
  const more = withEntries(snap, [
    ['b', 2],
    ['a', 3],
  ]);
  assert.deepEqual(plain(more), { a: 3, b: 2 });
  assert.deepEqual(plain(snap), { a: 1 });
  assert.equal(withEntries(snap, []), snap);
  assert.deepEqual(plain(withEntries({ x: 1 }, [['y', 2]])), { x: 1, y: 2 });
});
