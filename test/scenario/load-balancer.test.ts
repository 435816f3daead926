// The seed's walk-through end to end, through the commands a user runs: `fedsync apply --sim` on the
// demo world builds the global load balancer in the simulated Compute Engine; every member Ingress
// carries its one IP and the resources' names (read with @kubernetes/client-node); the real
// @google-cloud/compute client reads the resources by those names; a europe client is routed to
// the europe cluster. A second apply makes no Google Cloud mutation and no Kubernetes write. The
// europe cluster goes down: drained, traffic to the next nearest; back up: undrained only after the
// hysteresis. Removing the Ingress from Git holds the forwarding rules' deletes and the address's
// release until an approval in the repository releases them.
import { after, afterEach, before, test } from 'node:test';
import { runClusterCli } from '../helpers/cli.js';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import * as compute from '@google-cloud/compute';
import { OAuth2Client } from 'google-auth-library';
import type { RunningWorld } from '../../src/sim/run-world.js';
import type { ComputeSim } from '../../src/sim/gcp/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { startDemoWorld } from '../helpers/demo-world.js';

const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
const EUROPE = 'gce-europe-west1b';

let world: RunningWorld;
let gcp: ComputeSim;
let c: ReturnType<typeof computeClients>;
let dir: string;
let repoDir: string;
let nowMs = Date.parse('2026-06-01T12:00:00Z');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-lb-'));
  repoDir = join(dir, 'repo');
  await cp('fixtures/repos/demo', repoDir, { recursive: true });
  world = await startDemoWorld(join(dir, 'sim'));
  assert.ok(world.gcp, 'the demo world simulates Google Cloud');
  gcp = world.gcp;
  c = computeClients();
});
after(async () => {
  for (const client of Object.values(c)) await client.close();
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

function cli(args: string[]) {
  return runClusterCli(args, { cacheDir: join(dir, 'cache'), now: () => new Date(nowMs) });
}

const sim = (): string[] => ['--repo', repoDir, '--sim', join(dir, 'sim')];

type IngressLive = {
  ip?: string;
  annotations: Record<string, string>;
  events: { reason?: string; message?: string }[];
};

/** Each member Ingress as a real client reads it: status IP, annotations, its Events. */
async function memberIngresses(): Promise<Record<string, IngressLive | undefined>> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(world.files!.kubeconfig);
  const out: Record<string, IngressLive | undefined> = {};
  for (const cluster of CLUSTERS) {
    kc.setCurrentContext(cluster);
    const net = kc.makeApiClient(k8s.NetworkingV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const ing = await net
      .readNamespacedIngress({ name: 'myingress', namespace: 'default' })
      .catch(() => undefined);
    if (!ing) {
      out[cluster] = undefined;
      continue;
    }
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=myingress',
    });
    out[cluster] = {
      ...(ing.status?.loadBalancer?.ingress?.[0]?.ip ? { ip: ing.status.loadBalancer.ingress[0].ip } : {}),
      annotations: ing.metadata?.annotations ?? {},
      events: events.items.map((e) => ({ reason: e.reason, message: e.message })),
    };
  }
  return out;
}

function computeClients() {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: gcp.token, expiry_date: Date.now() + 3600e3 });
  type Options = NonNullable<ConstructorParameters<typeof compute.UrlMapsClient>[0]>;
  const opts: Options = {
    apiEndpoint: '127.0.0.1',
    port: gcp.port,
    protocol: 'http',
    authClient: auth as unknown as Options['authClient'],
  };
  return {
    urlMaps: new compute.UrlMapsClient(opts),
    httpProxies: new compute.TargetHttpProxiesClient(opts),
    httpsProxies: new compute.TargetHttpsProxiesClient(opts),
    rules: new compute.GlobalForwardingRulesClient(opts),
    backends: new compute.BackendServicesClient(opts),
    addresses: new compute.GlobalAddressesClient(opts),
  };
}

const route = (from: string, ip: string): { cluster?: string; error?: string } => gcp.route({ from, ip });

/** The drained state of each cluster's backend, as the API reports capacityScaler. */
async function drained(backendService: string): Promise<Record<string, boolean>> {
  const [bs] = await c.backends.get({ project: gcp.project, backendService });
  return Object.fromEntries(
    (bs.backends ?? []).map((b) => [
      CLUSTERS.find((c) => String(b.group).includes(`k8s-ig-${c}--`)) ?? String(b.group),
      b.capacityScaler === 0,
    ]),
  );
}

let ip = '';
let names: Record<string, string> = {};

test('apply builds the load balancer: one IP and the same names on every member Ingress', async () => {
  const applied = await cli(['apply', ...sim()]);
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /in 3 clusters and 1 load balancer; converged\./);
  const line = /^Load balancer default\/myingress: (\d+\.\d+\.\d+\.\d+);/m.exec(applied.out);
  assert.ok(line, applied.out);
  ip = line[1]!;

  const members = await memberIngresses();
  for (const cluster of CLUSTERS) {
    const m = members[cluster];
    assert.ok(m, `${cluster} has the Ingress`);
    assert.equal(m.ip, ip, `${cluster} carries the one IP`);
    assert.equal(
      m.annotations['kubernetes.io/ingress.class'],
      'fedsync',
      'no in-cluster controller serves it',
    );
    assert.ok(
      m.events.some((e) => e.reason === 'ADD'),
      `${cluster}: ADD event`,
    );
    assert.ok(
      m.events.some((e) => e.reason === 'CREATE' && e.message === `ip: ${ip}`),
      `${cluster}: CREATE ip event`,
    );
  }
  const keys = [
    'forwarding-rule',
    'https-forwarding-rule',
    'target-proxy',
    'https-target-proxy',
    'url-map',
    'ssl-cert',
    'backends',
  ];
  names = Object.fromEntries(
    keys.map((k) => [k, members[CLUSTERS[0]!]!.annotations[`ingress.kubernetes.io/${k}`] ?? '']),
  );
  for (const k of keys) assert.ok(names[k], `annotation ${k} is set`);
  for (const cluster of CLUSTERS.slice(1))
    for (const k of keys.filter((k) => k !== 'backends'))
      assert.equal(members[cluster]!.annotations[`ingress.kubernetes.io/${k}`], names[k], `${cluster} ${k}`);
  assert.match(names['url-map']!, /^k8s-um-default-myingress--[0-9a-f]{16}$/);
  assert.match(names['forwarding-rule']!, /^k8s-fw-default-myingress--[0-9a-f]{16}$/);

  // The health of each backend service reaches the annotation once the checks have run.
  await waitFor(
    'every backend HEALTHY on the member Ingress',
    async () => {
      const backends = (await memberIngresses())[EUROPE]?.annotations['ingress.kubernetes.io/backends'];
      if (
        backends &&
        Object.values(JSON.parse(backends) as Record<string, string>).every((v) => v === 'HEALTHY')
      )
        return true;
      await cli(['apply', ...sim()]);
      return false;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
});

test('the real @google-cloud/compute client reads the load balancer by the names on the Ingress', async () => {
  const project = gcp.project;
  const [urlMap] = await c.urlMaps.get({ project, urlMap: names['url-map']! });
  const backends = JSON.parse(names.backends!) as Record<string, string>;
  assert.deepEqual(Object.keys(backends), [String(urlMap.defaultService).split('/').pop()]);
  const [http] = await c.httpProxies.get({ project, targetHttpProxy: names['target-proxy']! });
  assert.equal(String(http.urlMap).split('/').pop(), urlMap.name);
  const [https] = await c.httpsProxies.get({ project, targetHttpsProxy: names['https-target-proxy']! });
  assert.deepEqual(
    (https.sslCertificates ?? []).map((s) => s.split('/').pop()),
    names['ssl-cert']!.split(','),
  );
  const [r80] = await c.rules.get({ project, forwardingRule: names['forwarding-rule']! });
  const [r443] = await c.rules.get({ project, forwardingRule: names['https-forwarding-rule']! });
  assert.equal(r80.IPAddress, ip);
  assert.equal(r443.IPAddress, ip, 'both rules on the one IP');
  assert.equal(r80.portRange, '80-80');
  assert.equal(r443.portRange, '443-443');
  const [backend] = await c.backends.get({ project, backendService: Object.keys(backends)[0]! });
  assert.equal(backend.backends?.length, 3, 'one backend per cluster');
  const [address] = await c.addresses.get({ project, address: names['forwarding-rule']! });
  assert.equal(address.address, ip);
});

test('a client in Europe is routed to the europe cluster', () => {
  assert.equal(route('europe-west1', ip).cluster, EUROPE);
  assert.equal(route('asia-east1', ip).cluster, 'gce-asia-east1a');
});

test('a second apply makes zero Google Cloud mutations, one list per type, no Kubernetes write', async () => {
  gcp.resetCounters();
  for (const c of world.clusters) c.counters.reset();
  const again = await cli(['apply', ...sim(), '-o', 'json']);
  assert.equal(again.code, 0, again.err);
  const outcome = JSON.parse(again.out) as {
    counts: Record<string, number>;
    targets: { bookkeepingWrites: number }[];
  };
  assert.equal(outcome.counts.create! + outcome.counts.update! + outcome.counts.delete!, 0);
  const counters = gcp.counters();
  assert.equal(counters.mutations, 0, JSON.stringify(counters.byMethod));
  for (const [method, n] of Object.entries(counters.byMethod))
    if (/\.(list|aggregatedList)$/.test(method)) assert.ok(n <= 1, `${method} called ${n} times`);
  assert.deepEqual(
    outcome.targets.map((t) => t.bookkeepingWrites),
    outcome.targets.map(() => 0),
  );
  // Only the writer lock's Lease is written (taken, renewed, released): no object, no inventory.
  for (const c of world.clusters) {
    const { byVerb } = c.counters.snapshot();
    const written = Object.entries(byVerb)
      .filter(([verb]) => verb !== 'get' && verb !== 'list' && verb !== 'watch')
      .flatMap(([verb, byRes]) => Object.keys(byRes).map((r) => `${verb} ${r}`))
      .filter((w) => !/ leases\.coordination\.k8s\.io$/.test(w));
    assert.deepEqual(written, [], `${c.name} written`);
  }
  const plan = await cli(['plan', ...sim()]);
  assert.equal(plan.code, 0, plan.out);
});

test('the europe cluster goes down: drained, routed to the next nearest; back: undrained after the hysteresis', async () => {
  const backendService = Object.keys(JSON.parse(names.backends!) as Record<string, string>)[0]!;
  await world.cluster(EUROPE)!.setFault({ fault: 'down' });
  try {
    // A one-shot run that merely cannot reach it keeps it (Unreachable); the user says it is gone.
    const down = await cli(['apply', ...sim(), '--assume-offline', EUROPE]);
    assert.match(down.out, new RegExp(`${EUROPE} \\w+, drained`), down.out);
    assert.deepEqual(await drained(backendService), {
      'gce-asia-east1a': false,
      [EUROPE]: true,
      'gce-us-central1c': false,
    });
    const moved = route('europe-west1', ip);
    assert.ok(moved.cluster && moved.cluster !== EUROPE, JSON.stringify(moved));
  } finally {
    await world.cluster(EUROPE)!.setFault({ fault: 'up' });
  }

  // Healthy again, but within the hysteresis: stays drained; the plan asks to look again.
  nowMs += 10_000;
  const back = await cli(['apply', ...sim(), '-o', 'json']);
  assert.equal((await drained(backendService))[EUROPE], true, back.out);
  nowMs += 5 * 60_000;
  await waitFor(
    'the europe backend undrained after the hysteresis',
    async () => {
      await cli(['apply', ...sim()]);
      return !(await drained(backendService))[EUROPE];
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  await waitFor(
    'europe traffic back on the europe cluster',
    () => route('europe-west1', ip).cluster === EUROPE,
    {
      timeoutMs: 20_000,
    },
  );
});

test('removing the Ingress from Git holds the forwarding rules and the address until approved', async () => {
  await rm(join(repoDir, 'myingress.yaml'));
  const plan = await cli(['plan', ...sim()]);
  // A held delete is an error-severity problem: a person has to act, so plan exits 1.
  assert.equal(plan.code, 1, plan.out + plan.err);
  assert.match(plan.out, /Plan: 0 to add, 0 to change, \d+ to destroy, \d+ held by safety guards\./);
  assert.match(plan.out, new RegExp(`forwardingRules/${names['forwarding-rule']}`));
  assert.match(plan.err + plan.out, /guard\.lbForwardingRuleDelete/);

  const held = await cli(['apply', ...sim(), '-o', 'json']);
  assert.equal(held.code, 1, 'held deletes are not converged');
  const outcome = JSON.parse(held.out) as { problems: { code: string; message: string }[] };
  const guard = outcome.problems.find((p) => p.code === 'guard.lbForwardingRuleDelete');
  assert.ok(guard, JSON.stringify(outcome.problems));
  assert.ok(
    outcome.problems.some((p) => p.code === 'guard.lbAddressRelease'),
    'releasing the owned address is held too',
  );
  assert.equal(route('europe-west1', ip).cluster, EUROPE, 'still serving while held');
  const digest = /sha256:[0-9a-f]{64}/.exec(JSON.stringify(outcome.problems))?.[0];
  assert.ok(digest, 'the problem names the digest to approve');

  const fed = await readFile(join(repoDir, 'fedsync.yaml'), 'utf8');
  await writeFile(
    join(repoDir, 'fedsync.yaml'),
    fed.replace(
      '    prune: true\n',
      `    prune: true\n    approvals:\n      - digest: ${digest}\n        reason: retire myingress\n`,
    ),
  );
  const released = await cli(['apply', ...sim()]);
  assert.equal(released.code, 0, released.out + released.err);
  assert.equal(route('europe-west1', ip).error, 'no forwarding rule');
  const [rules] = await c.rules.list({ project: gcp.project });
  const [addresses] = await c.addresses.list({ project: gcp.project });
  const [maps] = await c.urlMaps.list({ project: gcp.project });
  assert.deepEqual(
    [rules.length, addresses.length, maps.length],
    [0, 0, 0],
    'all gone, the address released',
  );
  const members = await memberIngresses();
  for (const cluster of CLUSTERS) assert.equal(members[cluster], undefined, `${cluster} Ingress pruned`);
});
