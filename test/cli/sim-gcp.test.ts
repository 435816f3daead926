// `fedsync sim route` and `fedsync sim ctl gcp …` against a simulator's control endpoint.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerSimCtlGcp, registerSimRoute } from '../../src/cli/commands/sim-gcp.js';
import { gcpControlHandler } from '../../src/sim/gcp/control.js';
import { startComputeSim, type ComputeSim } from '../../src/sim/gcp/server.js';
import { demoDataPlanes, demoDistances, type FakeDataPlane } from '../sim/gcp/helpers/fake-data-plane.js';
import { rest, restLoadBalancer } from '../sim/gcp/helpers/rest.js';

let sim: ComputeSim;
let planes: FakeDataPlane[];
let control: Server;
let out: string;
let ip: string;

before(async () => {
  planes = demoDataPlanes();
  sim = await startComputeSim({
    project: 'cli-project',
    dataPlanes: planes,
    distances: demoDistances,
    token: 'cli-token',
    operationDelayMs: 0,
  });
  ip = await restLoadBalancer(sim, {
    'gce-europe-west1b': 'europe-west1-b',
    'gce-us-central1c': 'us-central1-c',
  });
  const handle = gcpControlHandler(() => sim);
  control = createServer((req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  out = await mkdtemp(join(tmpdir(), 'sim-gcp-cli-'));
  await writeFile(
    join(out, 'sim.json'),
    JSON.stringify({ control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` }),
  );
});
after(async () => {
  await sim.stop();
  await new Promise((r) => control.close(r));
  await rm(out, { recursive: true, force: true });
});

/** Runs `fedsync sim …` with the gcp commands registered; returns stdout lines and the exit code. */
async function fedsync(t: TestContext, ...args: string[]): Promise<{ lines: string[]; code: number }> {
  const program = new Command('fedsync').exitOverride();
  const simCmd = program.command('sim');
  registerSimRoute(simCmd);
  // Like the cluster simulator's `sim ctl <cluster> <action>`: commander dispatches `ctl gcp …` to
  // the subcommand and anything else to this action.
  const ctl = simCmd
    .command('ctl')
    .argument('[cluster]')
    .argument('[action]')
    .action((cluster: string, action: string) => console.log(`cluster ${cluster} ${action}`));
  registerSimCtlGcp(ctl);
  const log = t.mock.method(console, 'log', () => undefined);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'fedsync', 'sim', ...args]);
    return {
      lines: log.mock.calls.map((c) => String(c.arguments[0])),
      code: typeof process.exitCode === 'number' ? process.exitCode : 0,
    };
  } finally {
    process.exitCode = undefined;
    log.mock.restore();
  }
}

test('sim route answers the nearest healthy cluster, and another region once it goes down', async (t) => {
  const r = await fedsync(
    t,
    'route',
    '--out',
    out,
    '--from',
    'europe-west1',
    '--ip',
    ip,
    '--host',
    'shop.example.com',
    '--json',
  );
  assert.equal(r.code, 0);
  assert.equal((JSON.parse(r.lines[0]!) as { cluster: string }).cluster, 'gce-europe-west1b');
  planes[1]!.setReachable(false);
  try {
    const text = await fedsync(t, 'route', '--out', out, '--from', 'europe-west1', '--ip', ip);
    assert.match(text.lines[0]!, /^gce-us-central1c {2}zone us-central1-c {2}backend service be/);
    planes[2]!.setReachable(false);
    const none = await fedsync(t, 'route', '--out', out, '--from', 'europe-west1', '--ip', ip);
    assert.equal(none.code, 5, 'no route: exit 5 (README exit codes)');
    assert.match(none.lines[0]!, /^no healthy backend: /);
  } finally {
    for (const p of planes) p.setReachable(true);
  }
});

test('sim ctl gcp switches faults on and off through the control endpoint', async (t) => {
  const on = await fedsync(t, 'ctl', 'gcp', 'rate-limit', '--times', '1', '--on', 'reads', '--out', out);
  assert.deepEqual(on.lines, ['gcp faults: {"kind":"rateLimit","times":1,"on":"reads"}']);
  await assert.rejects(rest(sim, 'GET', 'global/urlMaps'), /403 .*rateLimitExceeded/);
  await rest(sim, 'GET', 'global/urlMaps');
  await fedsync(t, 'ctl', 'gcp', 'errors', '502', '--out', out);
  await assert.rejects(rest(sim, 'GET', 'global/urlMaps'), /502 /);
  await fedsync(t, 'ctl', 'gcp', 'latency', '5', '--out', out);
  const status = await fedsync(t, 'ctl', 'gcp', 'status', '--json', '--out', out);
  assert.deepEqual(JSON.parse(status.lines[0]!), {
    faults: [
      { kind: 'serverError', status: 502 },
      { kind: 'latency', ms: 5 },
    ],
  });
  assert.deepEqual((await fedsync(t, 'ctl', 'gcp', 'clear', 'errors', '--out', out)).lines, [
    'gcp faults: {"kind":"latency","ms":5}',
  ]);
  await fedsync(t, 'ctl', 'gcp', 'op-fail', '--times', '1', '--code', 'QUOTA_EXCEEDED', '--out', out);
  const op = await rest(sim, 'POST', 'global/addresses', { name: 'failing' });
  assert.deepEqual(op.error, {
    errors: [{ code: 'QUOTA_EXCEEDED', message: 'Simulated operation failure.' }],
  });
  await fedsync(t, 'ctl', 'gcp', 'op-stuck', '--times', '1', '--out', out);
  assert.equal((await rest(sim, 'POST', 'global/addresses', { name: 'stuck' })).status, 'RUNNING');
  assert.deepEqual((await fedsync(t, 'ctl', 'gcp', 'clear', '--out', out)).lines, ['gcp faults: none']);
  const stats = JSON.parse((await fedsync(t, 'ctl', 'gcp', 'stats', '--json', '--out', out)).lines[0]!) as {
    byMethod: Record<string, number>;
  };
  assert.ok((stats.byMethod['urlMaps.list'] ?? 0) >= 3);
  await assert.rejects(fedsync(t, 'ctl', 'gcp', 'thunder', '--out', out), /unknown gcp fault thunder/);
});

test('sim ctl gcp coexists with a per-cluster sim ctl action', async (t) => {
  assert.deepEqual((await fedsync(t, 'ctl', 'gce-europe-west1b', 'down')).lines, [
    'cluster gce-europe-west1b down',
  ]);
  assert.deepEqual((await fedsync(t, 'ctl', 'gcp', 'status', '--out', out)).lines, ['gcp faults: none']);
});

test('without a running simulator the commands say how to start one', async (t) => {
  await assert.rejects(
    fedsync(t, 'route', '--out', join(out, 'missing'), '--from', 'x', '--ip', ip),
    /no running simulator: .*fedsync sim up/,
  );
});

test('the control endpoint validates its input', async () => {
  const port = (control.address() as AddressInfo).port;
  const res = await fetch(`http://127.0.0.1:${port}/gcp/fault`, {
    method: 'POST',
    body: JSON.stringify({ kind: 'latency' }),
  });
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { error: string }).error, /invalid fault: ms/);
  const route = await fetch(`http://127.0.0.1:${port}/gcp/route`, {
    method: 'POST',
    body: JSON.stringify({ from: 'europe-west1' }),
  });
  assert.equal(route.status, 400);
});
