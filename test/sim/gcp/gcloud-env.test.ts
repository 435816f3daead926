import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gcloudEnv, gcloudEnvFile } from '../../../src/sim/gcp/gcloud-env.js';
import { computeSimOptionsFromWorld, writeGcloudEnv } from '../../../src/sim/gcp/world.js';
import { readWorld } from '../../../src/sim/world.js';

const o = {
  computeUrl: 'http://127.0.0.1:18090/compute/v1/',
  project: 'fedsync-demo',
  configDir: '/tmp/x y/cfg',
  tokenFile: '/tmp/x/token',
};

test('gcloud.env sets every variable that keeps gcloud offline and on the simulator', () => {
  assert.deepEqual(gcloudEnv(o), {
    CLOUDSDK_CONFIG: '/tmp/x y/cfg',
    CLOUDSDK_CORE_PROJECT: 'fedsync-demo',
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'http://127.0.0.1:18090/compute/v1/',
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: '/tmp/x/token',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_METRICS_ENVIRONMENT: 'fedsync-sim',
    CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
    GCE_METADATA_ROOT: '127.0.0.1:9',
  });
  const file = gcloudEnvFile(o);
  assert.match(file, /^export CLOUDSDK_CONFIG='\/tmp\/x y\/cfg'$/m, 'values with spaces are shell-quoted');
  assert.match(
    file,
    /^export CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=http:\/\/127\.0\.0\.1:18090\/compute\/v1\/$/m,
  );
});

test('writeGcloudEnv writes the env file, a private token file and the throwaway config dir', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gcloud-env-'));
  try {
    const file = await writeGcloudEnv({
      outDir: dir,
      computeUrl: o.computeUrl,
      project: 'p-1',
      token: 's3cret',
    });
    assert.equal(file, join(dir, 'gcloud.env'));
    assert.match(
      await readFile(file, 'utf8'),
      new RegExp(`CLOUDSDK_AUTH_ACCESS_TOKEN_FILE=${join(dir, 'gcloud', 'token')}`),
    );
    assert.equal(await readFile(join(dir, 'gcloud', 'token'), 'utf8'), 's3cret\n');
    assert.equal((await stat(join(dir, 'gcloud', 'token'))).mode & 0o777, 0o600);
    assert.ok((await stat(join(dir, 'gcloud', 'config'))).isDirectory());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the demo world gives the simulator its project, network and distances', async () => {
  const world = await readWorld('fixtures/worlds/demo.yaml');
  const opts = computeSimOptionsFromWorld(world, []);
  assert.equal(opts?.project, 'fedsync-demo');
  assert.equal(opts?.network, 'default');
  assert.equal(opts?.distances?.['europe-west1']?.['us-central1'], 100);
  assert.ok(opts && opts.token.length >= 20, 'a random token when the world names none');
  assert.equal(computeSimOptionsFromWorld({ ...world, gcp: undefined }, []), undefined);
});
