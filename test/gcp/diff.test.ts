// The diff: ordered steps from desired against observed, replace and rotation, deletions and orphans.
import assert from 'node:assert/strict';
import test from 'node:test';
import { inspect } from 'node:util';
import { canonicalJson } from '../../src/plan/digest.js';
import {
  EMPTY_DRAIN_STATE,
  desiredLoadBalancer,
  ingressNames,
  normalizeObserved,
  planLoadBalancer,
  type LoadBalancerAction,
  type LoadBalancerInput,
  type ObservedLoadBalancer,
} from '../../src/gcp/model/index.js';
import { demoInput, demoNodes, demoRepo, editObjects, tlsPair } from './helpers/demo.js';
import { echoAll, userAddress } from './helpers/echo.js';

const NOW = '2026-06-01T12:00:00.000Z';
const plan = (input: LoadBalancerInput, observed: ObservedLoadBalancer) =>
  planLoadBalancer({ input, observed, drain: EMPTY_DRAIN_STATE, now: NOW });
const empty: ObservedLoadBalancer = { project: 'fedsync-demo', resources: [] };
const brief = (s: LoadBalancerAction) =>
  `${s.action} ${s.call ?? '-'} ${s.subject.replace(/--[0-9a-f]{16}$/, '')}`;
const mutations = (steps: LoadBalancerAction[]) => steps.filter((s) => s.action !== 'unchanged');
const steady = (input: LoadBalancerInput) => echoAll(desiredLoadBalancer(input).resources, input.project);

test('from nothing: every resource created bottom-up, nodes added after their group', async () => {
  const input = await demoInput();
  const p = plan(input, empty);
  assert.deepEqual(p.problems, []);
  const shortCert = /k8s-ssl-[0-9a-f]{16}-[0-9a-f]{16}/;
  assert.deepEqual(
    p.steps.map(brief).map((s) => s.replace(shortCert, 'k8s-ssl-…')),
    [
      'create insert addresses/k8s-fw-default-myingress',
      'create insert firewalls/k8s-fw-l7',
      'create insert healthChecks/k8s-be-30036',
      'create insert zones/asia-east1-a/instanceGroups/k8s-ig-gce-asia-east1a',
      'update addInstances zones/asia-east1-a/instanceGroups/k8s-ig-gce-asia-east1a',
      'create insert zones/europe-west1-b/instanceGroups/k8s-ig-gce-europe-west1b',
      'update addInstances zones/europe-west1-b/instanceGroups/k8s-ig-gce-europe-west1b',
      'create insert zones/us-central1-c/instanceGroups/k8s-ig-gce-us-central1c',
      'update addInstances zones/us-central1-c/instanceGroups/k8s-ig-gce-us-central1c',
      'create insert sslCertificates/k8s-ssl-…',
      'create insert backendServices/k8s-be-30036',
      'create insert urlMaps/k8s-um-default-myingress',
      'create insert targetHttpProxies/k8s-tp-default-myingress',
      'create insert targetHttpsProxies/k8s-tps-default-myingress',
      'create insert forwardingRules/k8s-fw-default-myingress',
      'create insert forwardingRules/k8s-fws-default-myingress',
    ],
  );
  const cert = p.steps.find((s) => s.ref.kind === 'sslCertificate')!;
  assert.deepEqual(cert.changes, [{ path: 'certificate', to: cert.changes[0]!.to }]);
  assert.match(String(cert.changes[0]!.to), /^sha256:[0-9a-f]{16}$/);
  assert.ok(cert.privateKey && !JSON.stringify(p).includes('PRIVATE KEY'), 'no key material in the plan');
  assert.ok(!canonicalJson(p).includes('PRIVATE KEY'), 'nor in the canonical JSON the plan digest hashes');
  assert.ok(!inspect(p, { depth: 20 }).includes('PRIVATE KEY'), 'nor when logged');
  const fr = p.steps.find((s) => s.subject.startsWith('forwardingRules/k8s-fw-'))!;
  assert.match(String(fr.changes.find((c) => c.path === 'IPAddress')!.to), /not reserved yet/);
});

test('a second pass over what the first built: everything unchanged (output-only fields, _x keys, defaults ignored)', async () => {
  const input = await demoInput();
  const p = plan(input, steady(input));
  assert.deepEqual(mutations(p.steps).map(brief), []);
  assert.equal(p.steps.length, 13);
  assert.deepEqual(p.orphans, []);
});

test('a host rule added in Git: one fingerprint-guarded URL-map update', async () => {
  const input = await demoInput();
  const observed = steady(input);
  const changed = await demoInput({
    repo: editObjects(await demoRepo(), (id, obj) => {
      if (id === 'Ingress/myingress')
        (obj.spec as Record<string, unknown>).rules = [
          {
            host: 'api.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'nginx', port: { number: 80 } } },
                },
              ],
            },
          },
        ];
    }),
  });
  const steps = mutations(plan(changed, observed).steps);
  assert.deepEqual(steps.map(brief), ['update update urlMaps/k8s-um-default-myingress']);
  const um = observed.resources.find((r) => r.ref.kind === 'urlMap')!;
  assert.equal(steps[0]!.fingerprint, um.fingerprint);
  assert.deepEqual(
    steps[0]!.changes.map((c) => c.path),
    ['hostRules', 'pathMatchers'],
  );
});

test('console drift: the proxy moved to another URL map, a rule retargeted → set-X calls', async () => {
  const input = await demoInput();
  const observed = steady(input);
  const n = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid);
  for (const r of observed.resources) {
    if (r.ref.kind === 'targetHttpProxy')
      r.body.urlMap = 'projects/fedsync-demo/global/urlMaps/someone-elses';
    if (r.ref.kind === 'backendService')
      (r.body.backends as Record<string, unknown>[])[1]!.capacityScaler = 0.5;
  }
  const steps = mutations(plan(input, observed).steps);
  assert.deepEqual(steps.map(brief), [
    'update update backendServices/k8s-be-30036',
    'update setUrlMap targetHttpProxies/k8s-tp-default-myingress',
  ]);
  assert.deepEqual(steps[0]!.changes, [{ path: 'backends[1].capacityScaler', from: 0.5, to: 1 }]);
  assert.deepEqual(steps[1]!.body, { urlMap: `projects/fedsync-demo/global/urlMaps/${n.urlMap}` });
});

test('switching to a user-reserved address: the rules are replaced (dangerous), the owned address released last', async () => {
  const input = await demoInput();
  const observed = steady(input);
  observed.resources.push(userAddress('web-ip', '34.120.9.9'));
  const changed = await demoInput({
    repo: editObjects(await demoRepo(), (id, obj) => {
      if (id === 'Ingress/myingress')
        obj.metadata.annotations = { 'kubernetes.io/ingress.global-static-ip-name': 'web-ip' };
    }),
  });
  const steps = mutations(plan(changed, observed).steps);
  assert.deepEqual(
    steps.map((s) => [brief(s), s.replaceOrder, s.danger]),
    [
      ['replace insert forwardingRules/k8s-fw-default-myingress', 'deleteFirst', 'gcp.replaceForwardingRule'],
      [
        'replace insert forwardingRules/k8s-fws-default-myingress',
        'deleteFirst',
        'gcp.replaceForwardingRule',
      ],
      ['delete delete addresses/k8s-fw-default-myingress', undefined, 'gcp.releaseAddress'],
    ],
  );
  assert.deepEqual(
    steps[0]!.changes.find((c) => c.path === 'IPAddress'),
    {
      path: 'IPAddress',
      from: '34.120.0.1',
      to: '34.120.9.9',
    },
  );
  assert.match(steps[0]!.reason, /IPAddress cannot change in place/);
});

test('a missing user-reserved address holds the Ingress with a clear problem', async () => {
  const changed = await demoInput({
    repo: editObjects(await demoRepo(), (id, obj) => {
      if (id === 'Ingress/myingress')
        obj.metadata.annotations = { 'kubernetes.io/ingress.global-static-ip-name': 'web-ip' };
    }),
  });
  const p = plan(changed, empty);
  assert.deepEqual(
    p.problems.map((x) => x.code),
    ['gcp.requiredMissing'],
  );
  assert.match(
    p.problems[0]!.message,
    /global address web-ip does not exist .*gcloud compute addresses create web-ip --global/,
  );
  assert.ok(
    p.steps.every((s) => !s.ingress),
    "none of the Ingress's own resources is touched",
  );
  assert.ok(
    p.steps.some((s) => s.ref.kind === 'backendService'),
    'shared backends are still built',
  );
});

test('certificate rotation: create the new one, switch the proxy, then delete the old one', async () => {
  const input = await demoInput();
  const observed = steady(input);
  const next = tlsPair('demo-next');
  const rotated = await demoInput({
    repo: editObjects(await demoRepo(), (id, obj) => {
      if (id === 'Secret/myingress-tls') obj.stringData = { 'tls.crt': next.crt, 'tls.key': next.key };
    }),
  });
  const steps = mutations(plan(rotated, observed).steps);
  const old = observed.resources.find((r) => r.ref.kind === 'sslCertificate')!;
  assert.deepEqual(
    steps.map((s) => `${s.action} ${s.call!} ${s.ref.kind}`),
    [
      'replace insert sslCertificate',
      'update setSslCertificates targetHttpsProxy',
      'delete delete sslCertificate',
    ],
  );
  assert.equal(steps[0]!.replaces, `sslCertificates/${old.ref.name}`);
  assert.equal(steps[0]!.replaceOrder, 'createFirst');
  assert.equal(steps[2]!.subject, `sslCertificates/${old.ref.name}`);
  assert.equal(steps[2]!.reason, `replaced by ${steps[0]!.subject}`);
  assert.equal(steps[2]!.danger, undefined);
  assert.ok(!JSON.stringify(steps).includes('BEGIN PRIVATE KEY'));
});

test('an Ingress removed from Git: its resources deleted top-down; prune off reports them instead', async () => {
  const input = await demoInput();
  const observed = steady(input);
  const repo = await demoRepo();
  repo.objects = repo.objects.filter((o) => o.template.kind !== 'Ingress');
  const removed = await demoInput({ repo });
  const steps = mutations(plan(removed, observed).steps);
  assert.deepEqual(
    steps.map((s) => [brief(s).replace(/k8s-ssl-\S+/, 'k8s-ssl-…'), s.danger]),
    [
      ['delete delete forwardingRules/k8s-fw-default-myingress', 'gcp.deleteForwardingRule'],
      ['delete delete forwardingRules/k8s-fws-default-myingress', 'gcp.deleteForwardingRule'],
      ['delete delete targetHttpProxies/k8s-tp-default-myingress', undefined],
      ['delete delete targetHttpsProxies/k8s-tps-default-myingress', undefined],
      ['delete delete urlMaps/k8s-um-default-myingress', undefined],
      ['delete delete backendServices/k8s-be-30036', undefined],
      ['delete delete addresses/k8s-fw-default-myingress', 'gcp.releaseAddress'],
      ['delete delete firewalls/k8s-fw-l7', undefined],
      ['delete delete healthChecks/k8s-be-30036', undefined],
      ['delete delete zones/asia-east1-a/instanceGroups/k8s-ig-gce-asia-east1a', undefined],
      ['delete delete zones/europe-west1-b/instanceGroups/k8s-ig-gce-europe-west1b', undefined],
      ['delete delete zones/us-central1-c/instanceGroups/k8s-ig-gce-us-central1c', undefined],
      ['delete delete sslCertificates/k8s-ssl-…', undefined],
    ],
  );
  assert.equal(steps[0]!.reason, 'Ingress default/myingress was removed from the repository');
  const kept = plan({ ...removed, prune: false }, observed);
  assert.deepEqual(
    mutations(kept.steps).map((s) => s.ref.kind),
    ['backendService', 'firewall', 'healthCheck', 'instanceGroup', 'instanceGroup', 'instanceGroup'],
    'prune off: only the shared resources nothing uses go',
  );
  assert.equal(kept.orphans.length, 7);
  assert.match(kept.orphans[0]!.reason, /removed from the repository; prune is off/);
});

test('a user-reserved address survives the Ingress deletion', async () => {
  const repo = editObjects(await demoRepo(), (id, obj) => {
    if (id === 'Ingress/myingress')
      obj.metadata.annotations = { 'kubernetes.io/ingress.global-static-ip-name': 'web-ip' };
  });
  const input = await demoInput({ repo });
  const observed = echoAll(desiredLoadBalancer(input).resources, input.project, [
    userAddress('web-ip', '34.120.9.9'),
  ]);
  assert.deepEqual(mutations(plan(input, observed).steps), []);
  const gone = await demoRepo();
  gone.objects = gone.objects.filter((o) => o.template.kind !== 'Ingress');
  const steps = mutations(plan(await demoInput({ repo: gone }), observed).steps);
  assert.ok(
    steps.every((s) => s.ref.kind !== 'address'),
    steps.map(brief).join('\n'),
  );
  assert.equal(steps.filter((s) => s.ref.kind === 'forwardingRule').length, 2);
});

test('resources with the federation id but no marker are orphans, never deleted; a held Ingress is left alone', async () => {
  const input = await demoInput();
  const observed = steady(input);
  observed.resources.push(
    normalizeObserved('urlMap', { name: `hand-made--${input.uid}`, defaultService: 'x' }),
    normalizeObserved('urlMap', { name: 'not-ours-at-all' }),
  );
  const p = plan(input, observed);
  assert.deepEqual(mutations(p.steps), []);
  assert.deepEqual(p.orphans, [
    {
      subject: `urlMaps/hand-made--${input.uid}`,
      reason: 'carries this federation id but no fedsync marker in its description; fedsync leaves it alone',
    },
  ]);
  // The Ingress breaks (its Secret is gone): nothing of it, nothing shared, is touched.
  const broken = await demoRepo();
  broken.objects = broken.objects.filter((o) => o.template.kind !== 'Secret');
  const held = plan(await demoInput({ repo: broken }), observed);
  assert.deepEqual(mutations(held.steps), []);
  assert.equal(held.ingresses[0]!.held, true);
});

test('nodes join and leave; unknown nodes leave the group as it is', async () => {
  const input = await demoInput();
  const observed = steady(input);
  const nodes = demoNodes(2);
  nodes['gce-asia-east1a']!.instances!.push({ name: 'gce-asia-east1a-node-3', zone: 'asia-east1-a' });
  nodes['gce-europe-west1b']!.instances!.pop();
  nodes['gce-us-central1c'] = { instances: null };
  const steps = mutations(plan(await demoInput({ nodes }), observed).steps);
  assert.deepEqual(steps.map(brief), [
    'update addInstances zones/asia-east1-a/instanceGroups/k8s-ig-gce-asia-east1a',
    'update removeInstances zones/europe-west1-b/instanceGroups/k8s-ig-gce-europe-west1b',
  ]);
  assert.deepEqual(steps[0]!.body, {
    instances: [{ instance: 'projects/fedsync-demo/zones/asia-east1-a/instances/gce-asia-east1a-node-3' }],
  });
});

test('quota that would be exceeded: no steps at all, one problem', async () => {
  const input = await demoInput();
  const p = plan(input, { ...empty, quotas: [{ metric: 'URL_MAPS', limit: 10, usage: 10 }] });
  assert.deepEqual(p.steps, []);
  assert.equal(p.blocked, true);
  assert.deepEqual(
    p.problems.map((x) => [x.code, x.message]),
    [
      [
        'gcp.quota',
        'quota URL_MAPS: 10 used of 10, the plan needs 1 more; raise the quota; no load-balancer change is made',
      ],
    ],
  );
  assert.equal(
    plan(input, { ...empty, quotas: [{ metric: 'URL_MAPS', limit: 10, usage: 9 }] }).blocked,
    false,
  );
});
