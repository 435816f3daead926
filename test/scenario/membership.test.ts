// The membership of a federation over its life: two registrations of one API server are refused
// before anything is contacted; a cluster whose registration is removed while it still holds
// managed objects is named in every plan (with how many it holds, read from its own inventory, or
// why that could not be read); a member marked leaving gets no replicas, its objects are deleted as
// a guarded delete, and once they are gone it is forgotten, so removing its file warns no more.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load, dump } from 'js-yaml';
import { createFleet } from '../../src/kube/fleet.js';
import { DuplicateServerError } from '../../src/kube/registrations.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';
import { runClusterCli } from '../helpers/cli.js';
import { actionSubject, clusterPlans } from '../../src/model/index.js';
import type { KubeObject, Plan } from '../../src/model/index.js';

let s: Scenario;
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];

const clusterFile = (name: string, extra = '', context = name): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n  kubeconfigContext: ${context}\n${extra}`;

before(async () => {
  s = await startScenario();
});
after(() => s.stop());
afterEach(() => {
  process.exitCode = undefined;
});

test('two registrations whose contexts reach one API server are refused, naming both files', async () => {
  // A second context in the kubeconfig for the asia cluster, under another name.
  const kubeconfig = load(await readFile(s.world.files!.kubeconfig, 'utf8')) as {
    contexts: { name: string; context: { cluster: string; user: string } }[];
  };
  const asia = kubeconfig.contexts.find((c) => c.name === CLUSTERS[0])!;
  kubeconfig.contexts.push({ name: 'asia-alias', context: { ...asia.context } });
  const aliased = join(s.dir, 'aliased-kubeconfig');
  await writeFile(aliased, dump(kubeconfig), { mode: 0o600 });
  const dir = join(s.dir, 'repo-twice');
  await writeFiles(dir, {
    'fedsync.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: twice\n',
    'clusters/asia.yaml': clusterFile('asia', '', CLUSTERS[0]),
    'clusters/asia-again.yaml': clusterFile('asia-again', '', 'asia-alias'),
    'clusters/us.yaml': clusterFile('us', '', CLUSTERS[2]),
  });
  const loaded = await readRepoDir(dir, join(s.dir, 'cache'));
  assert.ok(loaded.ok, 'different contexts pass validation');
  s.resetCounters();
  await assert.rejects(
    createFleet({
      kubeconfigPath: aliased,
      registrations: loaded.value.clusters,
      federation: 'twice',
      createClient: s.createClient,
    }),
    (err: unknown) => {
      assert.ok(err instanceof DuplicateServerError, String(err));
      assert.equal(err.code, 'fleet.duplicateServer');
      assert.match(
        err.message,
        /^cluster "asia" \(clusters\/asia\.yaml:2, context "gce-asia-east1a"\) and cluster "asia-again" \(clusters\/asia-again\.yaml:2, context "asia-alias"\) reach the same API server https?:\/\/[^ ]+: one cluster registered twice/,
      );
      return true;
    },
  );
  assert.deepEqual(Object.values(s.writes()), [0, 0, 0], 'nothing was written anywhere');
  await rm(aliased);
});

const FED = 'members';
const repoDir = (): string => join(s.dir, 'repo-members');
const fedsyncYaml = (approvals = ''): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: ${FED}\n${approvals}`;
const replicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: web, namespace: default }
spec:
  replicas: 9
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: c, image: "nginx:1.27" }] }
`;
const settings = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  v: "1"\n`;

const cli = (command: string, ...extra: string[]) =>
  runClusterCli([command, '--repo', repoDir(), '--kubeconfig', s.world.files!.kubeconfig, ...extra], {
    cacheDir: join(s.dir, 'cache'),
    now: () => new Date(),
  });

const US = 'gce-us-central1c';
const managedIn = (cluster: string): string[] => {
  const sim = s.world.cluster(cluster)!;
  return [sim.resource('v1', 'ConfigMap'), sim.resource('apps/v1', 'ReplicaSet')]
    .flatMap((r) => sim.store.list(r, 'default'))
    .map((o) => o as KubeObject)
    .filter((o) => o.metadata.labels?.['fedsync.io/federation'] === FED)
    .map((o) => `${o.kind}/${o.metadata.name}`)
    .sort();
};
const replicasIn = (cluster: string): number | undefined => {
  const sim = s.world.cluster(cluster)!;
  const rs = sim.store.get(sim.resource('apps/v1', 'ReplicaSet'), 'default', 'web') as KubeObject | undefined;
  return (rs?.spec as { replicas?: number } | undefined)?.replicas;
};

test('a cluster removed from clusters/ is named in plan and status with what it still holds', async () => {
  await writeFiles(repoDir(), {
    'fedsync.yaml': fedsyncYaml(),
    ...Object.fromEntries(CLUSTERS.map((c) => [`clusters/${c}.yaml`, clusterFile(c)])),
    'web.yaml': replicaSet,
    'settings.yaml': settings,
  });
  const first = await cli('apply');
  assert.equal(first.code, 0, first.err + first.out);
  assert.deepEqual(managedIn(US), ['ConfigMap/settings', 'ReplicaSet/web']);
  await rm(join(repoDir(), 'clusters', `${US}.yaml`));

  const plan = await cli('plan');
  assert.match(
    plan.out + plan.err,
    new RegExp(
      `warning: no longer registered in clusters/, but still holds 2 object\\(s\\) fedsync manages \\(by its inventory, context "${US}"\\); they keep running.*\\(cluster ${US}\\)`,
    ),
  );
  const json = JSON.parse((await cli('plan', '-o', 'json')).out) as Plan;
  const removed = json.problems.filter((p) => p.code === 'cluster.removed');
  assert.deepEqual(
    removed.map((p) => [p.cluster, p.severity]),
    [[US, 'warning']],
  );
  const status = await cli('status');
  assert.match(
    status.err,
    new RegExp(
      `fedsync status: warning: no longer registered .*still holds 2 object\\(s\\).*\\(cluster ${US}\\)`,
    ),
  );

  // Applied without it, the record still remembers it: the next plan says so again.
  assert.notEqual((await cli('apply')).code, 1);
  assert.match((await cli('plan')).out + '', /still holds 2 object\(s\)/);

  // Unreachable now: the plan still names it, and says why it could not count.
  await s.world.cluster(US)!.setFault({ fault: 'down' });
  try {
    const blind = await cli('plan');
    assert.match(
      blind.out + blind.err,
      new RegExp(
        `may still hold objects fedsync manages: its inventory could not be read \\(context "${US}": \\w+: .*\\(cluster ${US}\\)`,
      ),
    );
  } finally {
    await s.world.cluster(US)!.setFault({ fault: 'up' });
  }
  assert.deepEqual(managedIn(US), ['ConfigMap/settings', 'ReplicaSet/web'], 'left running, not touched');
});

test('a member marked leaving: no replicas, its objects deleted once approved, then forgotten', async () => {
  // Back in Git, marked leaving (the state the previous test left: us holds two managed objects).
  await writeFiles(repoDir(), { [`clusters/${US}.yaml`]: clusterFile(US, '  leaving: true\n') });
  const json = JSON.parse((await cli('plan', '-o', 'json')).out) as Plan;
  const us = clusterPlans(json).find((c) => c.name === US)!;
  assert.equal(us.leaving, true);
  assert.deepEqual(
    us.actions.map((a) => [a.action, actionSubject(a), a.action === 'held' ? a.heldBy : []]),
    [
      // Deletes run in reverse apply order: the workload before its configuration.
      ['held', 'ReplicaSet/default/web', ['guard.memberLeaving']],
      ['held', 'ConfigMap/default/settings', ['guard.memberLeaving']],
    ],
  );
  assert.ok(json.problems.some((p) => p.code === 'cluster.leaving' && p.cluster === US));
  assert.ok(!json.problems.some((p) => p.code === 'cluster.removed'), 'registered again: not "removed"');

  const held = await cli('apply');
  assert.notEqual(held.code, 0, held.err + held.out);
  assert.match(held.out + held.err, /guard\.memberLeaving/);
  assert.deepEqual(managedIn(US), ['ConfigMap/settings', 'ReplicaSet/web'], 'held: still there');
  assert.equal(replicasIn(CLUSTERS[0]!)! + replicasIn(CLUSTERS[1]!)!, 9, 'the others run all 9 replicas');

  // A person approves exactly these deletes.
  await writeFiles(repoDir(), {
    'fedsync.yaml': fedsyncYaml(
      `spec:\n  policy:\n    approvals:\n      - {digest: "${json.guards!.digest}", reason: "decommission us"}\n`,
    ),
  });
  const approved = await cli('apply');
  assert.equal(approved.code, 0, approved.err + approved.out);
  assert.deepEqual(managedIn(US), [], 'its managed objects are gone');
  const sim = s.world.cluster(US)!;
  const inventories = sim.store
    .list(sim.resource('v1', 'ConfigMap'), 'fedsync-system')
    .filter((o) => (o as KubeObject).metadata.labels?.['fedsync.io/inventory'] === FED);
  assert.deepEqual(inventories, [], 'its inventory is deleted: fedsync forgot it');

  // The next run drops it from the other members' records; then its file can go without a warning.
  assert.match((await cli('plan')).out, /holds no object fedsync manages any more: it is forgotten/);
  assert.equal((await cli('apply')).code, 0);
  await rm(join(repoDir(), 'clusters', `${US}.yaml`));
  const after = JSON.parse((await cli('plan', '-o', 'json')).out) as Plan;
  assert.deepEqual(
    after.problems.filter((p) => p.cluster === US),
    [],
    'no warning once it is forgotten',
  );
  assert.deepEqual(
    clusterPlans(after).map((c) => c.record?.clusters.map((r) => r.name)),
    [CLUSTERS.slice(0, 2), CLUSTERS.slice(0, 2)],
  );
});
