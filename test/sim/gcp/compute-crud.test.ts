// Contract tests: the official @google-cloud/compute client against the simulator — insert, get,
// list, update with fingerprint and delete for every collection, operations, and the API's errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { computeClients, done, rejects, waitOp, type ComputeClients } from './helpers/compute-clients.js';
import { demoDataPlanes, demoDistances } from './helpers/fake-data-plane.js';
import { tls, zoneOf } from './helpers/world.js';

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
  for (;;) {
    const [op] = await c.globalOps.get({ project, operation: first.name });
    seen.add(String(op.status));
    if (op.status === 'DONE') break;
    await new Promise((r) => setTimeout(r, 10));
  }
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

test('backend services: references checked, update needs the current fingerprint, in-use deletes refused, limits', async () => {
  const zone = zoneOf.us;
  await done(
    c,
    project,
    c.healthChecks.insert({
      project,
      healthCheckResource: { name: 'bs-hc', type: 'HTTP', httpHealthCheck: { port: 30080 } },
    }),
  );
  await done(
    c,
    project,
    c.instanceGroups.insert({
      project,
      zone,
      instanceGroupResource: { name: 'bs-ig', namedPorts: [{ name: 'http', port: 30080 }] },
    }),
  );
  const group = `zones/${zone}/instanceGroups/bs-ig`;
  await rejects(
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: 'be',
        healthChecks: ['global/healthChecks/missing'],
        backends: [{ group }],
      },
    }),
    404,
    'notFound',
  );
  await rejects(
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: 'be',
        healthChecks: ['global/healthChecks/bs-hc'],
        backends: [{ group: `zones/${zone}/instanceGroups/missing` }],
      },
    }),
    404,
    'notFound',
  );
  await rejects(
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: 'be',
        healthChecks: ['global/healthChecks/bs-hc'],
        backends: [{ group, capacityScaler: 0.05 }],
      },
    }),
    400,
    'invalid',
  );
  await done(
    c,
    project,
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: 'be',
        healthChecks: ['global/healthChecks/bs-hc'],
        backends: [{ group }],
      },
    }),
  );
  const [be] = await c.backendServices.get({ project, backendService: 'be' });
  assert.match(be.fingerprint!, canonicalBase64);
  assert.equal(be.backends![0]!.group, `${sim.url}projects/${project}/${group}`);
  await done(
    c,
    project,
    c.backendServices.update({
      project,
      backendService: 'be',
      backendServiceResource: { ...be, timeoutSec: 60 },
    }),
  );
  await rejects(
    c.backendServices.update({
      project,
      backendService: 'be',
      backendServiceResource: { ...be, timeoutSec: 90 },
    }),
    412,
    'conditionNotMet',
  );
  const [be2] = await c.backendServices.get({ project, backendService: 'be' });
  assert.equal(be2.timeoutSec, 60);
  assert.notEqual(be2.fingerprint, be.fingerprint);
  await rejects(
    c.backendServices.patch({ project, backendService: 'be', backendServiceResource: { timeoutSec: 5 } }),
    412,
    'conditionNotMet',
  );
  await done(
    c,
    project,
    c.backendServices.patch({
      project,
      backendService: 'be',
      backendServiceResource: { timeoutSec: 5, fingerprint: be2.fingerprint! },
    }),
  );
  const [be3] = await c.backendServices.get({ project, backendService: 'be' });
  assert.equal(be3.timeoutSec, 5);
  await rejects(
    c.backendServices.update({
      project,
      backendService: 'be',
      backendServiceResource: { ...be3, healthChecks: ['global/healthChecks/gone'] },
    }),
    404,
    'notFound',
  );
  await rejects(
    c.healthChecks.delete({ project, healthCheck: 'bs-hc' }),
    400,
    'resourceInUseByAnotherResource',
  );
  await rejects(
    c.instanceGroups.delete({ project, zone, instanceGroup: 'bs-ig' }),
    400,
    'resourceInUseByAnotherResource',
  );
  // At most 50 instance-group backends per backend service.
  const many = Array.from({ length: 51 }, (_, i) => `zones/${zone}/instanceGroups/lim-${i}`);
  await Promise.all(
    many.map((g) =>
      c.instanceGroups.insert({ project, zone, instanceGroupResource: { name: g.split('/').pop()! } }),
    ),
  );
  await rejects(
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: 'be-many',
        healthChecks: ['global/healthChecks/bs-hc'],
        backends: many.map((g) => ({ group: g })),
      },
    }),
    400,
    'invalid',
  );
  await done(
    c,
    project,
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: 'be-many',
        healthChecks: ['global/healthChecks/bs-hc'],
        backends: many.slice(0, 50).map((g) => ({ group: g })),
      },
    }),
  );
  await done(c, project, c.backendServices.delete({ project, backendService: 'be-many' }));
  await done(c, project, c.backendServices.delete({ project, backendService: 'be' }));
  await done(c, project, c.healthChecks.delete({ project, healthCheck: 'bs-hc' }));
});

test('URL maps: references, fingerprints, list filters, limits, in-use deletes', async () => {
  await done(
    c,
    project,
    c.healthChecks.insert({ project, healthCheckResource: { name: 'um-hc', type: 'HTTP' } }),
  );
  await done(
    c,
    project,
    c.backendServices.insert({
      project,
      backendServiceResource: { name: 'um-be', healthChecks: ['global/healthChecks/um-hc'] },
    }),
  );
  const defaultService = 'global/backendServices/um-be';
  await rejects(
    c.urlMaps.insert({
      project,
      urlMapResource: { name: 'k8s-um', defaultService: 'global/backendServices/missing' },
    }),
    404,
    'notFound',
  );
  await rejects(
    c.urlMaps.insert({
      project,
      urlMapResource: {
        name: 'k8s-um',
        defaultService,
        hostRules: [{ hosts: ['a.example.com'], pathMatcher: 'nope' }],
      },
    }),
    400,
    'invalid',
  );
  await done(c, project, c.urlMaps.insert({ project, urlMapResource: { name: 'k8s-um', defaultService } }));
  await done(c, project, c.urlMaps.insert({ project, urlMapResource: { name: 'other-um', defaultService } }));
  const [filtered] = await c.urlMaps.list({ project, filter: 'name eq "k8s-.*"' });
  assert.deepEqual(
    filtered.map((u) => u.name),
    ['k8s-um'],
  );
  const [um] = await c.urlMaps.get({ project, urlMap: 'k8s-um' });
  assert.match(um.fingerprint!, canonicalBase64);
  const withRules = {
    ...um,
    hostRules: [{ hosts: ['*.example.com'], pathMatcher: 'pm' }],
    pathMatchers: [
      { name: 'pm', defaultService, pathRules: [{ paths: ['/api/*'], service: defaultService }] },
    ],
  };
  await done(c, project, c.urlMaps.update({ project, urlMap: 'k8s-um', urlMapResource: withRules }));
  await rejects(
    c.urlMaps.update({ project, urlMap: 'k8s-um', urlMapResource: withRules }),
    412,
    'conditionNotMet',
  );
  const [um2] = await c.urlMaps.get({ project, urlMap: 'k8s-um' });
  assert.deepEqual(
    um2.hostRules?.map((h) => h.hosts),
    [['*.example.com']],
  );
  const hostRules = Array.from({ length: 1001 }, (_, i) => ({
    hosts: [`h${i}.example.com`],
    pathMatcher: 'pm',
  }));
  await rejects(
    c.urlMaps.update({ project, urlMap: 'k8s-um', urlMapResource: { ...um2, hostRules } }),
    400,
    'invalid',
  );
  const pathRules = Array.from({ length: 1001 }, (_, i) => ({ paths: [`/p${i}`], service: defaultService }));
  await rejects(
    c.urlMaps.update({
      project,
      urlMap: 'k8s-um',
      urlMapResource: { ...um2, pathMatchers: [{ name: 'pm', defaultService, pathRules }] },
    }),
    400,
    'invalid',
  );
  await rejects(
    c.backendServices.delete({ project, backendService: 'um-be' }),
    400,
    'resourceInUseByAnotherResource',
  );
  await done(c, project, c.urlMaps.delete({ project, urlMap: 'other-um' }));
});

test('target HTTP proxies: insert, setUrlMap, patch with fingerprint, delete; the URL map is then in use', async () => {
  await rejects(
    c.httpProxies.insert({
      project,
      targetHttpProxyResource: { name: 'px', urlMap: 'global/urlMaps/missing' },
    }),
    404,
    'notFound',
  );
  await done(
    c,
    project,
    c.httpProxies.insert({
      project,
      targetHttpProxyResource: { name: 'px', urlMap: 'global/urlMaps/k8s-um' },
    }),
  );
  await done(
    c,
    project,
    c.urlMaps.insert({
      project,
      urlMapResource: { name: 'um-b', defaultService: 'global/backendServices/um-be' },
    }),
  );
  await done(
    c,
    project,
    c.httpProxies.setUrlMap({
      project,
      targetHttpProxy: 'px',
      urlMapReferenceResource: { urlMap: 'global/urlMaps/um-b' },
    }),
  );
  const [px] = await c.httpProxies.get({ project, targetHttpProxy: 'px' });
  assert.match(px.urlMap!, /\/global\/urlMaps\/um-b$/);
  await rejects(
    c.httpProxies.patch({ project, targetHttpProxy: 'px', targetHttpProxyResource: { description: 'x' } }),
    412,
    'conditionNotMet',
  );
  await done(
    c,
    project,
    c.httpProxies.patch({
      project,
      targetHttpProxy: 'px',
      targetHttpProxyResource: { description: 'x', fingerprint: px.fingerprint! },
    }),
  );
  await rejects(c.urlMaps.delete({ project, urlMap: 'um-b' }), 400, 'resourceInUseByAnotherResource');
  const [list] = await c.httpProxies.list({ project });
  assert.deepEqual(
    list.map((p) => p.name),
    ['px'],
  );
});

test('SSL certificates and target HTTPS proxies: the private key is never returned, setSslCertificates, 15 certs max', async () => {
  await rejects(
    c.sslCertificates.insert({
      project,
      sslCertificateResource: { name: 'bad', certificate: tls.aCert, privateKey: tls.bKey },
    }),
    400,
    'invalid',
  );
  await done(
    c,
    project,
    c.sslCertificates.insert({
      project,
      sslCertificateResource: { name: 'cert-a', certificate: tls.aCert, privateKey: tls.aKey },
    }),
  );
  await done(
    c,
    project,
    c.sslCertificates.insert({
      project,
      sslCertificateResource: { name: 'cert-b', certificate: tls.bCert, privateKey: tls.bKey },
    }),
  );
  const [cert] = await c.sslCertificates.get({ project, sslCertificate: 'cert-a' });
  assert.deepEqual(cert.subjectAlternativeNames, ['a.example.com', 'www.a.example.com']);
  assert.equal(cert.type, 'SELF_MANAGED');
  const raw = await fetch(`${sim.url}projects/${project}/global/sslCertificates`, {
    headers: { authorization: 'Bearer crud-token' },
  });
  assert.doesNotMatch(await raw.text(), /PRIVATE KEY/);
  await done(
    c,
    project,
    c.httpsProxies.insert({
      project,
      targetHttpsProxyResource: {
        name: 'spx',
        urlMap: 'global/urlMaps/k8s-um',
        sslCertificates: ['global/sslCertificates/cert-a'],
      },
    }),
  );
  await done(
    c,
    project,
    c.httpsProxies.setSslCertificates({
      project,
      targetHttpsProxy: 'spx',
      targetHttpsProxiesSetSslCertificatesRequestResource: {
        sslCertificates: ['global/sslCertificates/cert-a', 'global/sslCertificates/cert-b'],
      },
    }),
  );
  await done(
    c,
    project,
    c.httpsProxies.setUrlMap({
      project,
      targetHttpsProxy: 'spx',
      urlMapReferenceResource: { urlMap: 'global/urlMaps/um-b' },
    }),
  );
  const [spx] = await c.httpsProxies.get({ project, targetHttpsProxy: 'spx' });
  assert.equal(spx.sslCertificates?.length, 2);
  assert.match(spx.urlMap!, /um-b$/);
  await rejects(
    c.httpsProxies.setSslCertificates({
      project,
      targetHttpsProxy: 'spx',
      targetHttpsProxiesSetSslCertificatesRequestResource: {
        sslCertificates: Array.from({ length: 16 }, () => 'global/sslCertificates/cert-a'),
      },
    }),
    400,
    'invalid',
  );
  await rejects(
    c.sslCertificates.delete({ project, sslCertificate: 'cert-b' }),
    400,
    'resourceInUseByAnotherResource',
  );
  const [certs] = await c.sslCertificates.list({ project });
  assert.deepEqual(
    certs.map((x) => x.name),
    ['cert-a', 'cert-b'],
  );
});

test('forwarding rules: address by reference, setTarget, setLabels, immutable IP/port/protocol, in-use address', async () => {
  await done(
    c,
    project,
    c.forwardingRules.insert({
      project,
      forwardingRuleResource: {
        name: 'fr',
        IPAddress: 'global/addresses/web-ip',
        portRange: '80',
        target: 'global/targetHttpProxies/px',
      },
    }),
  );
  await rejects(
    c.forwardingRules.insert({
      project,
      forwardingRuleResource: {
        name: 'fr-443',
        IPAddress: 'global/addresses/web-ip',
        portRange: '443',
        target: 'global/targetHttpProxies/px',
      },
    }),
    400,
    'invalid',
  );
  await done(
    c,
    project,
    c.forwardingRules.insert({
      project,
      forwardingRuleResource: {
        name: 'fr-443',
        IPAddress: 'global/addresses/web-ip',
        portRange: '443',
        target: 'global/targetHttpsProxies/spx',
      },
    }),
  );
  const [fr] = await c.forwardingRules.get({ project, forwardingRule: 'fr' });
  const [ip] = await c.addresses.get({ project, address: 'web-ip' });
  assert.equal(fr.IPAddress, ip.address);
  assert.equal(fr.portRange, '80-80');
  assert.equal(ip.status, 'IN_USE');
  await done(
    c,
    project,
    c.httpProxies.insert({
      project,
      targetHttpProxyResource: { name: 'px2', urlMap: 'global/urlMaps/k8s-um' },
    }),
  );
  await done(
    c,
    project,
    c.forwardingRules.setTarget({
      project,
      forwardingRule: 'fr',
      targetReferenceResource: { target: 'global/targetHttpProxies/px2' },
    }),
  );
  await done(
    c,
    project,
    c.forwardingRules.setLabels({
      project,
      resource: 'fr',
      globalSetLabelsRequestResource: {
        labels: { 'fedsync-id': 'web' },
        labelFingerprint: fr.labelFingerprint!,
      },
    }),
  );
  await rejects(
    c.forwardingRules.setLabels({
      project,
      resource: 'fr',
      globalSetLabelsRequestResource: { labels: {}, labelFingerprint: fr.labelFingerprint! },
    }),
    412,
    'conditionNotMet',
  );
  await rejects(
    c.forwardingRules.patch({
      project,
      forwardingRule: 'fr',
      forwardingRuleResource: { IPAddress: '34.120.9.9' },
    }),
    400,
    'invalid',
  );
  await rejects(
    c.forwardingRules.patch({ project, forwardingRule: 'fr', forwardingRuleResource: { portRange: '8080' } }),
    400,
    'invalid',
  );
  await rejects(
    c.forwardingRules.patch({ project, forwardingRule: 'fr', forwardingRuleResource: { IPProtocol: 'UDP' } }),
    400,
    'invalid',
  );
  await rejects(c.addresses.delete({ project, address: 'web-ip' }), 400, 'resourceInUseByAnotherResource');
  await rejects(
    c.httpProxies.delete({ project, targetHttpProxy: 'px2' }),
    400,
    'resourceInUseByAnotherResource',
  );
  const [frs] = await c.forwardingRules.list({ project, filter: 'labels.fedsync-id = web' });
  assert.deepEqual(
    frs.map((f) => f.name),
    ['fr'],
  );
  assert.match(frs[0]!.target!, /px2$/);
  // Tear down in dependency order; each step frees the next.
  await done(c, project, c.forwardingRules.delete({ project, forwardingRule: 'fr' }));
  await done(c, project, c.forwardingRules.delete({ project, forwardingRule: 'fr-443' }));
  await done(c, project, c.addresses.delete({ project, address: 'web-ip' }));
  await done(c, project, c.httpProxies.delete({ project, targetHttpProxy: 'px2' }));
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
  assert.ok(body.items['zones/us-central1-c']?.instanceGroups?.some((g) => g.name === 'bs-ig'));
  const seen: string[] = [];
  for await (const [scope, list] of c.urlMaps.aggregatedListAsync({ project }))
    if (list.urlMaps?.length) seen.push(scope);
  assert.deepEqual(seen, ['global']);
});

test('requests without the bearer token get 401 in the Apiary format; requests are counted', async () => {
  const res = await fetch(`${sim.url}projects/${project}/global/urlMaps`);
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: number; errors: { reason: string }[] } };
  assert.equal(body.error.code, 401);
  assert.equal(body.error.errors[0]?.reason, 'required');
  const wrong = computeClients(sim.port, 'wrong-token');
  await rejects(wrong.urlMaps.get({ project, urlMap: 'k8s-um' }), 401, 'required');
  sim.resetCounters();
  await c.urlMaps.get({ project, urlMap: 'k8s-um' });
  await done(
    c,
    project,
    c.urlMaps.insert({
      project,
      urlMapResource: { name: 'counted', defaultService: 'global/backendServices/um-be' },
    }),
  );
  const n = sim.counters();
  assert.equal(n.byMethod['urlMaps.get'], 1);
  assert.equal(n.byMethod['urlMaps.insert'], 1);
  assert.equal(n.mutations, 1);
  assert.equal(n.reads, n.total - 1);
});
