// dryRun=All on every write verb: the answer is what the write would produce, nothing is stored,
// no event is sent, and the counters record a dry-run write without a change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { testCluster } from './helpers.js';

let sim: SimCluster;

before(async () => {
  sim = await testCluster();
});
after(() => sim.stop());

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': contentType },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const cms = '/api/v1/namespaces/dry/configmaps';
const data = (r: { json: Record<string, unknown> }): unknown => r.json.data;

test('every write verb with dryRun=All answers the result and stores nothing', async () => {
  assert.equal((await call('POST', '/api/v1/namespaces', { metadata: { name: 'dry' } })).status, 201);
  await call('POST', cms, { metadata: { name: 'a' }, data: { k: '1' } });
  await call('POST', cms, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  await call('POST', '/api/v1/namespaces/dry/pods', {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  await sim.settle();
  const rv = sim.store.currentRV();
  const events: string[] = [];
  const watch = await fetch(`${sim.url}/api/v1/namespaces/dry/configmaps?watch=true&resourceVersion=${rv}`, {
    headers: { authorization: `Bearer ${sim.token}` },
  });
  const reader = watch.body!.getReader();
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return;
      events.push(new TextDecoder().decode(chunk.value as Uint8Array | undefined));
    }
  })();
  sim.counters.reset();

  const writes: [string, string, unknown, string?][] = [
    ['POST', `${cms}?dryRun=All`, { metadata: { name: 'b' }, data: { k: '1' } }],
    ['PUT', `${cms}/a?dryRun=All`, { metadata: { name: 'a' }, data: { k: '2' } }],
    ['PATCH', `${cms}/a?dryRun=All`, { data: { k: '3' } }, 'application/merge-patch+json'],
    [
      'PATCH',
      `${cms}/a?dryRun=All`,
      [{ op: 'replace', path: '/data/k', value: '4' }],
      'application/json-patch+json',
    ],
    ['PATCH', `${cms}/a?dryRun=All`, { data: { k: '5' } }, 'application/strategic-merge-patch+json'],
    [
      'PATCH',
      `${cms}/a?dryRun=All&fieldManager=t&force=true`,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: '6' } },
      'application/apply-patch+yaml',
    ],
    [
      'PATCH',
      `/api/v1/namespaces/dry/pods/p/status?dryRun=All`,
      { status: { phase: 'Failed' } },
      'application/merge-patch+json',
    ],
    ['DELETE', `${cms}/a?dryRun=All`, undefined],
    ['DELETE', `${cms}/held?dryRun=All`, undefined],
    ['DELETE', `${cms}/a`, { dryRun: ['All'] }],
    ['DELETE', `${cms}?dryRun=All`, undefined],
    ['DELETE', '/api/v1/namespaces/dry?dryRun=All', undefined],
  ];
  const answers = [];
  for (const [method, path, body, type] of writes) {
    const r = await call(method, path, body, type);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    answers.push(r);
  }
  assert.deepEqual(answers.slice(0, 6).map(data), [
    { k: '1' },
    { k: '2' },
    { k: '3' },
    { k: '4' },
    { k: '5' },
    { k: '6' },
  ]);
  assert.equal((answers[6]?.json.status as { phase?: string }).phase, 'Failed');
  assert.ok((answers[8]?.json.metadata as { deletionTimestamp?: string }).deletionTimestamp);
  assert.equal((answers[11]?.json.status as { phase?: string }).phase, 'Terminating');

  await sim.settle();
  assert.equal(sim.store.currentRV(), rv, 'no resourceVersion was used');
  const a = await call('GET', `${cms}/a`);
  assert.deepEqual(data(a), { k: '1' });
  const held = await call('GET', `${cms}/held`);
  assert.equal((held.json.metadata as { deletionTimestamp?: string }).deletionTimestamp, undefined);
  assert.equal((await call('GET', `${cms}/b`)).status, 404);
  const ns = await call('GET', '/api/v1/namespaces/dry');
  assert.equal((ns.json.status as { phase?: string }).phase, 'Active');
  const pod = await call('GET', '/api/v1/namespaces/dry/pods/p');
  assert.equal((pod.json.status as { phase?: string }).phase, 'Running');
  const counted = sim.counters.snapshot();
  assert.equal(counted.dryRunWrites, writes.length);
  assert.equal(counted.changes, 0);
  await reader.cancel();
  assert.deepEqual(
    events
      .join('')
      .split('\n')
      .filter((l) => l.includes('"type"') && !l.includes('BOOKMARK')),
    [],
    'a dry run sends no watch event',
  );
});
