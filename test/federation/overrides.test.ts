import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overrideInPlace } from '../../src/federation/overrides.js';
import { parsePointer } from '../../src/federation/json-pointer.js';
import type { KubeObject, Override } from '../../src/model/index.js';
import { deployment } from '../helpers/federation.js';

function withAnnotations(): KubeObject {
  const d = deployment('shop', 'web');
  d.metadata.annotations = { 'a/b': '1', 'c~d': '2' };
  return d;
}

test('JSON pointer: ~1 and ~0 escapes', () => {
  assert.deepEqual(parsePointer('/metadata/annotations/a~1b'), ['metadata', 'annotations', 'a/b']);
  assert.deepEqual(parsePointer('/x/c~0d/~01'), ['x', 'c~d', '~1']);
  assert.deepEqual(parsePointer(''), []);
  assert.equal(parsePointer('spec'), undefined);
});

const table: {
  name: string;
  overrides: Override[];
  check: (o: KubeObject) => unknown;
  want: unknown;
  codes?: string[];
}[] = [
  {
    name: 'replace a scalar',
    overrides: [{ op: 'replace', path: '/spec/replicas', value: 7 }],
    check: (o) => (o.spec as { replicas: number }).replicas,
    want: 7,
  },
  {
    name: 'replace inside a list by index',
    overrides: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:eu' }],
    check: (o) =>
      (o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!
        .image,
    want: 'nginx:eu',
  },
  {
    name: 'add appends to a list with -',
    overrides: [
      { op: 'add', path: '/spec/template/spec/containers/0/ports/-', value: { containerPort: 443 } },
    ],
    check: (o) =>
      (o.spec as { template: { spec: { containers: { ports: unknown[] }[] } } }).template.spec.containers[0]!
        .ports,
    want: [{ containerPort: 80 }, { containerPort: 443 }],
  },
  {
    name: 'add a new field to an existing object',
    overrides: [{ op: 'add', path: '/metadata/labels/region', value: 'eu' }],
    check: (o) => o.metadata.labels,
    want: { app: 'web', region: 'eu' },
  },
  {
    name: 'remove a field with an escaped key (~1)',
    overrides: [{ op: 'remove', path: '/metadata/annotations/a~1b' }],
    check: (o) => o.metadata.annotations,
    want: { 'c~d': '2' },
  },
  {
    name: 'replace a field with an escaped key (~0)',
    overrides: [{ op: 'replace', path: '/metadata/annotations/c~0d', value: '3' }],
    check: (o) => o.metadata.annotations,
    want: { 'a/b': '1', 'c~d': '3' },
  },
  {
    name: 'replace of a missing field is a problem and changes nothing',
    overrides: [{ op: 'replace', path: '/spec/paused', value: true }],
    check: (o) => (o.spec as { paused?: boolean }).paused,
    want: undefined,
    codes: ['override.pathNotFound'],
  },
  {
    name: 'add under a missing parent is a problem',
    overrides: [{ op: 'add', path: '/spec/strategy/type', value: 'Recreate' }],
    check: (o) => (o.spec as { strategy?: unknown }).strategy,
    want: undefined,
    codes: ['override.pathNotFound'],
  },
  {
    name: 'remove of a list index out of range is a problem',
    overrides: [{ op: 'remove', path: '/spec/template/spec/containers/3' }],
    check: (o) =>
      (o.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.length,
    want: 1,
    codes: ['override.pathNotFound'],
  },
  {
    name: 'identity fields are forbidden',
    overrides: [
      { op: 'replace', path: '/metadata/name', value: 'x' },
      { op: 'replace', path: '/metadata/namespace', value: 'x' },
      { op: 'replace', path: '/kind', value: 'x' },
      { op: 'replace', path: '/apiVersion', value: 'x' },
    ],
    check: (o) => [o.metadata.name, o.metadata.namespace, o.kind, o.apiVersion],
    want: ['web', 'shop', 'Deployment', 'apps/v1'],
    codes: [
      'override.forbiddenPath',
      'override.forbiddenPath',
      'override.forbiddenPath',
      'override.forbiddenPath',
    ],
  },
  {
    name: 'one failing override does not stop the others',
    overrides: [
      { op: 'replace', path: '/spec/nothing', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 2 },
    ],
    check: (o) => (o.spec as { replicas: number }).replicas,
    want: 2,
    codes: ['override.pathNotFound'],
  },
  {
    name: 'a path twice for one cluster is reported',
    overrides: [
      { op: 'replace', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ],
    check: (o) => (o.spec as { replicas: number }).replicas,
    want: 2,
    codes: ['override.duplicatePath'],
  },
];

for (const row of table) {
  test(`overrides: ${row.name}`, () => {
    const obj = withAnnotations();
    const failures = overrideInPlace(obj, row.overrides);
    assert.deepEqual(row.check(obj), row.want);
    assert.deepEqual(
      failures.map((f) => f.code),
      row.codes ?? [],
    );
  });
}

test('overrides: the value is copied, not shared with the repository model', () => {
  const value = { containerPort: 443 };
  const obj = withAnnotations();
  overrideInPlace(obj, [{ op: 'add', path: '/spec/template/spec/containers/0/ports/0', value }]);
  value.containerPort = 1;
  const ports = (obj.spec as { template: { spec: { containers: { ports: { containerPort: number }[] }[] } } })
    .template.spec.containers[0]!.ports;
  assert.equal(ports[0]!.containerPort, 443);
});
