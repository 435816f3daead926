// The translator: from the demo federation (and variations of it) to the desired resources.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  HEALTH_CHECK_RANGES,
  backendName,
  desiredLoadBalancer,
  ingressNames,
  instanceGroupName,
  subjectOf,
  type DesiredLoadBalancer,
  type DesiredResource,
  type Json,
} from '../../src/gcp/model/index.js';
import type { KubeObject } from '../../src/model/index.js';
import { DEMO_CLUSTERS, demoInput, demoRepo, editObjects, tlsPair } from './helpers/demo.js';

const byKind = (d: DesiredLoadBalancer, kind: DesiredResource['ref']['kind']) =>
  d.resources.filter((r) => r.ref.kind === kind);
const one = (d: DesiredLoadBalancer, kind: DesiredResource['ref']['kind']): Json => {
  const found = byKind(d, kind);
  assert.equal(found.length, 1, `${kind}: ${found.map((r) => r.ref.name).join(', ')}`);
  return found[0]!.body;
};

const ingressSpec = (obj: KubeObject) => obj.spec as Record<string, unknown>;

test('the demo Ingress: every resource of the seed, named by the one naming module', async () => {
  const input = await demoInput();
  const d = desiredLoadBalancer(input);
  assert.deepEqual(d.problems, []);
  const n = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid);
  const be = backendName(30036, input.uid);
  const subjects = d.resources.map((r) => subjectOf(r.ref)).sort();
  const cert = byKind(d, 'sslCertificate')[0]!.ref.name;
  assert.deepEqual(
    subjects,
    [
      `addresses/${n.ownedAddress}`,
      `backendServices/${be}`,
      `firewalls/k8s-fw-l7--${input.uid}`,
      `forwardingRules/${n.httpForwardingRule}`,
      `forwardingRules/${n.httpsForwardingRule}`,
      `healthChecks/${be}`,
      `sslCertificates/${cert}`,
      `targetHttpProxies/${n.httpProxy}`,
      `targetHttpsProxies/${n.httpsProxy}`,
      `urlMaps/${n.urlMap}`,
      ...Object.entries(DEMO_CLUSTERS).map(
        ([c, z]) => `zones/${z}/instanceGroups/${instanceGroupName(c, input.uid)}`,
      ),
    ].sort(),
  );
  const p = (kind: string, name: string) => `projects/fedsync-demo/global/${kind}/${name}`;
  assert.deepEqual(one(d, 'healthCheck').httpHealthCheck, {
    port: 30036,
    requestPath: '/',
    portSpecification: 'USE_FIXED_PORT',
    proxyHeader: 'NONE',
  });
  const bs = one(d, 'backendService');
  assert.equal(bs.portName, 'port30036');
  assert.deepEqual(bs.healthChecks, [p('healthChecks', be)]);
  assert.deepEqual(
    (bs.backends as Json[]).map((b) => [b.group, b.balancingMode, b.capacityScaler]),
    Object.entries(DEMO_CLUSTERS).map(([c, z]) => [
      `projects/fedsync-demo/zones/${z}/instanceGroups/${instanceGroupName(c, input.uid)}`,
      'RATE',
      1,
    ]),
  );
  const ig = byKind(d, 'instanceGroup').find((r) => r.ref.zone === 'europe-west1-b')!;
  assert.deepEqual(ig.body.namedPorts, [{ name: 'port30036', port: 30036 }]);
  assert.deepEqual(ig.members, [
    'projects/fedsync-demo/zones/europe-west1-b/instances/gce-europe-west1b-node-1',
    'projects/fedsync-demo/zones/europe-west1-b/instances/gce-europe-west1b-node-2',
  ]);
  assert.equal(one(d, 'urlMap').defaultService, p('backendServices', be));
  assert.equal(one(d, 'targetHttpProxy').urlMap, p('urlMaps', n.urlMap));
  assert.deepEqual(one(d, 'targetHttpsProxy').sslCertificates, [p('sslCertificates', cert)]);
  const rules = byKind(d, 'forwardingRule').map((r) => [
    r.ref.name,
    r.body.portRange,
    r.body.IPAddress,
    r.body.target,
  ]);
  assert.deepEqual(rules, [
    [n.httpForwardingRule, '80-80', p('addresses', n.ownedAddress), p('targetHttpProxies', n.httpProxy)],
    [n.httpsForwardingRule, '443-443', p('addresses', n.ownedAddress), p('targetHttpsProxies', n.httpsProxy)],
  ]);
  const fw = one(d, 'firewall');
  assert.deepEqual(fw.sourceRanges, [...HEALTH_CHECK_RANGES]);
  assert.deepEqual(fw.allowed, [{ IPProtocol: 'tcp', ports: ['30036'] }]);
  assert.equal(fw.targetTags, undefined, 'no tags known: the whole network');
  // Ownership markers.
  assert.equal(
    byKind(d, 'urlMap')[0]!.body.description,
    '{"fedsync":{"federation":"demo","ingress":"default/myingress"}}',
  );
  assert.equal(bs.description, '{"fedsync":{"federation":"demo"}}');
});

test('no key material anywhere in the translated state, except behind reveal()', async () => {
  const d = desiredLoadBalancer(await demoInput());
  const text = JSON.stringify(d);
  const { key } = tlsPair('demo');
  assert.ok(!text.includes('PRIVATE KEY'), 'the JSON holds no key');
  const cert = byKind(d, 'sslCertificate')[0]!;
  assert.equal(cert.privateKey?.reveal(), key);
  assert.equal(String(cert.privateKey), '(sensitive: TLS Secret default/myingress-tls tls.key)');
  assert.ok(!JSON.stringify(cert.privateKey).includes('PRIVATE'));
});

test('host and path rules with GCLB semantics, sorted, one matcher per host', async () => {
  const repo = editObjects(await demoRepo(), (id, obj) => {
    if (id === 'Ingress/myingress')
      ingressSpec(obj).rules = [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/cart/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx', port: { number: 80 } } },
              },
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx', port: { name: 'http' } } },
              },
            ],
          },
        },
        {
          http: {
            paths: [
              {
                path: '/healthz',
                pathType: 'Exact',
                backend: { service: { name: 'nginx', port: { number: 80 } } },
              },
              {
                path: '/static/*',
                pathType: 'ImplementationSpecific',
                backend: { serviceName: 'nginx', servicePort: 80 },
              },
            ],
          },
        },
      ];
  });
  const input = await demoInput({ repo });
  const d = desiredLoadBalancer(input);
  assert.deepEqual(d.problems, []);
  const um = one(d, 'urlMap');
  const be = `projects/fedsync-demo/global/backendServices/${backendName(30036, input.uid)}`;
  const hosts = (um.hostRules as Json[]).map((h) => h.hosts);
  assert.deepEqual(hosts, [['*'], ['shop.example.com']]);
  const matchers = um.pathMatchers as Json[];
  assert.deepEqual(
    matchers.map((m) => [m.defaultService, m.pathRules]),
    [
      [be, [{ paths: ['/healthz', '/static/*'], service: be }]],
      [be, [{ paths: ['/*', '/cart', '/cart/*'], service: be }]],
    ],
  );
  assert.equal((um.hostRules as Json[])[1]!.pathMatcher, matchers[1]!.name);
});

test('readiness probes give the health-check path when every cluster agrees, else /', async () => {
  const probe = (path: string) => ({ httpGet: { path, port: 80 } });
  const withProbe = async (path: string) =>
    editObjects(await demoRepo(), (id, obj) => {
      if (id !== 'ReplicaSet/nginx') return;
      const c = ((obj.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0]!;
      c.readinessProbe = probe(path);
    });
  const agreeing = await demoInput({ repo: await withProbe('/healthz') });
  assert.equal(
    (one(desiredLoadBalancer(agreeing), 'healthCheck').httpHealthCheck as Json).requestPath,
    '/healthz',
  );
  // One cluster's workloads disagree (the planner's per-cluster desired objects carry overrides).
  const input = await demoInput({ repo: await withProbe('/healthz') });
  const europe = input.clusters.find((c) => c.name === 'gce-europe-west1b')!;
  europe.workloads = europe.workloads.map((w) => {
    const copy = JSON.parse(JSON.stringify(w)) as KubeObject;
    ((copy.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0]!.readinessProbe =
      probe('/ready');
    return copy;
  });
  const d = desiredLoadBalancer(input);
  assert.equal((one(d, 'healthCheck').httpHealthCheck as Json).requestPath, '/');
  assert.deepEqual(
    d.problems.map((p) => [p.code, p.message]),
    [
      [
        'gcp.healthCheckPathDisagrees',
        'the readiness probes behind nodePort 30036 disagree (/healthz in gce-asia-east1a; /ready in gce-europe-west1b; /healthz in gce-us-central1c); the health check uses /',
      ],
    ],
  );
});

const annotate = async (annotations: Record<string, string>, edit?: (spec: Json) => void) =>
  demoInput({
    repo: editObjects(await demoRepo(), (id, obj) => {
      if (id !== 'Ingress/myingress') return;
      obj.metadata.annotations = { ...obj.metadata.annotations, ...annotations };
      edit?.(ingressSpec(obj));
    }),
  });

test('allow-http "false": only the HTTPS proxy and rule', async () => {
  const d = desiredLoadBalancer(await annotate({ 'kubernetes.io/ingress.allow-http': 'false' }));
  assert.deepEqual(d.problems, []);
  assert.equal(byKind(d, 'targetHttpProxy').length, 0);
  assert.deepEqual(
    byKind(d, 'forwardingRule').map((r) => r.body.portRange),
    ['443-443'],
  );
  assert.deepEqual(
    d.ingresses.map((i) => [i.http, i.https]),
    [[false, true]],
  );
});

test('a user-reserved address is referenced, required, never created', async () => {
  const d = desiredLoadBalancer(await annotate({ 'kubernetes.io/ingress.global-static-ip-name': 'web-ip' }));
  assert.equal(byKind(d, 'address').length, 0);
  assert.deepEqual(
    byKind(d, 'forwardingRule').map((r) => r.body.IPAddress),
    ['projects/fedsync-demo/global/addresses/web-ip', 'projects/fedsync-demo/global/addresses/web-ip'],
  );
  assert.deepEqual(
    d.required.map((r) => [r.ref.kind, r.ref.name, r.by]),
    [['address', 'web-ip', 'Ingress/default/myingress']],
  );
  assert.deepEqual(d.ingresses[0]!.address, { name: 'web-ip', userManaged: true });
});

test('pre-shared certificates replace the TLS Secret and are required', async () => {
  const d = desiredLoadBalancer(
    await annotate({ 'ingress.gcp.kubernetes.io/pre-shared-cert': 'corp-cert, corp-cert-2' }),
  );
  assert.equal(byKind(d, 'sslCertificate').length, 0);
  assert.deepEqual(one(d, 'targetHttpsProxy').sslCertificates, [
    'projects/fedsync-demo/global/sslCertificates/corp-cert',
    'projects/fedsync-demo/global/sslCertificates/corp-cert-2',
  ]);
  assert.deepEqual(
    d.required.map((r) => r.ref.name),
    ['corp-cert', 'corp-cert-2'],
  );
  assert.deepEqual(
    d.problems.map((p) => p.code),
    ['gcp.ingress.warning'],
  );
});

test('an Ingress with an error is held: a problem with file and line, none of its own resources', async () => {
  const cases: {
    what: string;
    edit: (spec: Json) => void;
    annotations?: Record<string, string>;
    message: RegExp;
  }[] = [
    {
      what: 'TLS Secret missing',
      edit: (s) => (s.tls = [{ secretName: 'nope', hosts: ['x'] }]),
      message: /TLS Secret default\/nope is not in the repository/,
    },
    {
      what: 'nothing to serve',
      edit: (s) => delete s.tls,
      annotations: { 'kubernetes.io/ingress.allow-http': 'false' },
      message: /nothing to serve/,
    },
    {
      what: 'a wildcard the load balancer has not',
      edit: (s) =>
        (s.rules = [
          {
            http: {
              paths: [{ path: '/a*b', backend: { service: { name: 'nginx', port: { number: 80 } } } }],
            },
          },
        ]),
      message: /may only end in '\/\*'/,
    },
    {
      what: 'a backend that is not in the repository',
      edit: (s) => (s.defaultBackend = { service: { name: 'ghost', port: { number: 80 } } }),
      message: /backend ghost:80 is not a port of a Service in the repository/,
    },
    {
      what: 'a resource backend',
      edit: (s) => (s.defaultBackend = { resource: { kind: 'StorageBucket', name: 'b' } }),
      message: /spec.defaultBackend is not a Service backend/,
    },
    {
      what: 'more host rules than a URL map holds',
      edit: (s) =>
        (s.rules = Array.from({ length: 1001 }, (_, i) => ({
          host: `h${i}.example.com`,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx', port: { number: 80 } } },
              },
            ],
          },
        }))),
      message: /host rules: 1001 exceeds the load balancer's limit of 1000/,
    },
  ];
  for (const c of cases) {
    const d = desiredLoadBalancer(await annotate(c.annotations ?? {}, c.edit));
    const errors = d.problems.filter((p) => p.severity === 'error');
    assert.ok(errors.length >= 1, c.what);
    assert.ok(
      errors.some((e) => c.message.test(e.message)),
      `${c.what}: ${JSON.stringify(errors)}`,
    );
    for (const e of errors) {
      assert.equal(e.object, 'Ingress/default/myingress');
      assert.deepEqual(e.source, { file: 'myingress.yaml', line: 3 }, c.what);
    }
    assert.equal(d.ingresses[0]!.held, true, c.what);
    assert.equal(d.anyHeld, true);
    assert.deepEqual(
      d.resources.filter((r) => r.owner.ingress).map((r) => r.ref.name),
      [],
      `${c.what}: the held Ingress has no desired resources`,
    );
  }
});

test('a URL map over 64 KB is held before any call', async () => {
  const d = desiredLoadBalancer(
    await annotate({}, (s) => {
      s.rules = Array.from({ length: 300 }, (_, i) => ({
        host: `host-number-${i}.a-rather-long-domain-name.example.com`,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'nginx', port: { number: 80 } } } },
          ],
        },
      }));
    }),
  );
  assert.match(
    d.problems[0]!.message,
    /URL map size in bytes: \d+ exceeds the load balancer's limit of 65536/,
  );
});

test('the TLS problem never quotes the material', async () => {
  const bad = '-----BEGIN CERTIFICATE-----\nTk9UQUNFUlQ=\n-----END CERTIFICATE-----\n';
  const repo = editObjects(await demoRepo(), (id, obj) => {
    if (id === 'Secret/myingress-tls') obj.stringData = { 'tls.crt': bad, 'tls.key': tlsPair('a').key };
  });
  const d = desiredLoadBalancer(await demoInput({ repo }));
  assert.match(d.problems[0]!.message, /TLS Secret default\/myingress-tls: tls.crt is not a PEM certificate/);
  assert.ok(
    !JSON.stringify(d.problems).includes('Tk9UQUNFUlQ') && !JSON.stringify(d.problems).includes('PRIVATE'),
  );
  const mismatch = editObjects(await demoRepo(), (id, obj) => {
    if (id === 'Secret/myingress-tls')
      obj.stringData = { 'tls.crt': tlsPair('demo').crt, 'tls.key': tlsPair('a').key };
  });
  assert.match(
    desiredLoadBalancer(await demoInput({ repo: mismatch })).problems[0]!.message,
    /tls.key does not match tls.crt/,
  );
});

test('placement, Offline clusters without nodes, network tags', async () => {
  const repo = editObjects(await demoRepo(), () => undefined);
  const ing = repo.objects.find((o) => o.template.kind === 'Ingress')!;
  ing.placement = { clusters: ['gce-asia-east1a', 'gce-europe-west1b'] };
  const input = await demoInput({ repo, offline: ['gce-europe-west1b'] });
  const europe = input.clusters.find((c) => c.name === 'gce-europe-west1b')!;
  europe.instances = null; // Offline: nodes unknown; zones come from the registration
  input.clusters.find((c) => c.name === 'gce-asia-east1a')!.networkTags = ['gke-asia-node'];
  europe.networkTags = ['gke-europe-node'];
  const d = desiredLoadBalancer(input);
  assert.deepEqual(d.problems, []);
  assert.deepEqual(
    byKind(d, 'instanceGroup').map((r) => [r.ref.zone, r.members === null ? null : r.members?.length]),
    [
      ['asia-east1-a', 2],
      ['europe-west1-b', null],
    ],
  );
  assert.equal((one(d, 'backendService').backends as Json[]).length, 2);
  assert.deepEqual(one(d, 'firewall').targetTags, ['gke-asia-node', 'gke-europe-node']);
});
