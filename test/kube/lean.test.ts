// The watch cache's transform: other managers' fieldsV1 sets go, everything fedsync reads stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leanObject } from '../../src/kube/lean.js';
import { fedsyncFieldSet } from '../../src/plan/managed-fields.js';
import { lastOtherManager } from '../../src/plan/drift.js';
import type { KubeObject } from '../../src/model/index.js';

const own = { 'f:data': { 'f:a': {} } };
const theirs = { 'f:data': { 'f:b': {} }, 'f:metadata': { 'f:annotations': { 'f:x': {} } } };
const live = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'cm',
    namespace: 'default',
    managedFields: [
      {
        manager: 'fedsync',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: own,
        time: '2026-01-01T00:00:00Z',
      },
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: theirs,
        time: '2026-01-02T00:00:00Z',
      },
      {
        manager: 'fedsync',
        operation: 'Update',
        subresource: 'status',
        fieldsType: 'FieldsV1',
        fieldsV1: theirs,
      },
    ],
  },
  data: { a: '1', b: '2' },
});

test("other managers' field sets are dropped; manager, operation, subresource and time stay", () => {
  const before = live();
  const lean = leanObject(before);
  const entries = lean.metadata.managedFields as Record<string, unknown>[];
  assert.deepEqual(entries, [
    {
      manager: 'fedsync',
      operation: 'Apply',
      fieldsType: 'FieldsV1',
      fieldsV1: own,
      time: '2026-01-01T00:00:00Z',
    },
    { manager: 'kubectl-edit', operation: 'Update', fieldsType: 'FieldsV1', time: '2026-01-02T00:00:00Z' },
    { manager: 'fedsync', operation: 'Update', subresource: 'status', fieldsType: 'FieldsV1' },
  ]);
  assert.deepEqual(lean.data, before.data);
  // The input is not mutated (the watch event's object may be shared).
  assert.equal((before.metadata.managedFields as Record<string, unknown>[])[1]?.fieldsV1, theirs);
});

test('what the diff and the drift judge read is the same before and after', () => {
  const before = live();
  const lean = leanObject(before);
  assert.deepEqual(fedsyncFieldSet(lean), fedsyncFieldSet(before));
  assert.equal(lastOtherManager(lean), lastOtherManager(before));
});

test('an object with nothing to drop is returned as it is', () => {
  const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
  assert.equal(leanObject(o), o);
  const mine = live();
  mine.metadata.managedFields = [(mine.metadata.managedFields as unknown[])[0]];
  assert.equal(leanObject(mine), mine);
});
