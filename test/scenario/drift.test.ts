// Drift on a simulated cluster through the real adapter's watch: a kubectl-edit-like merge patch by
// another field manager is detected (manager named) and corrected; with self-heal off it is only
// reported; fedsync's own apply of a new revision is never reported as drift.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Drift, KubeObject } from '../../src/model/index.js';
import type { ClusterClient, WatchEvent } from '../../src/kube/port.js';
import { correctionWord } from '../../src/report/format/outcome-text.js';
import { createDriftDetector } from '../../src/kube/drift.js';
import type { DriftDetector } from '../../src/kube/drift.js';
import type { Fleet } from '../../src/kube/fleet.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';

let s: Scenario;
let repoDir: string;
let detector: DriftDetector;
let fleet: Fleet;
const stops: { stop(): void }[] = [];
/** Every watch event the detector was fed, in order. */
const delivered: WatchEvent[] = [];
const CLUSTER = 'gce-asia-east1a';

const cm = (value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  mode: "${value}"\n`;
const fed = (selfHeal: boolean): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: drifty\nspec:\n  policy:\n    selfHeal: ${selfHeal}\n`;

before(async () => {
  s = await startScenario();
  repoDir = join(s.dir, 'repo');
  await writeFiles(repoDir, {
    'fedsync.yaml': fed(true),
    [`clusters/${CLUSTER}.yaml`]: `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${CLUSTER}\nspec:\n  kubeconfigContext: ${CLUSTER}\n`,
    'apps/app.yaml': cm('one'),
  });
  const loaded = await readRepoDir(repoDir, join(s.dir, 'cache'));
  assert.ok(loaded.ok);
  // The detector needs the fleet's clients and the fleet needs the detector: close the loop late.
  const clients = new Map<string, ClusterClient>();
  detector = createDriftDetector({ clients });
  fleet = await s.fleetFor(loaded.value, { drift: detector });
  for (const [name, c] of fleet.clients) clients.set(name, c);
  const client = fleet.clients.get(CLUSTER)!;
  const { resourceVersion } = await client.list({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'default',
  });
  stops.push(
    await client.watch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion },
      (e) => {
        delivered.push(e);
        detector.onEvent(CLUSTER, e);
      },
      () => {},
    ),
  );
});
after(async () => {
  for (const w of stops) w.stop();
  await s.stop();
});

function live(): KubeObject {
  const sim = s.world.cluster(CLUSTER)!;
  return sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', 'app') as KubeObject;
}

function kubectlEdit(value: string): void {
  const sim = s.world.cluster(CLUSTER)!;
  sim.api.patch(
    sim.resource('v1', 'ConfigMap'),
    'default',
    'app',
    { type: 'application/merge-patch+json', body: JSON.stringify({ data: { mode: value } }) },
    { fieldManager: 'kubectl-edit' },
  );
}

test('fedsync applying new revisions is never drift', async () => {
  assert.equal((await s.reconcile(repoDir, { fleet })).status, 'converged');
  for (const v of ['two', 'three']) {
    await writeFiles(repoDir, { 'apps/app.yaml': cm(v) });
    const out = await s.reconcile(repoDir, { fleet });
    assert.equal(out.status, 'converged');
  }
  // "No drift" is only proven once the detector has seen fedsync's own writes: wait until the watch
  // has delivered the last one (events arrive in order, so every earlier write came before it).
  // onEvent decides synchronously, and idle() covers any correction it started.
  await waitFor('the watch to deliver the write of revision three', () =>
    delivered.some((e) => (e.object.data as { mode?: string } | undefined)?.mode === 'three'),
  );
  await detector.idle();
  assert.deepEqual(detector.takeDrift(), []);
  assert.deepEqual(live().data, { mode: 'three' });
});

test('an edit by another manager is detected and corrected', async () => {
  kubectlEdit('hacked');
  const found: Drift[] = [];
  await waitFor('the edit to be found as drift', () => {
    found.push(...detector.takeDrift());
    return found.length > 0;
  });
  await detector.idle();
  const [drift] = found;
  assert.equal(drift && correctionWord(drift), 'corrected');
  assert.equal(drift?.manager, 'kubectl-edit');
  assert.deepEqual(drift?.fields, [{ path: 'data.mode', from: 'hacked', to: 'three' }]);
  await waitFor('the correction to land', () => (live().data as { mode: string }).mode === 'three');
  assert.deepEqual(live().data, { mode: 'three' });
});

test('with self-heal off the edit is only reported', async () => {
  await writeFiles(repoDir, { 'fedsync.yaml': fed(false) });
  assert.equal((await s.reconcile(repoDir, { fleet })).status, 'converged');
  kubectlEdit('manual');
  const found: Drift[] = [];
  await waitFor('the edit to be found as drift', () => {
    found.push(...detector.takeDrift());
    return found.length > 0;
  });
  assert.deepEqual(
    found.map((d) => correctionWord(d)),
    ['reported'],
  );
  assert.deepEqual(live().data, { mode: 'manual' });
});
