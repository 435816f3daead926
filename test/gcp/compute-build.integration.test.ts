// The load balancer built, kept and torn down through @google-cloud/compute against the simulator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  EMPTY_DRAIN_STATE,
  backendName,
  observeNeeds,
  planLoadBalancer,
  withNetworkTags,
  desiredLoadBalancer,
  ingressNames,
  ingressStatus,
  subjectOf,
  type LoadBalancerInput,
} from '../../src/gcp/model/index.js';
import type { KubeObject } from '../../src/model/index.js';
import { demoInput, demoRepo, editObjects, tlsPair } from './helpers/demo.js';
import { converge, cycle, inventory, listCalls, rest, startLbSim, type LbSim } from './helpers/sim-lb.js';

let lb: LbSim;
before(async () => {
  lb = await startLbSim();
});
after(async () => {
  await lb.stop();
});

async function reset(): Promise<void> {
  // Each test starts from an empty project: delete what the previous one left, top-down.
  const target = lb.target();
  const repo = await demoRepo();
  repo.objects = repo.objects.filter((o) => o.template.kind !== 'Ingress');
  await converge(target, await demoInput({ repo }));
  for (const a of (await inventory(lb.sim)).addresses) await rest(lb.sim, 'DELETE', `global/addresses/${a}`);
  lb.sim.resetCounters();
}

const ipOf = (c: { observed: { resources: { ref: { kind: string }; body: Record<string, unknown> }[] } }) =>
  String(c.observed.resources.find((r) => r.ref.kind === 'address')?.body.address);

test('the demo load balancer from nothing: one cycle builds it, traffic goes to the nearest cluster', async () => {
  await reset();
  const input = await demoInput();
  const target = lb.target();
  const first = await cycle(target, input);
  assert.deepEqual(first.plan.problems, []);
  assert.ok(first.result.ok, JSON.stringify(first.result.results.filter((r) => r.outcome !== 'done')));
  assert.equal(first.mutations, 16);
  const names = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid);
  const inv = await inventory(lb.sim);
  assert.deepEqual(inv.urlMaps, [names.urlMap]);
  assert.deepEqual(inv.forwardingRules, [names.httpForwardingRule, names.httpsForwardingRule].sort());
  assert.equal(inv.instanceGroups.length, 3);
  const second = await cycle(target, input);
  const ip = ipOf(second);
  for (const [from, cluster] of [
    ['europe-west1', 'gce-europe-west1b'],
    ['asia-east1', 'gce-asia-east1a'],
    ['us-central1', 'gce-us-central1c'],
  ] as const) {
    for (const port of [80, 443]) {
      const r = lb.sim.route({ from, ip, port });
      assert.ok('cluster' in r, JSON.stringify(r));
      assert.equal(r.cluster, cluster, `${from}:${port}`);
      assert.equal(r.backendService, backendName(30036, input.uid));
    }
  }
  // The firewall rule targets the nodes' own tags, read from the instances in the same observe.
  const fw = await rest(lb.sim, 'GET', `global/firewalls/k8s-fw-l7--${input.uid}`);
  assert.deepEqual(fw.targetTags, [
    'gke-gce-asia-east1a-node',
    'gke-gce-europe-west1b-node',
    'gke-gce-us-central1c-node',
  ]);
  assert.deepEqual(fw.sourceRanges, ['130.211.0.0/22', '35.191.0.0/16']);
});

test('a no-op cycle: zero mutations, at most one list per resource type', async () => {
  const input = await demoInput();
  const target = lb.target();
  await converge(target, input);
  lb.sim.resetCounters();
  const c = await cycle(target, input);
  assert.equal(c.mutations, 0);
  const counters = lb.sim.counters();
  assert.equal(counters.mutations, 0, JSON.stringify(counters.byMethod));
  const lists = listCalls(lb.sim);
  assert.deepEqual(Object.keys(lists).sort(), [
    'addresses.list',
    'backendServices.list',
    'firewalls.list',
    'forwardingRules.list',
    'healthChecks.list',
    'instanceGroups.aggregatedList',
    'instances.aggregatedList',
    'sslCertificates.list',
    'targetHttpProxies.list',
    'targetHttpsProxies.list',
    'urlMaps.list',
  ]);
  for (const [k, n] of Object.entries(lists)) assert.equal(n, 1, k);
  // Besides the lists: one listInstances per instance group, the quotas, nothing else.
  assert.deepEqual(Object.fromEntries(Object.entries(counters.byMethod).filter(([k]) => !(k in lists))), {
    'instanceGroups.listInstances': 3,
    'project.get': 1,
  });
});

test('backend health and the write-back of the built load balancer', async () => {
  const input = await demoInput();
  const target = lb.target();
  const [last] = (await converge(target, input)).slice(-1);
  const be = backendName(30036, input.uid);
  const health = await target.health(last!.observed, input.uid);
  assert.deepEqual(health, { [be]: 'HEALTHY' });
  const design = desiredLoadBalancer(input).ingresses[0]!;
  const status = ingressStatus({ design, observed: last!.observed, health });
  assert.equal(status.ip, ipOf(last!));
  assert.equal(status.annotations['ingress.kubernetes.io/backends'], `{"${be}":"HEALTHY"}`);
  // Pods gone everywhere: UNHEALTHY.
  for (const p of lb.planes) p.serve(30036, []);
  assert.deepEqual(await target.health(last!.observed, input.uid), { [be]: 'UNHEALTHY' });
  for (const p of lb.planes) p.serve(30036, [{ node: `${p.name}-node-1` }]);
});

function withRules(rules: unknown[], extraService = true) {
  return async (): Promise<LoadBalancerInput> => {
    const repo = editObjects(await demoRepo(), (id, obj) => {
      if (id === 'Ingress/myingress') (obj.spec as Record<string, unknown>).rules = rules;
    });
    if (extraService) {
      const nginx = repo.objects.find((o) => o.template.kind === 'Service')!;
      const web = JSON.parse(JSON.stringify(nginx)) as typeof nginx;
      web.template.metadata.name = 'web';
      (web.template.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort = 30037;
      repo.objects.push(web);
    }
    return demoInput({ repo });
  };
}

const webRule = (path: string, pathType = 'Prefix') => ({
  host: 'api.example.com',
  http: { paths: [{ path, pathType, backend: { service: { name: 'web', port: { number: 80 } } } }] },
});

test('host and path rules change in Git: one URL-map update, traffic follows', async () => {
  const target = lb.target();
  for (const p of lb.planes) p.serve(30037, [{ node: `${p.name}-node-2` }]);
  const input = await withRules([webRule('/v1')])();
  const cycles = await converge(target, input);
  const built = cycles[0]!;
  assert.ok(built.result.ok, JSON.stringify(built.result.results.filter((r) => r.outcome === 'failed')));
  const ip = ipOf(cycles.at(-1)!);
  const be = (np: number) => backendName(np, input.uid);
  const route = (host: string, path: string) => {
    const r = lb.sim.route({ from: 'europe-west1', ip, host, path });
    return 'backendService' in r ? r.backendService : r.error;
  };
  assert.equal(route('api.example.com', '/v1/users'), be(30037));
  assert.equal(route('api.example.com', '/v1'), be(30037));
  assert.equal(route('api.example.com', '/v10'), be(30036), 'Prefix is element-wise');
  assert.equal(route('other.example.com', '/v1/users'), be(30036));
  // Only the path changes: exactly one URL-map update.
  const moved = await withRules([webRule('/v2', 'Exact')])();
  lb.sim.resetCounters();
  const change = await cycle(target, moved);
  assert.deepEqual(
    change.plan.steps
      .filter((s) => s.action !== 'unchanged')
      .map((s) => `${s.action} ${s.call} ${s.ref.kind}`),
    ['update update urlMap'],
  );
  assert.ok(change.result.ok);
  assert.equal(lb.sim.counters().byMethod['urlMaps.update'], 1);
  assert.equal(route('api.example.com', '/v2'), be(30037));
  assert.equal(route('api.example.com', '/v2/x'), be(30036), 'Exact matches only itself');
  assert.equal(route('api.example.com', '/v1/users'), be(30036));
  // Back to the demo: the web backend, its health check and named ports go.
  const back = await converge(target, await demoInput());
  assert.ok(back[0]!.result.ok);
  assert.deepEqual((await inventory(lb.sim)).backendServices, [be(30036)]);
});

test('console drift on the URL map is detected on the next cycle and corrected', async () => {
  const input = await withRules([webRule('/v1')])();
  const target = lb.target();
  await converge(target, input);
  const um = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid).urlMap;
  const live = await rest(lb.sim, 'GET', `global/urlMaps/${um}`);
  // Someone points the whole map at the web backend and drops the host rules, in the console.
  await rest(lb.sim, 'PATCH', `global/urlMaps/${um}`, {
    fingerprint: live.fingerprint,
    defaultService: `global/backendServices/${backendName(30037, input.uid)}`,
    hostRules: [],
    pathMatchers: [],
  });
  const drift = await cycle(target, input);
  const step = drift.plan.steps.find((s) => s.action !== 'unchanged')!;
  assert.equal(step.subject, `urlMaps/${um}`);
  assert.deepEqual(
    step.changes.map((c) => c.path),
    ['defaultService', 'hostRules', 'pathMatchers'],
  );
  assert.ok(drift.result.ok);
  const fixed = await rest(lb.sim, 'GET', `global/urlMaps/${um}`);
  assert.match(String(fixed.defaultService), new RegExp(`${backendName(30036, input.uid)}$`));
  assert.equal((await cycle(target, input)).mutations, 0);
  await converge(target, await demoInput());
});

test('certificate rotation: at every moment the HTTPS proxy has an existing certificate', async () => {
  const input = await demoInput();
  const target = lb.target();
  const ip = ipOf((await converge(target, input)).at(-1)!);
  const next = tlsPair('demo-next');
  const rotated = await demoInput({
    repo: editObjects(await demoRepo(), (id, obj: KubeObject) => {
      if (id === 'Secret/myingress-tls') obj.stringData = { 'tls.crt': next.crt, 'tls.key': next.key };
    }),
  });
  const proxy = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid).httpsProxy;
  const observed = await target.observe(observeNeeds(rotated));
  const plan = planLoadBalancer({
    input: withNetworkTags(rotated, observed),
    observed,
    drain: EMPTY_DRAIN_STATE,
    now: '2026-06-01T12:00:00Z',
  });
  const steps = plan.steps.filter((s) => s.action !== 'unchanged');
  assert.deepEqual(
    steps.map((s) => `${s.action} ${s.call} ${s.ref.kind}`),
    [
      'replace insert sslCertificate',
      'update setSslCertificates targetHttpsProxy',
      'delete delete sslCertificate',
    ],
  );
  const check = async (when: string) => {
    const p = await rest(lb.sim, 'GET', `global/targetHttpsProxies/${proxy}`);
    const certs = p.sslCertificates as string[];
    assert.ok(certs.length >= 1, when);
    for (const c of certs) await rest(lb.sim, 'GET', `global/sslCertificates/${c.split('/').pop()}`);
    const r = lb.sim.route({ from: 'europe-west1', ip, port: 443 });
    assert.ok('cluster' in r, `${when}: ${JSON.stringify(r)}`);
  };
  await check('before');
  for (const s of steps) {
    const r = await target.apply([s]);
    assert.ok(r.ok, JSON.stringify(r));
    await check(`after ${s.action} ${s.subject}`);
  }
  const final = await rest(lb.sim, 'GET', `global/targetHttpsProxies/${proxy}`);
  assert.deepEqual(final.sslCertificates, [`${lb.sim.url}projects/fedsync-demo/global/${steps[0]!.subject}`]);
  assert.equal((await inventory(lb.sim)).sslCertificates.length, 1);
  assert.equal((await cycle(target, rotated)).mutations, 0);
  await converge(target, input);
});

test('Ingress deleted from Git: resources deleted top-down, the user-reserved address kept', async () => {
  await reset();
  await rest(lb.sim, 'POST', 'global/addresses', { name: 'web-ip' });
  const reserved = String((await rest(lb.sim, 'GET', 'global/addresses/web-ip')).address);
  const repo = editObjects(await demoRepo(), (id, obj) => {
    if (id === 'Ingress/myingress')
      obj.metadata.annotations = { 'kubernetes.io/ingress.global-static-ip-name': 'web-ip' };
  });
  const input = await demoInput({ repo });
  const target = lb.target();
  const built = await converge(target, input);
  assert.equal(ipOf(built.at(-1)!), reserved);
  const fr = await rest(
    lb.sim,
    'GET',
    `global/forwardingRules/${ingressNames({ namespace: 'default', name: 'myingress' }, input.uid).httpForwardingRule}`,
  );
  assert.equal(fr.IPAddress, reserved);
  const gone = await demoRepo();
  gone.objects = gone.objects.filter((o) => o.template.kind !== 'Ingress');
  const removal = await cycle(target, await demoInput({ repo: gone }));
  assert.ok(removal.result.ok, JSON.stringify(removal.result.results.filter((r) => r.outcome !== 'done')));
  const kinds = removal.plan.steps.map((s) => s.ref.kind);
  assert.deepEqual(
    [...new Set(kinds)],
    [
      'forwardingRule',
      'targetHttpProxy',
      'targetHttpsProxy',
      'urlMap',
      'backendService',
      'firewall',
      'healthCheck',
      'instanceGroup',
      'sslCertificate',
    ],
  );
  assert.ok(
    removal.plan.steps
      .filter((s) => s.ref.kind === 'forwardingRule')
      .every((s) => s.danger === 'gcp.deleteForwardingRule'),
  );
  const left = await inventory(lb.sim);
  assert.deepEqual(Object.fromEntries(Object.entries(left).filter(([, v]) => v.length > 0)), {
    addresses: ['web-ip'],
  });
  assert.equal(String((await rest(lb.sim, 'GET', 'global/addresses/web-ip')).address), reserved);
});

test('an owned address is released when its Ingress goes', async () => {
  await reset();
  const target = lb.target();
  await converge(target, await demoInput());
  const gone = await demoRepo();
  gone.objects = gone.objects.filter((o) => o.template.kind !== 'Ingress');
  const removal = await cycle(target, await demoInput({ repo: gone }));
  const address = removal.plan.steps.find((s) => s.ref.kind === 'address')!;
  assert.equal(address.danger, 'gcp.releaseAddress');
  assert.equal(subjectOf(address.ref), address.subject);
  assert.ok(removal.result.ok);
  assert.deepEqual((await inventory(lb.sim)).addresses, []);
});

test('an Offline cluster is drained (traffic moves to the next nearest) and undrained after the hysteresis', async () => {
  await reset();
  const target = lb.target();
  const ip = ipOf((await converge(target, await demoInput())).at(-1)!);
  const from = () => {
    const r = lb.sim.route({ from: 'europe-west1', ip });
    return 'cluster' in r ? r.cluster : r.error;
  };
  assert.equal(from(), 'gce-europe-west1b');
  // fedsync lost the europe cluster's API server; its nodes still answer health checks.
  const offline = await demoInput({ offline: ['gce-europe-west1b'] });
  const drained = await cycle(target, offline, { now: '2026-06-01T12:00:00Z' });
  assert.ok(drained.result.ok);
  assert.equal(drained.mutations, 1);
  assert.equal(from(), 'gce-us-central1c');
  // The drain state is read back from the backend service each cycle, as a new process would.
  const ready = await demoInput();
  const back = await cycle(target, ready, { now: '2026-06-01T12:01:00Z' });
  assert.equal(back.mutations, 1, 'healthy again: the backend records since when, and stays drained');
  assert.equal(from(), 'gce-us-central1c');
  const early = await cycle(target, ready, { now: '2026-06-01T12:02:00Z' });
  assert.equal(early.mutations, 0, 'healthy, but not for long enough');
  assert.equal(from(), 'gce-us-central1c');
  const later = await cycle(target, ready, { now: '2026-06-01T12:03:01Z' });
  assert.equal(later.mutations, 1);
  assert.equal(from(), 'gce-europe-west1b');
  assert.equal((await cycle(target, ready, { now: '2026-06-01T12:04:00Z' })).mutations, 0);
});
