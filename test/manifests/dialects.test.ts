import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFederation } from '../../src/manifests/index.js';
import type { FederationRepo } from '../../src/model/index.js';
import { repoFiles } from '../helpers/repo-files.js';

/** The model without source locations: what must not depend on the dialect. */
function withoutSources(repo: FederationRepo): unknown {
  return JSON.parse(JSON.stringify(repo, (key, value: unknown) => (key === 'source' ? undefined : value)));
}

async function load(dir: string): Promise<FederationRepo> {
  const result = loadFederation(await repoFiles(`fixtures/repos/dialects/${dir}`));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems, null, 2));
  return result.value;
}

test('the same federation written three ways normalises to the same model', async () => {
  const v1 = await load('v1');
  const kubefed = await load('kubefed');
  const mixed = await load('mixed');
  assert.deepEqual(withoutSources(kubefed), withoutSources(v1));
  assert.deepEqual(withoutSources(mixed), withoutSources(v1));

  // And that model is the one we mean (not three equally wrong ones).
  const byName = Object.fromEntries(
    v1.objects.map((o) => [`${o.template.kind}/${o.template.metadata.name}`, o]),
  );
  assert.deepEqual(
    v1.clusters.map((c) => [c.name, c.kubeconfigContext, c.labels.region]),
    [
      ['gce-asia-east1a', 'gce-asia-east1a', 'asia-east1'],
      ['gce-europe-west1b', 'gce-europe-west1b', 'europe-west1'],
      ['gce-us-central1c', 'gce-us-central1c', 'us-central1'],
    ],
  );
  assert.deepEqual(byName['ReplicaSet/nginx']?.replicaScheduling, {
    totalReplicas: 9,
    rebalance: true,
    clusters: {
      '*': { minReplicas: 0, maxReplicas: 4, weight: 1 },
      'gce-asia-east1a': { minReplicas: 0, weight: 2 },
    },
  });
  assert.deepEqual(byName['ReplicaSet/nginx']?.placement, {});
  assert.equal(
    byName['ReplicaSet/nginx']?.template.metadata.annotations,
    undefined,
    'federation annotations removed',
  );
  assert.deepEqual(byName['Deployment/web']?.placement, { clusters: ['gce-us-central1c'] });
  assert.deepEqual(byName['Deployment/web']?.replicaScheduling, {
    totalReplicas: 2,
    rebalance: false,
    clusters: { '*': { minReplicas: 0, weight: 1 } },
  });
  assert.deepEqual(byName['ConfigMap/settings']?.placement, {
    selector: {
      matchExpressions: [{ key: 'region', operator: 'In', values: ['europe-west1', 'us-central1'] }],
    },
  });
  assert.equal(byName['ConfigMap/settings']?.template.metadata.namespace, 'default');
  assert.equal(byName['Service/nginx']?.replicaScheduling, undefined);
  assert.equal(v1.federation.name, 'fedsync');
});

test('the demo repository validates and keeps file and line of every object', async () => {
  const result = loadFederation(await repoFiles('fixtures/repos/demo'));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const repo = result.value;
  assert.equal(repo.federation.name, 'demo');
  const { tenancy, ...policy } = repo.federation.policy;
  assert.deepEqual(policy, { selfHeal: true, prune: true, approvals: [] });
  assert.deepEqual(
    tenancy?.layers.map((l) => l.origin),
    ['repository'],
  );
  assert.deepEqual(
    repo.clusters.map((c) => c.name),
    ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'],
  );
  const ingress = repo.objects.find((o) => o.template.kind === 'Ingress');
  assert.deepEqual(ingress?.source, { file: 'myingress.yaml', line: 3 });
  const rs = repo.objects.find((o) => o.template.kind === 'ReplicaSet');
  assert.equal(rs?.replicaScheduling?.totalReplicas, 9);
  assert.equal(rs?.source.file, 'myreplicaset.yaml');
});
