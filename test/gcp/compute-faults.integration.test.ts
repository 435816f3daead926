// The adapter under the simulator's faults: 412, rate limits, server errors, failing and stuck
// operations, and a crash between two calls. Every one ends converged, with no duplicate resource.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import {
  EMPTY_DRAIN_STATE,
  desiredLoadBalancer,
  ingressNames,
  observeNeeds,
  planLoadBalancer,
  subjectOf,
  withNetworkTags,
  type LoadBalancerInput,
} from '../../src/gcp/model/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { demoInput, demoRepo, editObjects } from './helpers/demo.js';
import { converge, cycle, inventory, rest, startLbSim, type LbSim } from './helpers/sim-lb.js';

let lb: LbSim;
let input: LoadBalancerInput;
before(async () => {
  lb = await startLbSim({ maxWaitMs: 40 });
  input = await demoInput();
});
after(async () => {
  await lb.stop();
});
beforeEach(async () => {
  lb.sim.clearFaults();
  const repo = await demoRepo();
  repo.objects = repo.objects.filter((o) => o.template.kind !== 'Ingress');
  await converge(lb.target(), await demoInput({ repo }));
  lb.sim.resetCounters();
});

/** What a converged demo load balancer holds: exactly the desired resources, once each. */
async function assertExactlyDesired(): Promise<void> {
  const inv = await inventory(lb.sim);
  const want: Record<string, string[]> = {};
  for (const r of desiredLoadBalancer(input).resources) {
    const [collection, name] = r.ref.zone
      ? ['instanceGroups', `zones/${r.ref.zone}/${r.ref.name}`]
      : (subjectOf(r.ref).split('/') as [string, string]);
    (want[collection] ??= []).push(name);
  }
  for (const k of Object.keys(want)) want[k]!.sort();
  assert.deepEqual(inv, want);
}

const failures = (c: Awaited<ReturnType<typeof cycle>>) =>
  c.result.results.filter((r) => r.outcome === 'failed');

test('412: the URL map changed between plan and apply → re-read, sent once more, converged', async () => {
  const target = lb.target();
  await converge(target, input);
  const changed = await demoInput({
    repo: editObjects(await demoRepo(), (id, obj) => {
      if (id === 'Ingress/myingress')
        (obj.spec as Record<string, unknown>).rules = [
          {
            host: 'x.example.com',
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
  const observed = await target.observe(observeNeeds(changed));
  const plan = planLoadBalancer({
    input: withNetworkTags(changed, observed),
    observed,
    drain: EMPTY_DRAIN_STATE,
    now: '2026-06-01T12:00:00Z',
  });
  // Someone edits the map after the plan was made: the plan's fingerprint is now stale.
  const um = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid).urlMap;
  const live = await rest(lb.sim, 'GET', `global/urlMaps/${um}`);
  await rest(lb.sim, 'PATCH', `global/urlMaps/${um}`, {
    fingerprint: live.fingerprint,
    hostRules: [],
    pathMatchers: [],
  });
  lb.sim.resetCounters();
  const result = await target.apply(plan.steps);
  assert.ok(result.ok, JSON.stringify(result));
  const step = result.results.find((r) => r.outcome === 'done')!;
  assert.match(String(step.note), /changed since it was planned/);
  assert.equal(lb.sim.counters().byMethod['urlMaps.update'], 2, 'the 412, then the retry');
  assert.equal((await cycle(target, changed)).mutations, 0);
});

test('rate limits and server errors are backed off and retried within the cycle', async () => {
  const slept: number[] = [];
  const target = lb.target({
    retry: { sleep: (ms) => (slept.push(ms), Promise.resolve()), baseDelayMs: 100, random: () => 0.5 },
  });
  lb.sim.setFault({ kind: 'rateLimit', times: 3, on: 'mutations' });
  const first = await cycle(target, input);
  assert.deepEqual(failures(first), []);
  assert.deepEqual(slept, [50, 100, 200], 'exponential, jittered backoff');
  lb.sim.setFault({ kind: 'serverError', times: 2, status: 503 });
  const second = await cycle(target, input);
  assert.equal(second.mutations, 0);
  assert.equal(slept.length, 5);
  await assertExactlyDesired();
});

test('a failing operation fails its step and what depends on it; the next cycle converges', async () => {
  const target = lb.target();
  lb.sim.setFault({ kind: 'operationFails', times: 1, code: 'INTERNAL_ERROR', message: 'boom' });
  const first = await cycle(target, input);
  const failed = failures(first);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.error!.code, 'gcp.operationFailed');
  assert.equal(failed[0]!.error!.transient, true);
  assert.match(failed[0]!.error!.message, /INTERNAL_ERROR: boom/);
  assert.ok(
    first.result.results.some((r) => r.outcome === 'notRun'),
    'dependents are not tried',
  );
  const rest_ = await converge(target, input);
  assert.ok(rest_.length >= 2);
  await assertExactlyDesired();
});

test('a stuck operation times out (transient); the next cycle sees the change landed and converges', async () => {
  const target = lb.target({ operationTimeoutMs: 150 });
  lb.sim.setFault({ kind: 'operationStuck', times: 1 });
  const first = await cycle(target, input);
  const failed = failures(first);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.error!.code, 'gcp.operationTimeout');
  assert.equal(failed[0]!.error!.transient, true);
  await converge(target, input);
  await assertExactlyDesired();
});

class Crash extends Error {}

test('a crash between two calls, at any point: the restart converges with no duplicate', async () => {
  const plan = planLoadBalancer({
    input,
    observed: { project: 'fedsync-demo', resources: [] },
    drain: EMPTY_DRAIN_STATE,
    now: '2026-06-01T12:00:00Z',
  });
  // The observe makes 12 calls on an empty project; then inserts and their operation waits.
  for (const after of [5, 14, 19, 27, 36]) {
    let calls = 0;
    const doomed = lb.target({
      onCall: () => {
        if (++calls > after) throw new Crash(`crash after ${after} calls`);
      },
    });
    await assert.rejects(cycle(doomed, input), Crash);
    await doomed.close();
    const restarted = lb.target();
    await converge(restarted, input);
    await assertExactlyDesired();
    // Tear down for the next crash point.
    const repo = await demoRepo();
    repo.objects = repo.objects.filter((o) => o.template.kind !== 'Ingress');
    await converge(restarted, await demoInput({ repo }));
  }
  // A crash after inserts and addInstances reached the server but before their operations were
  // read, then the very same plan applied again: inserts find the resources there and go on,
  // addInstances finds the members there; nothing is created twice. The crash comes at the first
  // operation wait once every addInstances went out, and the replay starts once the server holds
  // those members, so which calls landed does not depend on the machine's speed.
  const adds = plan.steps.filter((s) => s.call === 'addInstances');
  assert.ok(adds.length > 0);
  let added = 0;
  const doomed = lb.target({
    onCall: ({ method }) => {
      if (method === 'instanceGroups.addInstances') added++;
      if (method.endsWith('Operations.wait') && added === adds.length) throw new Crash('crash while waiting');
    },
  });
  await assert.rejects(doomed.apply(plan.steps), Crash);
  await waitFor("the server holds every group's members", async () => {
    for (const s of adds) {
      const path = `zones/${s.ref.zone}/instanceGroups/${s.ref.name}/listInstances`;
      const listed = await rest(lb.sim, 'POST', path, {});
      if (!Array.isArray(listed.items) || listed.items.length === 0) return false;
    }
    return true;
  });
  const replay = await lb.target().apply(plan.steps);
  assert.ok(replay.ok, JSON.stringify(replay.results.filter((r) => r.outcome !== 'done')));
  assert.ok(replay.results.some((r) => /already existed/.test(r.note ?? '')));
  assert.ok(replay.results.some((r) => /already members/.test(r.note ?? '')));
  await converge(lb.target(), input);
  await assertExactlyDesired();
});

test('both error shapes of the real client normalise to the same codes', async () => {
  const compute = await import('@google-cloud/compute');
  const { OAuth2Client } = await import('google-auth-library');
  const { toGcpError } = await import('../../src/gcp/compute/errors.js');
  type Options = NonNullable<ConstructorParameters<typeof compute.UrlMapsClient>[0]>;
  const base = { apiEndpoint: '127.0.0.1', port: lb.sim.port, protocol: 'http' };
  const oauth = new OAuth2Client();
  oauth.setCredentials({ access_token: lb.sim.token, expiry_date: Date.now() + 3600e3 });
  // A native-fetch auth object: google-gax then throws GoogleError (gRPC codes) instead of GaxiosError.
  const duck = {
    getRequestHeaders: () => Promise.resolve(new Headers()),
    fetch: (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${lb.sim.token}`);
      return fetch(url, { ...init, headers });
    },
  };
  for (const authClient of [oauth, duck]) {
    const client = new compute.UrlMapsClient({
      ...base,
      authClient: authClient as unknown as Options['authClient'],
    });
    try {
      const missing = await client.get({ project: 'fedsync-demo', urlMap: 'nope' }).catch((e: unknown) => e);
      const name = (missing as Error).constructor.name;
      assert.ok(name === 'GaxiosError' || name === 'GoogleError', name);
      assert.equal(toGcpError(missing, 'get').code, 'gcp.notFound', `${name}: ${String(missing)}`);
      lb.sim.setFault({ kind: 'rateLimit', times: 1 });
      const limited = await client.list({ project: 'fedsync-demo' }).catch((e: unknown) => e);
      assert.equal(toGcpError(limited, 'list').code, 'gcp.rateLimited', `${name}: ${String(limited)}`);
    } finally {
      await client.close();
    }
  }
});

test('a certificate the API refuses (PEM that does not parse, a key that does not match) fails clean', async () => {
  const { sensitive } = await import('../../src/gcp/model/index.js');
  const { readFileSync } = await import('node:fs');
  const fakeKey = '-----BEGIN PRIVATE KEY-----\nRkFLRS1LRVk=\n-----END PRIVATE KEY-----\n';
  const cases = [
    { certificate: '-----BEGIN CERTIFICATE-----\nRkFLRQ==\n-----END CERTIFICATE-----\n', key: fakeKey },
    {
      certificate: readFileSync('fixtures/tls/demo.crt', 'utf8'),
      key: readFileSync('fixtures/tls/a.key', 'utf8'),
    },
  ];
  for (const [i, c] of cases.entries()) {
    const name = `k8s-ssl-refused-${i}--${input.uid}`;
    const result = await lb.target().apply([
      {
        action: 'create',
        subject: `sslCertificates/${name}`,
        ref: { kind: 'sslCertificate', name },
        call: 'insert',
        body: { name, certificate: c.certificate },
        privateKey: sensitive(c.key, 'test key'),
        changes: [],
        reason: 'test',
      },
    ]);
    const r = result.results[0]!;
    assert.equal(r.outcome, 'failed');
    assert.equal(r.error!.code, 'gcp.invalid');
    assert.equal(r.error!.transient, false);
    assert.ok(
      !JSON.stringify(result).includes('PRIVATE KEY') && !JSON.stringify(result).includes('RkFLRS1LRVk'),
    );
  }
});
