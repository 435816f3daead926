// A Secret's data must be base64 the way the API server decodes it and stringData values must be
// strings: otherwise a validation error with file, line and key, and never the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFederation } from '../../src/manifests/index.js';
import { base64ErrorAt } from '../../src/manifests/secret-data.js';
import { formatProblem } from '../../src/model/index.js';
import { goBase64ErrorAt } from '../../src/sim/kube/secrets.js';

const SECRET = 'hunter2-do-not-print';

function problems(files: Record<string, string>): string[] {
  const r = loadFederation(Object.entries(files).map(([path, text]) => ({ path, text })));
  assert.ok(!r.ok, 'expected problems');
  const out = r.problems.map(formatProblem);
  for (const line of out) assert.ok(!line.includes(SECRET), `a problem quotes the value: ${line}`);
  return out;
}

const secret = (body: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\n${body}`;

test('stringData values that are not strings: file, line and key, never the value', () => {
  const out = problems({
    'db.yaml': secret(
      `stringData:\n  user: app\n  port: 5432\n  password:\n    value: ${SECRET}\n  tls: true\n`,
    ),
  });
  assert.deepEqual(out, [
    'db.yaml:8: Secret/shop/db: stringData key "port" is a number, not a string; quote it',
    'db.yaml:9: Secret/shop/db: stringData key "password" is a mapping, not a string; quote it',
    'db.yaml:11: Secret/shop/db: stringData key "tls" is a boolean, not a string; quote it',
  ]);
});

test('data that is not base64: the decoder offset and the key, never the value', () => {
  const out = problems({
    'db.yaml': secret(`data:\n  ok: YWJj\n  password: ${SECRET}!\n  pin: 12345\n`),
  });
  assert.equal(out.length, 2, out.join('\n'));
  assert.match(
    out[0] ?? '',
    /^db\.yaml:8: Secret\/shop\/db: data key "password" is not valid base64: illegal base64 data at input byte 7 \(key "password"\); /,
  );
  assert.match(out[1] ?? '', /^db\.yaml:9: .*data key "pin" is a number, not a base64 string/);
});

test('data or stringData that is not a mapping', () => {
  const out = problems({ 'db.yaml': secret(`data: ${SECRET}\nstringData: [a]\n`) });
  assert.deepEqual(out, [
    'db.yaml:6: Secret/shop/db: data is a string; it must be a mapping of keys to base64 strings',
    'db.yaml:7: Secret/shop/db: stringData is a list; it must be a mapping of keys to strings',
  ]);
});

test('a FederatedSecret is checked in its template and in its overrides', () => {
  const cluster = 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: east\n';
  const federated = [
    'apiVersion: types.kubefed.io/v1beta1',
    'kind: FederatedSecret',
    'metadata: {name: db, namespace: shop}',
    'spec:',
    '  template:',
    '    stringData:',
    '      port: 5432',
    '  overrides:',
    '    - clusterName: east',
    '      clusterOverrides:',
    '        - path: /data/password',
    `          value: ${SECRET}`,
    '        - path: /stringData',
    '          value: {retries: 3}',
    '',
  ].join('\n');
  const out = problems({ 'clusters/east.yaml': cluster, 'db.yaml': federated });
  assert.deepEqual(out, [
    'db.yaml:7: FederatedSecret/shop/db: stringData key "port" is a number, not a string; quote it',
    'db.yaml:12: FederatedSecret/shop/db: data key "password" is not valid base64: illegal base64 data at input byte 7 (key "password"); encode the value (base64 -w0), or put plain text under stringData',
    'db.yaml:14: FederatedSecret/shop/db: stringData key "retries" is a number, not a string; quote it',
  ]);
});

test('valid data (wrapped lines included) and string stringData load', () => {
  const r = loadFederation([
    {
      path: 'db.yaml',
      text: secret(`data:\n  a: YWJj\n  b: ""\n  c: |\n    YWJj\n    ZGVm\nstringData:\n  port: "5432"\n`),
    },
  ]);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems.map(formatProblem)));
});

test('the validator and the simulated API server agree on every offset', () => {
  const alphabet = ['A', 'Q', 'z', '+', '/', '=', '\n', '-', '!', ' ', 'é'];
  const inputs: string[] = [];
  // Every string of up to 5 characters over a small alphabet that covers each decoder branch.
  const grow = (prefix: string): void => {
    inputs.push(prefix);
    if (prefix.length < 5) for (const c of alphabet) grow(prefix + c);
  };
  grow('');
  for (const input of inputs) {
    assert.equal(base64ErrorAt(input), goBase64ErrorAt(input), JSON.stringify(input));
  }
  assert.equal(base64ErrorAt('YWJj'), -1);
  assert.equal(base64ErrorAt('admin'), 4);
});
