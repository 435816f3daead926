// The mass-prune guard in a small federation: a prune that removes every workload of a cluster, or
// more than half of what fedsync manages there, is held whatever the size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRevision } from '../../src/plan/plan-revision.js';
import { GuardCode, isMassPrune } from '../../src/plan/guards.js';
import type { FederatedObject, KubeObject, ObservedCluster, Plan } from '../../src/model/index.js';
import { clusterPlans } from '../../src/model/index.js';
import { toMemberObject } from '../../src/federation/member-object.js';
import { asApplied } from '../helpers/apiserver.js';
import {
  configMap,
  deployment,
  fedObject,
  observed,
  registration,
  repo,
  secret,
  service,
} from '../helpers/federation.js';

const owned = (obj: KubeObject): KubeObject =>
  asApplied(toMemberObject(obj, { federation: 'demo', source: `apps/${obj.metadata.name}.yaml@old` }));

function plan(objects: FederatedObject[], cluster: ObservedCluster): Plan {
  return planRevision({
    revision: { sha: 'abc123' },
    repo: repo({ clusters: [registration(cluster.name)], objects }),
    clusters: [cluster],
    now: '2026-01-01T00:00:00Z',
  });
}

const heldBy = (p: Plan) =>
  clusterPlans(p)[0]!.actions.flatMap((a) =>
    a.action === 'held' ? [`${a.ref.kind}/${a.ref.name} ${a.heldBy.join(',')}`] : [],
  );
const ran = (p: Plan) =>
  clusterPlans(p)[0]!.actions.flatMap((a) => (a.action === 'delete' ? [`${a.ref.kind}/${a.ref.name}`] : []));

const six = [
  deployment('shop', 'web'),
  deployment('shop', 'worker'),
  service('shop', 'web'),
  secret('shop', 'db', { password: 'x' }),
  configMap('shop', 'settings'),
  configMap('shop', 'flags'),
];

test('removing every workload and the Secret of a 6-object federation is held', () => {
  const p = plan(
    [
      fedObject(service('shop', 'web')),
      fedObject(configMap('shop', 'settings')),
      fedObject(configMap('shop', 'flags')),
    ],
    observed('a', { objects: six.map(owned) }),
  );
  assert.deepEqual(heldBy(p), [
    `Deployment/web ${GuardCode.massPrune}`,
    `Deployment/worker ${GuardCode.massPrune}`,
    `Secret/db ${GuardCode.massPrune}`,
  ]);
  assert.deepEqual(ran(p), []);
  assert.ok(p.problems.some((x) => x.code === GuardCode.massPrune && x.severity === 'error'));
});

test('removing every workload alone is held; removing one of two is not', () => {
  const all = plan(
    six.filter((o) => o.kind !== 'Deployment').map((o) => fedObject(o)),
    observed('a', { objects: six.map(owned) }),
  );
  assert.deepEqual(heldBy(all), [
    `Deployment/web ${GuardCode.massPrune}`,
    `Deployment/worker ${GuardCode.massPrune}`,
  ]);
  const one = plan(
    six.filter((o) => o.metadata.name !== 'worker').map((o) => fedObject(o)),
    observed('a', { objects: six.map(owned) }),
  );
  assert.deepEqual(heldBy(one), []);
  assert.deepEqual(ran(one), ['Deployment/worker']);
});

test('isMassPrune: more than half, every workload, or above max(10, 10 %)', () => {
  const at = (managed: number, deletes: number, workloads: [number, number] = [0, 0]) =>
    isMassPrune({ managed, deletes, workloadsManaged: workloads[0], workloadsDeleted: workloads[1] });
  assert.equal(at(6, 3), false, 'exactly half is allowed');
  assert.equal(at(6, 4), true, 'more than half is held');
  assert.equal(at(6, 1, [1, 1]), true, 'the only workload');
  assert.equal(at(6, 0, [1, 0]), false, 'nothing deleted');
  assert.equal(at(1000, 100), false, '10 % of a large inventory');
  assert.equal(at(1000, 101), true, 'above 10 %');
  assert.equal(at(40, 11), true, 'above 10 objects');
});
