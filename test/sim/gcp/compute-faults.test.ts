// Run-time faults of the simulated Compute API, as seen by the official client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { computeClients, rejects, waitOp, type ComputeClients } from './helpers/compute-clients.js';
import { demoDataPlanes } from './helpers/fake-data-plane.js';

const project = 'fault-project';
let sim: ComputeSim;
let c: ComputeClients;

before(async () => {
  sim = await startComputeSim({
    project,
    dataPlanes: demoDataPlanes(),
    token: 'fault-token',
    operationDelayMs: 5,
    maxWaitMs: 100,
  });
  c = computeClients(sim.port, 'fault-token');
});
after(() => sim.stop());

test('rate limit: 403 rateLimitExceeded for the next N requests of the chosen quota group', async () => {
  sim.setFault({ kind: 'rateLimit', times: 1, on: 'mutations' });
  await c.addresses.list({ project });
  await rejects(c.addresses.insert({ project, addressResource: { name: 'rl' } }), 403, 'rateLimitExceeded');
  const [lro] = await c.addresses.insert({ project, addressResource: { name: 'rl' } });
  assert.equal((await waitOp(c, project, lro)).status, 'DONE');
  sim.setFault({ kind: 'rateLimit' });
  await rejects(c.addresses.get({ project, address: 'rl' }), 403, 'rateLimitExceeded');
  await rejects(c.addresses.get({ project, address: 'rl' }), 403, 'rateLimitExceeded');
  sim.clearFaults('rateLimit');
  await c.addresses.get({ project, address: 'rl' });
});

test('server errors: 5xx with the chosen status', async () => {
  sim.setFault({ kind: 'serverError', status: 500, times: 1 });
  await rejects(c.addresses.get({ project, address: 'rl' }), 500, 'internalError');
  sim.setFault({ kind: 'serverError', times: 1 });
  await rejects(c.addresses.get({ project, address: 'rl' }), 503, 'backendError');
  await c.addresses.get({ project, address: 'rl' });
});

test('a failing operation reports its error in operation.error and changes nothing', async () => {
  sim.setFault({
    kind: 'operationFails',
    times: 1,
    code: 'RESOURCE_OPERATION_RATE_EXCEEDED',
    message: 'too many ops',
  });
  const [lro] = await c.addresses.insert({ project, addressResource: { name: 'never' } });
  const op = await waitOp(c, project, lro);
  assert.equal(op.status, 'DONE');
  assert.deepEqual(
    op.error?.errors?.map((e) => [e.code, e.message]),
    [['RESOURCE_OPERATION_RATE_EXCEEDED', 'too many ops']],
  );
  assert.equal(op.httpErrorStatusCode, 500);
  await rejects(c.addresses.get({ project, address: 'never' }), 404, 'notFound');
});

test('a stuck operation stays RUNNING: wait returns it unfinished after its time limit', async () => {
  sim.setFault({ kind: 'operationStuck', times: 1 });
  const [lro] = await c.addresses.insert({ project, addressResource: { name: 'stuck' } });
  const name = (lro as unknown as { latestResponse: { name: string } }).latestResponse.name;
  const [op] = await c.globalOps.wait({ project, operation: name });
  assert.equal(op.status, 'RUNNING');
  const [again] = await c.globalOps.get({ project, operation: name });
  assert.equal(again.status, 'RUNNING');
  assert.deepEqual(sim.faults(), []);
});

test('latency delays every request by the configured time', async () => {
  sim.setFault({ kind: 'latency', ms: 150 });
  const t0 = performance.now();
  await c.addresses.get({ project, address: 'rl' });
  assert.ok(performance.now() - t0 >= 140);
  assert.deepEqual(sim.faults(), [{ kind: 'latency', ms: 150 }]);
  sim.clearFaults();
  assert.deepEqual(sim.faults(), []);
});
