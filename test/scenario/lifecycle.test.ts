// A federation's life on the demo world, step by step in one repository directory: adoption of a
// same-name object, prune of only fedsync's objects, a commit that does not parse prunes nothing,
// and the mass-delete guard holds until an approval in the repository releases it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../src/model/index.js';
import { startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';

let s: Scenario;
let repoDir: string;
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
const N = 12;

const registration = (name: string): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n  kubeconfigContext: ${name}\n`;
const configMap = (name: string, value = 'v1'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  value: "${value}"\n`;

function liveConfigMap(cluster: string, name: string): KubeObject | undefined {
  const sim = s.world.cluster(cluster)!;
  return sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', name) as KubeObject | undefined;
}

function createByHand(name: string, labels: Record<string, string> = {}): void {
  for (const c of CLUSTERS) {
    const sim = s.world.cluster(c)!;
    sim.api.create(
      sim.resource('v1', 'ConfigMap'),
      'default',
      { metadata: { name, labels }, data: { value: 'by hand' } },
      { fieldManager: 'kubectl-client-side-apply' },
    );
  }
}

before(async () => {
  s = await startScenario();
  repoDir = join(s.dir, 'repo');
  const files: Record<string, string> = {
    'fedsync.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: life\n',
  };
  for (const c of CLUSTERS) files[`clusters/${c}.yaml`] = registration(c);
  for (let i = 0; i < N; i++) files[`apps/cm-${i}.yaml`] = configMap(`cm-${i}`);
  files['apps/settings.yaml'] = configMap('settings', 'from git');
  await writeFiles(repoDir, files);
  createByHand('settings');
  createByHand('bystander');
  // Carries fedsync's labels but fedsync never applied it (not in its inventory).
  createByHand('lookalike', { 'app.kubernetes.io/managed-by': 'fedsync', 'fedsync.io/federation': 'life' });
});
after(() => s.stop());

test('first reconcile creates everything and adopts the same-name object', async () => {
  const out = await s.reconcile(repoDir);
  assert.equal(out.status, 'converged', JSON.stringify(out.problems));
  assert.equal(out.counts?.create, N * 3);
  assert.equal(out.counts?.adopt, 3);
  for (const c of CLUSTERS) {
    const adopted = liveConfigMap(c, 'settings')!;
    assert.deepEqual(adopted.data, { value: 'from git' });
    assert.equal(adopted.metadata.labels?.['app.kubernetes.io/managed-by'], 'fedsync');
  }
});

test('removing an object from Git prunes it, and only what fedsync applied', async () => {
  await rm(join(repoDir, 'apps/cm-0.yaml'));
  const out = await s.reconcile(repoDir);
  assert.equal(out.status, 'converged', JSON.stringify(out.problems));
  assert.equal(out.counts?.delete, 3);
  for (const c of CLUSTERS) {
    assert.equal(liveConfigMap(c, 'cm-0'), undefined);
    assert.ok(liveConfigMap(c, 'bystander'), 'an object fedsync never owned stays');
    assert.ok(liveConfigMap(c, 'lookalike'), 'labels without the inventory are not enough');
  }
});

test('a commit that fails to parse applies and prunes nothing', async () => {
  await rm(join(repoDir, 'apps/cm-1.yaml'));
  await writeFiles(repoDir, { 'apps/broken.yaml': 'kind: ConfigMap\nmetadata: [unclosed\n' });
  s.resetCounters();
  const out = await s.reconcile(repoDir);
  assert.equal(out.status, 'failed');
  assert.ok(
    out.problems.some((p) => p.code.startsWith('yaml')),
    JSON.stringify(out.problems),
  );
  assert.deepEqual(s.writes(), Object.fromEntries(CLUSTERS.map((c) => [c, 0])));
  for (const c of CLUSTERS) assert.ok(liveConfigMap(c, 'cm-1'), 'nothing pruned');
  await rm(join(repoDir, 'apps/broken.yaml'));
});

test('the mass-delete guard holds; an approval in the repository releases it', async () => {
  for (let i = 1; i < N; i++) await rm(join(repoDir, `apps/cm-${i}.yaml`), { force: true });
  const held = await s.reconcile(repoDir);
  assert.equal(held.status === 'converged', false);
  assert.equal(held.counts?.held, (N - 1) * 3);
  assert.equal(held.counts?.delete, 0);
  for (const c of CLUSTERS) assert.ok(liveConfigMap(c, 'cm-5'));
  const guard = held.problems.find((p) => p.code === 'guard.massPrune');
  assert.ok(guard, JSON.stringify(held.problems));
  const digest = /sha256:[0-9a-f]{64}/.exec(JSON.stringify(held.problems))?.[0];
  assert.ok(digest, 'the problem names the digest to approve');

  await writeFiles(repoDir, {
    'fedsync.yaml': `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: life\nspec:\n  policy:\n    approvals:\n      - digest: ${digest}\n        reason: retire the old settings\n`,
  });
  const released = await s.reconcile(repoDir);
  assert.equal(released.status, 'converged', JSON.stringify(released.problems));
  assert.equal(released.counts?.delete, (N - 1) * 3);
  for (const c of CLUSTERS) {
    assert.equal(liveConfigMap(c, 'cm-5'), undefined);
    assert.ok(liveConfigMap(c, 'settings'));
  }
});
