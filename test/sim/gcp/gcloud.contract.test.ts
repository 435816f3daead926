// The real `gcloud` CLI against the simulator, configured only through the gcloud.env file the
// simulator writes (throwaway CLOUDSDK_CONFIG, token file, no metadata probes). First the documented
// hand-built load balancer script (scripts/gcloud-demo-lb.sh) runs as is, then list/describe/delete
// and errors of each load-balancer collection. Each gcloud call takes 1–4 s, so the set is focused.
// Skipped, with the reason printed, when gcloud is not on the PATH.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { gcloudEnv } from '../../../src/sim/gcp/gcloud-env.js';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { writeGcloudEnv } from '../../../src/sim/gcp/world.js';
import { demoDistances, fakeDataPlane, type FakeDataPlane } from './helpers/fake-data-plane.js';

const run = promisify(execFile);

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const skip = onPath('gcloud')
  ? false
  : 'gcloud not on PATH: the gcloud contract checks and the demo load-balancer script are skipped';
const project = 'gcloud-project';
let sim: ComputeSim;
let dir: string;
let envFile: string;
let env: NodeJS.ProcessEnv;
let planes: FakeDataPlane[];

before(async () => {
  if (skip) return;
  planes = [
    fakeDataPlane({ name: 'gce-europe-west1b', region: 'europe-west1', zone: 'europe-west1-b', nodes: 3 }),
    fakeDataPlane({ name: 'gce-us-central1c', region: 'us-central1', zone: 'us-central1-c', nodes: 3 }),
  ];
  for (const p of planes) p.serve(30080, [{ node: `${p.name}-node-2`, readinessPath: '/healthz' }]);
  sim = await startComputeSim({
    project,
    dataPlanes: planes,
    distances: demoDistances,
    token: 'gcloud-token',
    operationDelayMs: 20,
  });
  dir = await mkdtemp(join(tmpdir(), 'gcloud-sim-'));
  envFile = await writeGcloudEnv({ outDir: dir, computeUrl: sim.url, project, token: sim.token });
  const configDir = join(dir, 'gcloud', 'config');
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    ...gcloudEnv({ computeUrl: sim.url, project, configDir, tokenFile: join(dir, 'gcloud', 'token') }),
  };
});
after(async () => {
  if (skip) return;
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

async function gcloud(...args: string[]): Promise<string> {
  const { stdout } = await run('gcloud', ['compute', ...args], { env, timeout: 60_000 });
  return stdout;
}

/** Runs gcloud expecting failure; returns its stderr. */
async function gcloudFails(...args: string[]): Promise<string> {
  try {
    await gcloud(...args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error(`gcloud ${args.join(' ')} succeeded`);
}

test(
  'the documented gcloud script builds a load balancer that routes to the nearest cluster and fails over',
  { skip },
  async () => {
    const { stdout } = await run(
      'bash',
      ['-c', '. "$1" && exec bash scripts/gcloud-demo-lb.sh', 'sh', envFile],
      {
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          CLUSTERS: 'gce-europe-west1b:europe-west1-b gce-us-central1c:us-central1-c',
        },
        timeout: 240_000,
      },
    );
    const ip = stdout.trim().split('\n').pop()!;
    assert.match(ip, /^34\.120\.\d+\.\d+$/);
    const route = () => sim.route({ from: 'europe-west1', ip, host: 'shop.example.com', path: '/' });
    assert.equal((route() as { cluster: string }).cluster, 'gce-europe-west1b');
    planes[0]!.setReachable(false);
    try {
      const failover = route();
      assert.ok('cluster' in failover, JSON.stringify(failover));
      assert.equal(failover.cluster, 'gce-us-central1c');
      assert.equal(failover.region, 'us-central1');
    } finally {
      planes[0]!.setReachable(true);
    }
    const health = await gcloud('backend-services', 'get-health', 'web-be', '--global', '--format=json');
    const states = (JSON.parse(health) as { status: { healthStatus: { healthState: string }[] } }[]).flatMap(
      (g) => g.status.healthStatus.map((h) => h.healthState),
    );
    assert.deepEqual(states, Array<string>(6).fill('HEALTHY'));
  },
);

test('gcloud lists and describes every load-balancer collection', { skip }, async () => {
  const [addresses, hc, services, urlMap, proxies, rule] = await Promise.all([
    gcloud('addresses', 'list', '--format=value(name,address,status)'),
    gcloud('health-checks', 'describe', 'web-hc', '--format=json'),
    gcloud('backend-services', 'list', '--format=value(name,backends.len())'),
    gcloud('url-maps', 'describe', 'web-um', '--format=json'),
    gcloud('target-http-proxies', 'list', '--format=value(name,urlMap.basename())'),
    gcloud('forwarding-rules', 'describe', 'web-fr', '--global', '--format=json'),
  ]);
  assert.match(addresses, /^web-ip\t34\.120\.\d+\.\d+\tIN_USE$/m);
  assert.equal((JSON.parse(hc) as { httpHealthCheck: { port: number } }).httpHealthCheck.port, 30080);
  assert.equal(services.trim(), 'web-be\t2');
  assert.match(
    (JSON.parse(urlMap) as { defaultService: string }).defaultService,
    /\/global\/backendServices\/web-be$/,
  );
  assert.equal(proxies.trim(), 'web-proxy\tweb-um');
  assert.equal((JSON.parse(rule) as { portRange: string }).portRange, '80-80');
});

test('gcloud sees 409, 400 in-use, and round-trips URL-map fingerprints', { skip }, async () => {
  const [dup, inUse] = await Promise.all([
    gcloudFails('addresses', 'create', 'web-ip', '--global'),
    gcloudFails('health-checks', 'delete', 'web-hc', '--quiet'),
  ]);
  assert.match(dup, /already exists/);
  assert.match(inUse, /is already being used by 'projects\/gcloud-project\/global\/backendServices\/web-be'/);
  await gcloud(
    'url-maps',
    'add-path-matcher',
    'web-um',
    '--default-service=web-be',
    '--path-matcher-name=api',
    '--new-hosts=api.example.com',
    '--path-rules=/v1/*=web-be',
  );
  const um = JSON.parse(await gcloud('url-maps', 'describe', 'web-um', '--format=json')) as {
    hostRules: { hosts: string[] }[];
  };
  assert.deepEqual(
    um.hostRules.map((h) => h.hosts),
    [['api.example.com']],
  );
});

test('gcloud deletes the load balancer in dependency order', { skip }, async () => {
  await gcloud('forwarding-rules', 'delete', 'web-fr', '--global', '--quiet');
  await gcloud('target-http-proxies', 'delete', 'web-proxy', '--quiet');
  await gcloud('url-maps', 'delete', 'web-um', '--quiet');
  await gcloud('backend-services', 'delete', 'web-be', '--global', '--quiet');
  await Promise.all([
    gcloud('health-checks', 'delete', 'web-hc', '--quiet'),
    gcloud('addresses', 'delete', 'web-ip', '--global', '--quiet'),
  ]);
  const left = await gcloud('addresses', 'list', '--format=value(name)');
  assert.equal(left.trim(), '');
});
