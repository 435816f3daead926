// The agent's incremental reconcile on the simulated world, through the real adapter and its watch:
// a one-object push plans only that object (and reads nothing but the inventory, writes only it),
// a placement change is planned in full, and an object the watch saw drift on is planned again and
// put back although Git did not change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAgent } from '../../src/agent/agent.js';
import type { Agent, AgentRun } from '../../src/agent/agent.js';
import { createWriteGate } from '../../src/agent/write-gate.js';
import type { Drift, KubeObject } from '../../src/model/index.js';
import type { Fleet } from '../../src/kube/fleet.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';

const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
const OBJECTS = 30;

let s: Scenario;
let repoDir: string;
let fleet: Fleet;
let agent: Agent;
const runs: AgentRun[] = [];
const drifts: Drift[] = [];

const cm = (i: number, value: string, placement?: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\n` +
  (placement ? `  annotations:\n    fedsync.io/cluster-names: ${placement}\n` : '') +
  `data:\n  value: "${value}"\n`;

const files = (): Record<string, string> => {
  const out: Record<string, string> = {
    'fedsync.yaml':
      'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: incr\nspec:\n  policy:\n    selfHeal: false\n',
  };
  for (const c of CLUSTERS)
    out[`clusters/${c}.yaml`] =
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${c}\nspec:\n  kubeconfigContext: ${c}\n`;
  for (let i = 0; i < OBJECTS; i++)
    out[`apps/cm-${i}.yaml`] = cm(i, 'one', i === 0 ? CLUSTERS[0] : undefined);
  return out;
};

/** Requests each simulated cluster received since the last reset, by verb and resource. */
const requests = (): Record<string, Record<string, number>>[] =>
  s.world.clusters.map((c) => c.counters.snapshot().byVerb);

async function run(): Promise<Extract<AgentRun, { mode: 'applied' }>> {
  const before = runs.length;
  const done = await agent.trigger('watch');
  assert.ok(done.ok);
  assert.ok(runs.length > before, 'the run finished');
  const r = runs[runs.length - 1]!;
  assert.equal(r.mode, 'applied');
  assert.equal(r.outcome.status, 'converged', JSON.stringify(r.outcome.problems));
  await Promise.all(s.world.clusters.map((c) => c.settle()));
  return r;
}

function live(cluster: string, name: string): KubeObject | undefined {
  const sim = s.world.cluster(cluster)!;
  return sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', name) as KubeObject | undefined;
}

before(async () => {
  s = await startScenario();
  repoDir = join(s.dir, 'repo');
  await writeFiles(repoDir, files());
  const first = await readRepoDir(repoDir, join(s.dir, 'cache'));
  assert.ok(first.ok);
  fleet = await s.fleetFor(first.value, { live: { onDrift: (d) => drifts.push(d) } });
  agent = await startAgent({
    read: () => readRepoDir(repoDir, join(s.dir, 'cache')),
    targets: { cluster: fleet },
    gate: createWriteGate({}),
    retry: { initialMs: 20, maxMs: 80 },
    onRun: (r) => runs.push(r),
    onError: (e) => assert.fail(String(e)),
  });
});

after(async () => {
  await agent.stop({ graceMs: 1000 });
  await s.stop();
});

test('the first cycle is planned in full, a one-object push plans only that object', async () => {
  const first = await run();
  assert.equal(first.planMode?.mode, 'full');

  await writeFiles(repoDir, { 'apps/cm-7.yaml': cm(7, 'two') });
  s.resetCounters();
  const push = await run();
  assert.deepEqual(push.planMode, { mode: 'incremental', replanned: 1 });
  assert.deepEqual(push.outcome.counts && { update: push.outcome.counts.update }, { update: 3 });
  // Per cluster: the inventory list and the agent's health record (observe), the one apply, and
  // nothing else: no read of any other object.
  const one = { list: { configmaps: 1 }, get: { configmaps: 1 }, patch: { configmaps: 1 } };
  assert.deepEqual(
    requests(),
    CLUSTERS.map(() => one),
  );
  for (const c of CLUSTERS)
    assert.equal((live(c, 'cm-7')?.data as { value?: string } | undefined)?.value, 'two');
});

test('a placement change is planned in full', async () => {
  await writeFiles(repoDir, { 'apps/cm-0.yaml': cm(0, 'one', CLUSTERS.slice(0, 2).join(',')) });
  const r = await run();
  assert.equal(r.planMode?.mode, 'full');
  assert.match(r.planMode.mode === 'full' ? r.planMode.why : '', /placement of .*cm-0 changed/);
  assert.ok(live(CLUSTERS[1]!, 'cm-0'), 'placed in the second cluster now');
  assert.equal(live(CLUSTERS[2]!, 'cm-0'), undefined);
  // Nothing changed since: the next cycle builds on this one again.
  assert.equal((await run()).planMode?.mode, 'incremental');
});

test('an object the watch saw drift on is planned again and put back', async () => {
  const cluster = CLUSTERS[2]!;
  const sim = s.world.cluster(cluster)!;
  sim.api.patch(
    sim.resource('v1', 'ConfigMap'),
    'default',
    'cm-12',
    { type: 'application/merge-patch+json', body: JSON.stringify({ data: { value: 'by-hand' } }) },
    { fieldManager: 'kubectl-edit' },
  );
  await waitFor('the watch to report the drift', () =>
    drifts.some((d) => d.cluster === cluster && d.ref.name === 'cm-12'),
  );
  const r = await run();
  assert.equal(r.planMode?.mode, 'incremental');
  assert.ok(r.planMode.mode === 'incremental' && r.planMode.replanned >= 1);
  assert.deepEqual(r.outcome.counts && { update: r.outcome.counts.update }, { update: 1 });
  assert.equal((live(cluster, 'cm-12')?.data as { value?: string } | undefined)?.value, 'one');
});
