// The REST read adapter (plain fetch) against the @google-cloud/compute adapter, on the same
// simulated project holding the demo load balancer: every read call returns the same thing (list and
// get compared as the diff sees them, after normalizeObserved), through several pages where the REST
// side asks for one item a page, and the same error codes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ComputeApi, ComputeReadApi } from '../../src/gcp/compute/api.js';
import { createComputeApi } from '../../src/gcp/compute/client-compute.js';
import { createRestReadApi } from '../../src/gcp/compute/client-rest.js';
import type { ComputeConnection } from '../../src/gcp/compute/connection.js';
import {
  GCP_KINDS,
  federationListFilter,
  normalizeObserved,
  type GcpKind,
  type Json,
} from '../../src/gcp/model/index.js';
import { demoInput } from './helpers/demo.js';
import { converge, startLbSim, type LbSim } from './helpers/sim-lb.js';

let lb: LbSim;
let client: ComputeApi;
let rest: ComputeReadApi;
let uid: string;
const endpoint = (token: string): ComputeConnection => ({
  kind: 'endpoint',
  project: lb.sim.project,
  url: lb.sim.url,
  token,
});

before(async () => {
  lb = await startLbSim();
  const input = await demoInput();
  uid = input.uid;
  await converge(lb.target(), input);
  client = await createComputeApi(endpoint(lb.sim.token));
  rest = createRestReadApi(endpoint(lb.sim.token), { pageSize: 1 });
});
after(async () => {
  await client.close();
  await rest.close();
  await lb.stop();
});

const normalized = (kind: GcpKind, items: Json[]) =>
  items.map((raw) => normalizeObserved(kind, raw)).sort((a, b) => (a.ref.name < b.ref.name ? -1 : 1));

test('list: every kind, the same resources as the client library, across pages', async () => {
  lb.sim.resetCounters();
  let total = 0;
  for (const kind of GCP_KINDS) {
    const filter = federationListFilter(uid, []);
    const [a, b] = [await client.list(kind, filter), await rest.list(kind, filter)];
    assert.deepEqual(normalized(kind, b), normalized(kind, a), kind);
    total += b.length;
  }
  // The demo load balancer: two addresses' worth of rules, three instance groups, …
  assert.ok(total >= 12, `the world holds the load balancer (${total} resources)`);
  const lists = lb.sim.counters().byMethod;
  // One item a page: the two forwarding rules took more than one request on the REST side.
  assert.ok((lists['forwardingRules.list'] ?? 0) >= 3, JSON.stringify(lists));
});

test('get: each resource as the client library returns it, fingerprint included; missing is undefined', async () => {
  let compared = 0;
  for (const kind of GCP_KINDS) {
    for (const raw of await client.list(kind, federationListFilter(uid, []))) {
      const zone = typeof raw.zone === 'string' ? raw.zone.split('/').pop() : undefined;
      const ref = { kind, name: String(raw.name), ...(zone ? { zone } : {}) };
      const [a, b] = [await client.get(ref), await rest.get(ref)];
      assert.ok(a && b, `${kind}/${ref.name} exists`);
      assert.deepEqual(normalizeObserved(kind, b), normalizeObserved(kind, a));
      assert.equal(b.fingerprint, a.fingerprint);
      compared++;
    }
  }
  assert.ok(compared >= 12);
  const missing = { kind: 'urlMap' as const, name: 'no-such-map' };
  assert.equal(await rest.get(missing), undefined);
  assert.equal(await client.get(missing), undefined);
});

test('instance members, network tags, quotas and backend health agree', async () => {
  const groups = await client.list('instanceGroup', federationListFilter(uid, []));
  assert.equal(groups.length, 3);
  for (const g of groups) {
    const ref = {
      kind: 'instanceGroup' as const,
      name: String(g.name),
      zone: String(g.zone).split('/').pop()!,
    };
    const members = await rest.listInstances(ref);
    assert.deepEqual(members, await client.listInstances(ref));
    assert.ok(members.length > 0, `members of ${ref.name}: ${JSON.stringify(members)}`);
    assert.ok(
      members.every((m) => m.startsWith('projects/')),
      members.join(),
    );
  }
  const filter = 'name eq "(gce-asia-east1a-node-1|gce-us-central1c-node-2)"';
  const tags = await rest.instanceTags(filter);
  assert.deepEqual(tags, await client.instanceTags(filter));
  assert.equal(Object.keys(tags).length, 2, JSON.stringify(tags));
  // The simulator reports no quotas: both read the same empty list from the project.
  assert.deepEqual(await rest.quotas(), await client.quotas());
  const [bs] = await client.list('backendService', federationListFilter(uid, []));
  assert.ok(bs, 'a backend service');
  let checked = 0;
  for (const { group } of (bs.backends ?? []) as { group: string }[]) {
    const states = await rest.getHealth(String(bs.name), group);
    assert.deepEqual(states, await client.getHealth(String(bs.name), group));
    checked += states.length;
  }
  assert.ok(checked > 0, 'some backend reported health');
});

test('errors: the same codes as the client library (bad token, rate limit, server error)', async () => {
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: { code?: string }) => e.code,
    );
  const badRest = createRestReadApi(endpoint('wrong-token'));
  const badClient = await createComputeApi(endpoint('wrong-token'));
  try {
    assert.equal(await codeOf(badRest.list('urlMap', '')), 'gcp.unauthenticated');
    assert.equal(await codeOf(badClient.list('urlMap', '')), 'gcp.unauthenticated');
  } finally {
    await badClient.close();
  }
  for (const [fault, code] of [
    [{ kind: 'rateLimit', times: 1, on: 'reads' }, 'gcp.rateLimited'],
    [{ kind: 'serverError', times: 1, status: 503 }, 'gcp.serverError'],
  ] as const) {
    lb.sim.setFault(fault);
    const viaRest = await codeOf(rest.quotas());
    lb.sim.setFault(fault);
    const viaClient = await codeOf(client.quotas());
    assert.deepEqual([viaRest, viaClient], [code, code], fault.kind);
  }
});
