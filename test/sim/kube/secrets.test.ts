// Secrets as a real API server treats them: stringData folded into data and never stored or returned,
// base64 data checked, and no error message that quotes a request body (a Secret value must not leak).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let core: k8s.CoreV1Api;
const SECRET = 'hunter2-do-not-print';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

before(async () => {
  sim = await testCluster();
  core = kubeConfigFor(sim).makeApiClient(k8s.CoreV1Api);
});
after(() => sim.stop());

async function raw(
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': contentType },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

const secrets = '/api/v1/namespaces/default/secrets';

test('stringData is folded into data on create and is never stored or returned', async () => {
  const created = await core.createNamespacedSecret({
    namespace: 'default',
    body: {
      metadata: { name: 'sd-create' },
      data: { kept: b64('old'), both: b64('from-data') },
      stringData: { password: SECRET, both: 'from-stringData' },
    },
  });
  assert.equal(created.stringData, undefined);
  assert.equal(created.type, 'Opaque');
  assert.deepEqual(created.data, { kept: b64('old'), both: b64('from-stringData'), password: b64(SECRET) });
  const got = await raw('GET', `${secrets}/sd-create`);
  assert.equal(got.json.stringData, undefined);
  const listed = await raw('GET', secrets);
  assert.ok(!listed.text.includes('stringData') && !listed.text.includes(SECRET));
  const stored = sim.api.get(sim.resource('v1', 'Secret'), 'default', 'sd-create');
  assert.equal(stored.stringData, undefined);
});

test('stringData is folded on update, merge patch, server-side apply and dry runs', async () => {
  await core.createNamespacedSecret({
    namespace: 'default',
    body: { metadata: { name: 'sd-write' }, data: { a: b64('1') } },
  });
  const updated = await core.replaceNamespacedSecret({
    namespace: 'default',
    name: 'sd-write',
    body: { metadata: { name: 'sd-write' }, data: { a: b64('1') }, stringData: { b: 'two' } },
  });
  assert.deepEqual(updated.data, { a: b64('1'), b: b64('two') });
  assert.equal(updated.stringData, undefined);
  const patched = await raw(
    'PATCH',
    `${secrets}/sd-write`,
    JSON.stringify({ stringData: { c: 'three' } }),
    'application/merge-patch+json',
  );
  assert.equal(patched.status, 200);
  assert.deepEqual(patched.json.data, { a: b64('1'), b: b64('two'), c: b64('three') });
  assert.equal(patched.json.stringData, undefined);
  const applyBody = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sd-apply' },
    stringData: { token: SECRET },
  });
  const dry = await raw(
    'PATCH',
    `${secrets}/sd-apply?fieldManager=t&dryRun=All`,
    applyBody,
    'application/apply-patch+yaml',
  );
  assert.equal(dry.status, 201);
  assert.deepEqual(dry.json.data, { token: b64(SECRET) });
  assert.equal(dry.json.stringData, undefined);
  const applied = await raw(
    'PATCH',
    `${secrets}/sd-apply?fieldManager=t`,
    applyBody,
    'application/apply-patch+yaml',
  );
  assert.deepEqual(applied.json.data, { token: b64(SECRET) });
  assert.equal(applied.json.stringData, undefined);
  const rv = sim.store.currentRV();
  const again = await raw(
    'PATCH',
    `${secrets}/sd-apply?fieldManager=t`,
    applyBody,
    'application/apply-patch+yaml',
  );
  assert.equal(again.status, 200);
  assert.equal(sim.store.currentRV(), rv, 're-applying the same stringData changes nothing');
});

test('data must be base64 (400) and keys valid config keys (422); no message quotes a value', async () => {
  const bad = await raw(
    'POST',
    secrets,
    JSON.stringify({ metadata: { name: 'sd-bad' }, data: { password: `${SECRET}!` } }),
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.json.reason, 'BadRequest');
  assert.match(String(bad.json.message), /illegal base64 data at input byte \d+/);
  assert.ok(!bad.text.includes(SECRET));
  const key = await rejectsWith(
    core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'sd-key' }, stringData: { 'bad key': SECRET } },
    }),
    422,
  );
  assert.equal(key.details?.causes?.[0]?.field, 'data[bad key]');
  assert.ok(!JSON.stringify(key).includes(SECRET) && !JSON.stringify(key).includes(b64(SECRET)));
});

test('malformed JSON, YAML and patches are 400 without quoting the body', async () => {
  const bodies: [string, string, string][] = [
    ['POST', secrets, `{"metadata":{"name":"x"},"stringData":{"p":${SECRET}}}`],
    ['POST', secrets, `metadata: {name: x}\nstringData:\n  p: ${SECRET}\n bad: [`],
    ['PATCH', `${secrets}/sd-create`, `{"stringData":{"p":${SECRET}}}`],
    ['PATCH', `${secrets}/sd-create?fieldManager=t`, `stringData:\n  p: ${SECRET}\n bad: [`],
  ];
  const types = [
    'application/json',
    'application/yaml',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
  ];
  for (const [i, [method, path, body]] of bodies.entries()) {
    const res = await raw(method, path, body, types[i]);
    assert.equal(res.status, 400, `${types[i]}: ${res.text}`);
    assert.equal(res.json.reason, 'BadRequest');
    assert.ok(!res.text.includes(SECRET), `${types[i]} answer quotes the body: ${res.text}`);
  }
  const wrongKind = await raw(
    'POST',
    secrets,
    JSON.stringify({ kind: { secret: SECRET }, metadata: { name: 'x' } }),
  );
  assert.equal(wrongKind.status, 400);
  assert.ok(!wrongKind.text.includes(SECRET));
});

const CANNOT = 'Secret in version "v1" cannot be handled as a Secret: ';

test('bad data and stringData get the decoder messages of a real server, naming no value', async () => {
  // Offsets as Go's base64.StdEncoding reports them (padding required, CR/LF skipped), in the
  // server's words; "admin" and "wombat" are the cases reported from real clusters.
  const cases: [Record<string, unknown>, string][] = [
    [{ data: { username: 'admin' } }, 'illegal base64 data at input byte 4'],
    [{ data: { password: 'wombat' } }, 'illegal base64 data at input byte 4'],
    [{ data: { password: `${SECRET}!` } }, 'illegal base64 data at input byte 7'],
    [{ data: { a: 'YWJj=' } }, 'illegal base64 data at input byte 4'],
    [{ data: { a: 'YQ=' } }, 'illegal base64 data at input byte 3'],
    [{ data: { a: 'YQ==x' } }, 'illegal base64 data at input byte 4'],
    [{ data: { a: 'YQ==', b: 'Y' } }, 'illegal base64 data at input byte 0'],
    [
      { data: { a: { v: SECRET } } },
      'json: cannot unmarshal object into Go struct field Secret.data of type []uint8',
    ],
    [
      { data: { a: 12345 } },
      'json: cannot unmarshal number into Go struct field Secret.data of type []uint8',
    ],
    [
      { data: SECRET },
      'json: cannot unmarshal string into Go struct field Secret.data of type map[string][]uint8',
    ],
    [
      { stringData: { port: 5432 } },
      'json: cannot unmarshal number into Go struct field Secret.stringData of type string',
    ],
    [
      { stringData: { on: true } },
      'json: cannot unmarshal bool into Go struct field Secret.stringData of type string',
    ],
    [
      { stringData: { p: { v: SECRET } } },
      'json: cannot unmarshal object into Go struct field Secret.stringData of type string',
    ],
    [
      { stringData: [SECRET] },
      'json: cannot unmarshal array into Go struct field Secret.stringData of type map[string]string',
    ],
    [
      { stringData: { port: 1 }, data: { a: 'Y' } },
      'json: cannot unmarshal number into Go struct field Secret.stringData of type string',
    ],
  ];
  for (const [i, [fields, message]] of cases.entries()) {
    for (const [method, path, contentType] of [
      ['POST', secrets, 'application/json'],
      ['PATCH', `${secrets}/sd-decode-${i}?fieldManager=t`, 'application/apply-patch+yaml'],
    ] as const) {
      const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `sd-decode-${i}` }, ...fields };
      const res = await raw(method, path, JSON.stringify(body), contentType);
      assert.equal(res.status, 400, `${JSON.stringify(fields)}: ${res.text}`);
      assert.equal(res.json.reason, 'BadRequest');
      assert.equal(res.json.message, `${CANNOT}${message}`, JSON.stringify(fields));
      assert.ok(!res.text.includes(SECRET));
    }
  }
});

test('data comes back in canonical base64; a null stringData value is an empty string', async () => {
  const created = await raw(
    'POST',
    secrets,
    JSON.stringify({
      metadata: { name: 'sd-canonical' },
      data: { wrapped: 'YWJj\nZGVm', bits: 'YR==' },
      stringData: { empty: null },
    }),
  );
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.json.data, { wrapped: b64('abcdef'), bits: b64('a'), empty: '' });
});
