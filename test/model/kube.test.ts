import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRefKey, refKey, refOf, splitApiVersion, subject } from '../../src/model/index.js';

test('splitApiVersion separates group and version, core group is empty', () => {
  assert.deepEqual(splitApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
  assert.deepEqual(splitApiVersion('v1'), { group: '', version: 'v1' });
});

test('refKey round-trips and subject is human-readable', () => {
  const ref = refOf({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop' },
  });
  assert.equal(refKey(ref), 'networking.k8s.io/Ingress/shop/web');
  assert.deepEqual(parseRefKey(refKey(ref)), ref);
  assert.equal(subject(ref, 'eu-1'), 'Ingress/shop/web@eu-1');
  assert.equal(subject({ group: '', kind: 'Namespace', namespace: '', name: 'shop' }), 'Namespace/shop');
});
