import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilter, page } from '../../../src/sim/gcp/filter.js';
import { ComputeApiError } from '../../../src/sim/gcp/errors.js';

const items = [
  { name: 'k8s-um-web', labels: { owner: 'fedsync', 'fedsync-id': 'web' } },
  { name: 'k8s-um-api', labels: { owner: 'fedsync' } },
  { name: 'manual', labels: {} },
];
const names = (f: string) => applyFilter(items, f).map((i) => i.name);

test('regular-expression filters fully match (RE2 style) and can be negated', () => {
  assert.deepEqual(names('name eq "k8s-.*"'), ['k8s-um-web', 'k8s-um-api']);
  assert.deepEqual(names('name eq k8s'), [], 'eq is a full match, not a substring search');
  assert.deepEqual(names('name ne "k8s-.*"'), ['manual']);
  assert.deepEqual(names('(name eq "k8s-.*") (labels.fedsync-id eq web)'), ['k8s-um-web']);
});

test('AIP-160 comparisons: =, !=, prefix with :, presence with :*, AND', () => {
  assert.deepEqual(names('labels.owner = fedsync'), ['k8s-um-web', 'k8s-um-api']);
  assert.deepEqual(names('labels.owner != fedsync'), ['manual']);
  assert.deepEqual(names('name:k8s-um-a*'), ['k8s-um-api']);
  assert.deepEqual(names('labels.fedsync-id:*'), ['k8s-um-web']);
  assert.deepEqual(names('labels.owner = "fedsync" AND name = k8s-um-api'), ['k8s-um-api']);
});

test('malformed filters, mixed dialects and OR are rejected with 400', () => {
  for (const f of ['name', 'name eq "k8s-.*" AND labels.x = y', 'name = a OR name = b', 'name eq "("']) {
    assert.throws(
      () => names(f),
      (e: unknown) => e instanceof ComputeApiError && e.status === 400,
      f,
    );
  }
});

test('paging: maxResults, opaque page tokens, the last page has no token', () => {
  const all = Array.from({ length: 5 }, (_, i) => i);
  const p1 = page(all, '2', null);
  assert.deepEqual(p1.items, [0, 1]);
  const p2 = page(all, '2', p1.nextPageToken!);
  const p3 = page(all, '2', p2.nextPageToken!);
  assert.deepEqual([p2.items, p3.items, p3.nextPageToken], [[2, 3], [4], undefined]);
  assert.deepEqual(page(all, null, null).items, all);
  assert.throws(() => page(all, '501', null), ComputeApiError);
});
