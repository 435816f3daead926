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
