import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffObject } from '../../src/plan/diff.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { PlanInput } from '../../src/plan/plan-revision.js';
import type { FederatedObject, KubeObject, ObservedCluster, Plan } from '../../src/model/index.js';
import { ANNOTATION_SOURCE } from '../../src/model/index.js';
import { toMemberObject } from '../../src/federation/member-object.js';
import { afterApply, asApplied } from '../helpers/apiserver.js';
import {
  configMap,
  deployment,
  fedObject,
  ingress,
  namespace,
  observed,
  registration,
  repo,
  secret,
  service,
} from '../helpers/federation.js';
import { clusterPlans } from '../../src/model/index.js';

const NOW = '2026-01-01T00:00:00Z';

function objects(): FederatedObject[] {
  return [
    fedObject(namespace('shop')),
    fedObject(configMap('shop', 'settings')),
    fedObject(secret('shop', 'db', { password: 'hunter2' })),
    fedObject(service('shop', 'web')),
    fedObject(service('shop', 'headless', { type: 'ClusterIP' })),
    fedObject(deployment('shop', 'web'), {
      replicaScheduling: {
        totalReplicas: 5,
        rebalance: true,
        clusters: { '*': { minReplicas: 0, weight: 1 } },
      },
    }),
    fedObject(ingress('shop', 'front', 'web')),
  ];
}

function planOf(objs: FederatedObject[], clusters: ObservedCluster[], sha = 'aaaa'): Plan {
  const input: PlanInput = {
    revision: { sha },
    repo: repo({ clusters: [registration('a'), registration('b')], objects: objs }),
    clusters,
    now: NOW,
  };
  return planRevision(input);
}

function ops(plan: Plan): string[] {
  return clusterPlans(plan).flatMap((c) =>
    c.actions.map((a) => `${c.name} ${a.action} ${a.ref.kind}/${a.ref.name}`),
  );
}

const empty = () => [observed('a', { inventory: [] }), observed('b', { inventory: [] })];

test('round trip: objects just applied (defaults, allocations, status, managedFields added) show no difference', () => {
  const first = planOf(objects(), empty());
  assert.ok(
    ops(first).every((o) => o.includes(' create ')),
    ops(first).join('\n'),
  );
  const live = afterApply(first, empty());
  const second = planOf(objects(), live);
  assert.deepEqual(
    ops(second).filter((o) => !o.includes(' unchanged ')),
    [],
  );
  assert.equal(second.problems.filter((p) => p.severity === 'error').length, 0);
});

test('a new commit alone changes nothing: the source annotation is compared by path only', () => {
  const live = afterApply(planOf(objects(), empty(), 'aaaa'), empty());
  const next = planOf(objects(), live, 'bbbb');
  assert.ok(ops(next).every((o) => o.includes(' unchanged ')));
});

test('a real change carries the new source annotation with it', () => {
  const live = afterApply(planOf(objects(), empty(), 'aaaa'), empty());
  const changed = objects();
  changed[1] = fedObject(configMap('shop', 'settings', { key: 'other' }));
  const plan = planOf(changed, live, 'bbbb');
  const update = clusterPlans(plan)[0]!.actions.find(
    (a) => a.action === 'update' && a.ref.name === 'settings',
  );
  assert.ok(update && update.action === 'update');
  assert.deepEqual(update.changes, [
    { path: 'data.key', from: 'value', to: 'other' },
    {
      path: `metadata.annotations["${ANNOTATION_SOURCE}"]`,
      from: 'apps/settings.yaml@aaaa',
      to: 'apps/settings.yaml@bbbb',
    },
  ]);
});

test('moving an object to another file is a change (the annotation path differs)', () => {
  const live = afterApply(planOf(objects(), empty(), 'aaaa'), empty());
  const moved = objects();
  moved[1] = fedObject(configMap('shop', 'settings'), { file: 'config/settings.yaml' });
  const plan = planOf(moved, live, 'bbbb');
  const update = clusterPlans(plan)[0]!.actions.find(
    (a) => a.action === 'update' && a.ref.name === 'settings',
  );
  assert.ok(update && update.action === 'update');
  assert.deepEqual(
    update.changes.map((c) => c.path),
    [`metadata.annotations["${ANNOTATION_SOURCE}"]`],
  );
});

function member(obj: KubeObject): KubeObject {
  return toMemberObject(obj, { federation: 'demo', source: 'apps/x.yaml@aaaa' });
}

test('field-level changes name list items by merge key', () => {
  const desired = member(deployment('shop', 'web', 3, 'nginx:1.28'));
  const live = asApplied(member(deployment('shop', 'web', 3, 'nginx:1.27')));
  assert.deepEqual(diffObject(desired, live), [
    { path: 'spec.template.spec.containers[name=web].image', from: 'nginx:1.27', to: 'nginx:1.28' },
  ]);
});

test('a field another manager added is not fedsync’s business; a field fedsync owned and Git dropped is', () => {
  const applied = member(deployment('shop', 'web'));
  applied.metadata.labels = { ...applied.metadata.labels, team: 'shop' };
  const live = asApplied(applied);
  live.metadata.annotations = { ...live.metadata.annotations, 'someone.else/note': 'x' };
  (live.spec as Record<string, unknown>).paused = true; // set by another manager, not in fedsync's set
  const desired = member(deployment('shop', 'web'));
  assert.deepEqual(diffObject(desired, live), [{ path: 'metadata.labels.team', from: 'shop' }]);
});

test('without fedsync managed fields (adoption) only the desired fields are compared', () => {
  const live = asApplied(member(deployment('shop', 'web')));
  live.metadata.managedFields = [];
  live.metadata.labels = { ...live.metadata.labels, team: 'shop' };
  assert.deepEqual(diffObject(member(deployment('shop', 'web')), live), []);
});

test('quantities compare by value; empty desired values equal absent live ones', () => {
  const desired = member(deployment('shop', 'web'));
  const spec = desired.spec as Record<string, unknown>;
  spec.minReadySeconds = 0;
  (desired.metadata as Record<string, unknown>).annotations = { ...desired.metadata.annotations };
  const live = asApplied(member(deployment('shop', 'web'))); // cpu 500m, memory 1Gi
  assert.deepEqual(diffObject(desired, live), []);
});

test('a changed key inside a list of named items and an added item are reported', () => {
  const desired = member(service('shop', 'web'));
  (desired.spec as { ports: unknown[] }).ports.push({ name: 'https', port: 443, targetPort: 443 });
  const live = asApplied(member(service('shop', 'web')));
  assert.deepEqual(diffObject(desired, live), [
    { path: 'spec.ports[name=https]', to: { name: 'https', port: 443, targetPort: 443 } },
  ]);
});

test('an atomic list (no merge key) differing in length is one change', () => {
  const desired = member(configMap('shop', 'x'));
  desired.spec = { args: ['a', 'b'] };
  const live = asApplied(member(configMap('shop', 'x')));
  live.spec = { args: ['a'] };
  assert.deepEqual(diffObject(desired, live), [{ path: 'spec.args', from: ['a'], to: ['a', 'b'] }]);
});
