// The real gcloud CLI finds what fedsync built by the names fedsync gave it. Skipped, with the
// reason printed, when gcloud is not on the PATH.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { backendName, ingressNames } from '../../src/gcp/model/index.js';
import { gcloudEnv } from '../../src/sim/gcp/gcloud-env.js';
import { writeGcloudEnv } from '../../src/sim/gcp/world.js';
import { demoInput } from './helpers/demo.js';
import { converge, startLbSim, type LbSim } from './helpers/sim-lb.js';

const onPath = (bin: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const skip = onPath('gcloud')
  ? false
  : 'gcloud not on PATH: the gcloud describe checks of the load balancer are skipped';

let lb: LbSim;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skip) return;
  lb = await startLbSim();
  dir = await mkdtemp(join(tmpdir(), 'fedsync-gcloud-lb-'));
  await writeGcloudEnv({ outDir: dir, computeUrl: lb.sim.url, project: lb.sim.project, token: lb.sim.token });
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    ...gcloudEnv({
      computeUrl: lb.sim.url,
      project: lb.sim.project,
      configDir: join(dir, 'gcloud', 'config'),
      tokenFile: join(dir, 'gcloud', 'token'),
    }),
  };
});
after(async () => {
  if (skip) return;
  await lb.stop();
  await rm(dir, { recursive: true, force: true });
});

async function describe(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)('gcloud', ['compute', ...args, '--format=json'], {
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

test(
  "gcloud compute … describe finds the URL map, backend service, proxies and rules by fedsync's names",
  { skip },
  async () => {
    const input = await demoInput();
    await converge(lb.target(), input);
    const n = ingressNames({ namespace: 'default', name: 'myingress' }, input.uid);
    const be = backendName(30036, input.uid);
    const um = await describe('url-maps', 'describe', n.urlMap, '--global');
    assert.equal(um.name, n.urlMap);
    assert.match(String(um.defaultService), new RegExp(`/backendServices/${be}$`));
    const bs = await describe('backend-services', 'describe', be, '--global');
    assert.equal(bs.portName, 'port30036');
    assert.equal((bs.backends as unknown[]).length, 3);
    const http = await describe('forwarding-rules', 'describe', n.httpForwardingRule, '--global');
    const https = await describe('forwarding-rules', 'describe', n.httpsForwardingRule, '--global');
    assert.equal(http.portRange, '80-80');
    assert.equal(https.portRange, '443-443');
    assert.equal(http.IPAddress, https.IPAddress, 'one IP for both rules');
    assert.match(String(http.target), new RegExp(`/targetHttpProxies/${n.httpProxy}$`));
    const tps = await describe('target-https-proxies', 'describe', n.httpsProxy);
    assert.equal((tps.sslCertificates as unknown[]).length, 1);
    const tp = await describe('target-http-proxies', 'describe', n.httpProxy);
    assert.match(String(tp.urlMap), new RegExp(`/urlMaps/${n.urlMap}$`));
  },
);
