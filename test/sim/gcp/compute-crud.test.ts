// Contract tests: the official @google-cloud/compute client against the simulator — insert, get,
// list, update with fingerprint and delete for every collection, operations, and the API's errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { computeClients, done, rejects, waitOp, type ComputeClients } from './helpers/compute-clients.js';
import { demoDataPlanes, demoDistances } from './helpers/fake-data-plane.js';
import { zoneOf } from './helpers/world.js';
import { waitFor } from '../../helpers/wait-for.js';

const project = 'crud-project';
let sim: ComputeSim;
let c: ComputeClients;
const canonicalBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

before(async () => {
  sim = await startComputeSim({
    project,
    dataPlanes: demoDataPlanes(),
    distances: demoDistances,
    token: 'crud-token',
    operationDelayMs: 60,
  });
  c = computeClients(sim.port, 'crud-token');
});
after(() => sim.stop());

test('a mutation returns a PENDING operation that goes RUNNING then DONE, read with get and wait', async () => {
  const [lro] = await c.addresses.insert({ project, addressResource: { name: 'op-ip' } });
  const first = (lro as unknown as { latestResponse: { status: string; name: string; targetLink: string } })
    .latestResponse;
  assert.equal(first.status, 'PENDING');
  assert.match(
    first.targetLink,
    new RegExp(`^http://127\\.0\\.0\\.1:${sim.port}/compute/v1/projects/${project}/global/addresses/op-ip$`),
  );
  const seen = new Set<string>();
  await waitFor('the operation to be DONE', async () => {
    const [op] = await c.globalOps.get({ project, operation: first.name });
    seen.add(String(op.status));
    return op.status === 'DONE';
  });
  assert.ok(seen.has('RUNNING'), `saw ${[...seen].join(',')}`);
  const [lro2] = await c.addresses.delete({ project, address: 'op-ip' });
  const op2 = await waitOp(c, project, lro2);
  assert.equal(op2.status, 'DONE');
  assert.equal(op2.operationType, 'delete');
  await rejects(c.globalOps.get({ project, operation: 'operation-missing' }), 404, 'notFound');
});

test('zonal mutations return zonal operations that zoneOperations get and wait', async () => {
  const [lro] = await c.instanceGroups.insert({
    project,
    zone: zoneOf.europe,
    instanceGroupResource: { name: 'zonal-op' },
  });
  const op = (lro as unknown as { latestResponse: { zone: string; name: string } }).latestResponse;
  assert.match(op.zone, /\/zones\/europe-west1-b$/);
  const [waited] = await c.zoneOps.wait({ project, zone: zoneOf.europe, operation: op.name });
  assert.equal(waited.status, 'DONE');
  const [got] = await c.zoneOps.get({ project, zone: zoneOf.europe, operation: op.name });
  assert.equal(got.status, 'DONE');
  await done(
    c,
    project,
    c.instanceGroups.delete({ project, zone: zoneOf.europe, instanceGroup: 'zonal-op' }),
  );
});

test('addresses: insert, get, list, setLabels with labelFingerprint, delete; 409, name rules', async () => {
  await done(c, project, c.addresses.insert({ project, addressResource: { name: 'web-ip' } }));
  const [a] = await c.addresses.get({ project, address: 'web-ip' });
  assert.match(a.address!, /^34\.120\.\d+\.\d+$/);
  assert.equal(a.status, 'RESERVED');
  assert.match(
    a.selfLink!,
    /^http:\/\/127\.0\.0\.1:\d+\/compute\/v1\/projects\/crud-project\/global\/addresses\/web-ip$/,
  );
  assert.match(a.labelFingerprint!, canonicalBase64);
  await rejects(c.addresses.insert({ project, addressResource: { name: 'web-ip' } }), 409, 'alreadyExists');
  await rejects(c.addresses.insert({ project, addressResource: { name: 'Web_IP' } }), 400, 'invalid');
  await rejects(c.addresses.insert({ project, addressResource: { name: 'a'.repeat(64) } }), 400, 'invalid');
  await done(c, project, c.addresses.insert({ project, addressResource: { name: 'a'.repeat(63) } }));
  const [items] = await c.addresses.list({ project });
  assert.deepEqual(
    items.map((i) => i.name),
    ['a'.repeat(63), 'web-ip'],
  );
  await done(
    c,
    project,
    c.addresses.setLabels({
      project,
      resource: 'web-ip',
      globalSetLabelsRequestResource: { labels: { owner: 'fedsync' }, labelFingerprint: a.labelFingerprint! },
    }),
  );
  await rejects(
    c.addresses.setLabels({
      project,
      resource: 'web-ip',
      globalSetLabelsRequestResource: { labels: {}, labelFingerprint: a.labelFingerprint! },
    }),
    412,
    'conditionNotMet',
  );
  const [labelled] = await c.addresses.list({ project, filter: 'labels.owner = fedsync' });
  assert.deepEqual(
    labelled.map((i) => i.name),
    ['web-ip'],
  );
  await done(c, project, c.addresses.delete({ project, address: 'a'.repeat(63) }));
  await rejects(c.addresses.get({ project, address: 'a'.repeat(63) }), 404, 'notFound');
  await rejects(c.addresses.delete({ project, address: 'nope' }), 404, 'notFound');
});

test('health checks: insert, get, list, update, patch, delete', async () => {
  await done(
    c,
    project,
    c.healthChecks.insert({
      project,
      healthCheckResource: {
        name: 'hc1',
        type: 'HTTP',
        httpHealthCheck: { port: 30080, requestPath: '/healthz' },
      },
    }),
  );
  const [hc] = await c.healthChecks.get({ project, healthCheck: 'hc1' });
  assert.equal(hc.httpHealthCheck?.port, 30080);
  assert.equal(hc.checkIntervalSec, 5);
  await done(
    c,
    project,
    c.healthChecks.update({
      project,
      healthCheck: 'hc1',
      healthCheckResource: { ...hc, checkIntervalSec: 10 },
    }),
  );
  await done(
    c,
    project,
    c.healthChecks.patch({ project, healthCheck: 'hc1', healthCheckResource: { timeoutSec: 3 } }),
  );
  const [after2] = await c.healthChecks.get({ project, healthCheck: 'hc1' });
  assert.equal(after2.checkIntervalSec, 10);
  assert.equal(after2.timeoutSec, 3);
  assert.equal(after2.id, hc.id);
  await rejects(
    c.healthChecks.insert({ project, healthCheckResource: { name: 'hc-bad', type: 'GRPC' } }),
    400,
    'invalid',
  );
  const [list] = await c.healthChecks.list({ project });
  assert.deepEqual(
    list.map((h) => h.name),
    ['hc1'],
  );
  await done(c, project, c.healthChecks.delete({ project, healthCheck: 'hc1' }));
});

test('instances are the simulated nodes, one per node in its zone, on the world network', async () => {
  const [eu] = await c.instances.list({ project, zone: zoneOf.europe });
  assert.deepEqual(
    eu.map((i) => i.name),
    ['gce-europe-west1b-node-1', 'gce-europe-west1b-node-2'],
  );
  const [i] = await c.instances.get({ project, zone: zoneOf.europe, instance: 'gce-europe-west1b-node-1' });
  assert.match(i.networkInterfaces![0]!.network!, /\/global\/networks\/default$/);
  assert.deepEqual(i.tags?.items, ['gke-gce-europe-west1b-node']);
  assert.equal(i.status, 'RUNNING');
  await rejects(
    c.instances.get({ project, zone: zoneOf.asia, instance: 'gce-europe-west1b-node-1' }),
    404,
    'notFound',
  );
});

test('instance groups: insert, addInstances, listInstances, setNamedPorts with fingerprint, removeInstances, delete', async () => {
  const zone = zoneOf.europe;
  await done(c, project, c.instanceGroups.insert({ project, zone, instanceGroupResource: { name: 'ig1' } }));
  const members = [
    { instance: `zones/${zone}/instances/gce-europe-west1b-node-1` },
    { instance: `zones/${zone}/instances/gce-europe-west1b-node-2` },
  ];
  await done(
    c,
    project,
    c.instanceGroups.addInstances({
      project,
      zone,
      instanceGroup: 'ig1',
      instanceGroupsAddInstancesRequestResource: { instances: members },
    }),
  );
  const [listed] = await c.instanceGroups.listInstances({
    project,
    zone,
    instanceGroup: 'ig1',
    instanceGroupsListInstancesRequestResource: { instanceState: 'ALL' },
  });
  assert.deepEqual(
    listed.map((m) => m.instance!.split('/').pop()),
    ['gce-europe-west1b-node-1', 'gce-europe-west1b-node-2'],
  );
  // Adding a member twice is refused on the call itself, as the real API does.
  await rejects(
    c.instanceGroups.addInstances({
      project,
      zone,
      instanceGroup: 'ig1',
      instanceGroupsAddInstancesRequestResource: { instances: members.slice(0, 1) },
    }),
    400,
    'memberAlreadyExists',
  );
  await rejects(
    c.instanceGroups.addInstances({
      project,
      zone,
      instanceGroup: 'ig1',
      instanceGroupsAddInstancesRequestResource: {
        instances: [{ instance: `zones/${zoneOf.asia}/instances/gce-asia-east1a-node-1` }],
      },
    }),
    400,
    'invalid',
  );
  const [ig] = await c.instanceGroups.get({ project, zone, instanceGroup: 'ig1' });
  assert.equal(ig.size, 2);
  assert.match(ig.fingerprint!, canonicalBase64);
  await done(
    c,
    project,
    c.instanceGroups.setNamedPorts({
      project,
      zone,
      instanceGroup: 'ig1',
      instanceGroupsSetNamedPortsRequestResource: {
        namedPorts: [{ name: 'http', port: 30080 }],
        fingerprint: ig.fingerprint!,
      },
    }),
  );
  await rejects(
    c.instanceGroups.setNamedPorts({
      project,
      zone,
      instanceGroup: 'ig1',
      instanceGroupsSetNamedPortsRequestResource: { namedPorts: [], fingerprint: ig.fingerprint! },
    }),
    412,
    'conditionNotMet',
  );
  await done(
    c,
    project,
    c.instanceGroups.removeInstances({
      project,
      zone,
      instanceGroup: 'ig1',
      instanceGroupsRemoveInstancesRequestResource: { instances: members.slice(1) },
    }),
  );
  const [after1] = await c.instanceGroups.get({ project, zone, instanceGroup: 'ig1' });
  assert.equal(after1.size, 1);
  assert.deepEqual(
    after1.namedPorts?.map((p) => [p.name, p.port]),
    [['http', 30080]],
  );
  const [list] = await c.instanceGroups.list({ project, zone });
  assert.deepEqual(
    list.map((g) => g.name),
    ['ig1'],
  );
  await done(c, project, c.instanceGroups.delete({ project, zone, instanceGroup: 'ig1' }));
});

test('firewalls: insert, get, list, update, patch, delete', async () => {
  await done(
    c,
    project,
    c.firewalls.insert({
      project,
      firewallResource: {
        name: 'allow-lb',
        allowed: [{ IPProtocol: 'tcp', ports: ['30000-32767'] }],
        sourceRanges: ['130.211.0.0/22', '35.191.0.0/16'],
      },
    }),
  );
  const [fw] = await c.firewalls.get({ project, firewall: 'allow-lb' });
  assert.match(fw.network!, /\/global\/networks\/default$/);
  assert.equal(fw.direction, 'INGRESS');
  await done(
    c,
    project,
    c.firewalls.update({ project, firewall: 'allow-lb', firewallResource: { ...fw, priority: 900 } }),
  );
  await done(
    c,
    project,
    c.firewalls.patch({
      project,
      firewall: 'allow-lb',
      firewallResource: { targetTags: ['gke-gce-europe-west1b-node'] },
    }),
  );
  const [fw2] = await c.firewalls.get({ project, firewall: 'allow-lb' });
  assert.equal(fw2.priority, 900);
  assert.deepEqual(fw2.targetTags, ['gke-gce-europe-west1b-node']);
  await rejects(
    c.firewalls.insert({
      project,
      firewallResource: {
        name: 'fw-net',
        network: 'global/networks/other',
        allowed: [{ IPProtocol: 'tcp' }],
      },
    }),
    404,
    'notFound',
  );
  const [list] = await c.firewalls.list({ project });
  assert.deepEqual(
    list.map((f) => f.name),
    ['allow-lb'],
  );
  await done(c, project, c.firewalls.delete({ project, firewall: 'allow-lb' }));
});

test('lists page with maxResults and pageToken', async () => {
  for (const n of ['pg-1', 'pg-2', 'pg-3'])
    await c.healthChecks.insert({ project, healthCheckResource: { name: n, type: 'HTTP' } });
  const [page1, next, resp] = await c.healthChecks.list(
    { project, maxResults: 2, filter: 'name eq "pg-.*"' },
    { autoPaginate: false },
  );
  assert.deepEqual(
    page1.map((h) => h.name),
    ['pg-1', 'pg-2'],
  );
  assert.ok(resp?.nextPageToken);
  const [page2] = await c.healthChecks.list({ ...next!, project }, { autoPaginate: false });
  assert.deepEqual(
    page2.map((h) => h.name),
    ['pg-3'],
  );
  const all: string[] = [];
  for await (const h of c.healthChecks.listAsync({ project, maxResults: 1, filter: 'name eq "pg-.*"' }))
    all.push(h.name!);
  assert.deepEqual(all, ['pg-1', 'pg-2', 'pg-3']);
});

test('aggregated lists have the shape gcloud expects, with a warning for empty scopes', async () => {
  await done(
    c,
    project,
    c.instanceGroups.insert({ project, zone: zoneOf.us, instanceGroupResource: { name: 'agg-ig' } }),
  );
  const res = await fetch(
    `${sim.url}projects/${project}/aggregated/instanceGroups?alt=json&includeAllScopes=True&maxResults=500&returnPartialSuccess=True`,
    { headers: { authorization: 'Bearer crud-token' } },
  );
  const body = (await res.json()) as {
    kind: string;
    items: Record<string, { instanceGroups?: { name: string }[]; warning?: { code: string } }>;
  };
  assert.equal(body.kind, 'compute#instanceGroupAggregatedList');
  assert.equal(body.items['zones/asia-east1-a']?.warning?.code, 'NO_RESULTS_ON_PAGE');
  assert.ok(body.items['zones/us-central1-c']?.instanceGroups?.some((g) => g.name === 'agg-ig'));
  const seen: string[] = [];
  for await (const [scope, list] of c.healthChecks.aggregatedListAsync({ project }))
    if (list.healthChecks?.length) seen.push(scope);
  assert.deepEqual(seen, ['global']);
});

test('requests without the bearer token get 401 in the Apiary format; requests are counted', async () => {
  const res = await fetch(`${sim.url}projects/${project}/global/urlMaps`);
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: number; errors: { reason: string }[] } };
  assert.equal(body.error.code, 401);
  assert.equal(body.error.errors[0]?.reason, 'required');
  const wrong = computeClients(sim.port, 'wrong-token');
  await rejects(wrong.addresses.get({ project, address: 'web-ip' }), 401, 'authError');
  sim.resetCounters();
  await c.addresses.get({ project, address: 'web-ip' });
  await done(c, project, c.addresses.insert({ project, addressResource: { name: 'counted' } }));
  const n = sim.counters();
  assert.equal(n.byMethod['addresses.get'], 1);
  assert.equal(n.byMethod['addresses.insert'], 1);
  assert.equal(n.mutations, 1);
  assert.equal(n.reads, n.total - 1);
});
