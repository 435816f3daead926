// A kubeconfig that does not load names the file and the YAML problem's line and column, and never
// prints its lines: they hold tokens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleet } from '../../src/kube/fleet.js';
import { createClient } from '../../src/cli/kube-client.js';
import { createClusterClient, loadKubeConfig } from '../../src/kube/client-node.js';
import { KubeconfigError } from '../../src/kube/errors.js';

const TOKEN = 'sk-live-TOPSECRET-123';
const BAD = [
  'apiVersion: v1',
  'kind: Config',
  'users:',
  '- name: u',
  '  user:',
  `    token: ${TOKEN}`,
  '   bad: indentation',
  'contexts: []',
  '',
].join('\n');

let dir: string;
let path: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-kubeconfig-'));
  path = join(dir, 'kubeconfig');
  await writeFile(path, BAD);
});
after(() => rm(dir, { recursive: true, force: true }));

const expected = (err: unknown): boolean => {
  assert.ok(err instanceof KubeconfigError, String(err));
  assert.equal(err.code, 'kube.kubeconfig');
  assert.equal(
    err.message,
    `kubeconfig ${path} is not valid YAML: line 7, column 4: bad indentation of a mapping entry`,
  );
  assert.ok(!err.message.includes(TOKEN) && !err.message.includes('user:'));
  return true;
};

test('loading a kubeconfig that is not YAML: file, line and column, none of its text', () => {
  assert.throws(() => loadKubeConfig(path), expected);
  assert.throws(() => createClusterClient({ kubeconfigPath: path, context: 'x' }), expected);
});

test('the fleet of plan and apply reports it the same way', async () => {
  await assert.rejects(
    createFleet({ kubeconfigPath: path, registrations: [], federation: 'f', createClient }),
    expected,
  );
});

test('a kubeconfig that cannot be read names the file and the error code', () => {
  assert.throws(
    () => loadKubeConfig(join(dir, 'absent')),
    (err: unknown) =>
      err instanceof KubeconfigError &&
      err.message === `cannot read kubeconfig ${join(dir, 'absent')} (ENOENT)`,
  );
});
