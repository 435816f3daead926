// YAML request bodies: a JSON document takes the JSON parser, anything else js-yaml, with the same
// result js-yaml alone would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import { decodeYamlBody } from '../../../src/sim/kube/yaml-body.js';

test('a JSON body decodes as js-yaml decodes it', () => {
  const body = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } },
    data: { n: '1', yes: 'no', empty: '', multi: 'a\nb\n' },
    list: [1, 2.5, true, null, 'on'],
  });
  assert.deepEqual(decodeYamlBody(`  ${body}\n`), load(body));
});

test('YAML that is not JSON still decodes: block style, and flow style with bare keys', () => {
  assert.deepEqual(decodeYamlBody('kind: ConfigMap\ndata:\n  a: "1"\n'), {
    kind: 'ConfigMap',
    data: { a: '1' },
  });
  assert.deepEqual(decodeYamlBody('{kind: ConfigMap, data: {a: "1"}}'), {
    kind: 'ConfigMap',
    data: { a: '1' },
  });
  assert.deepEqual(decodeYamlBody('[a, {b: 1}]'), ['a', { b: 1 }]);
});

test("a body that is neither JSON nor YAML throws js-yaml's error", () => {
  assert.throws(() => decodeYamlBody('{"kind": "ConfigMap", data: [}'), { name: 'YAMLException' });
});
