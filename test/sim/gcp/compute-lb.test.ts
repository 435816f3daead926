// Contract tests for the load-balancer chain with the official @google-cloud/compute client: backend
// services, URL maps, target proxies, SSL certificates, forwarding rules — references, fingerprints,
// in-use deletes, immutable fields and limits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { computeClients, done, rejects, type ComputeClients } from './helpers/compute-clients.js';
import { demoDataPlanes, demoDistances } from './helpers/fake-data-plane.js';
import { tls, zoneOf } from './helpers/world.js';

const project = 'lb-project';
let sim: ComputeSim;
let c: ComputeClients;
const canonicalBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

before(async () => {
  sim = await startComputeSim({
    project,
    dataPlanes: demoDataPlanes(),
    distances: demoDistances,
    token: 'lb-token',
    operationDelayMs: 60,
  });
  c = computeClients(sim.port, 'lb-token');
  await done(c, project, c.addresses.insert({ project, addressResource: { name: 'web-ip' } }));
});
after(() => sim.stop());

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
    headers: { authorization: 'Bearer lb-token' },
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
