// The incremental planner on hand-made cases: what it plans again, and when it declines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterPlans, refOf } from '../../src/model/index.js';
import type { FederatedObject, ObservedCluster, Plan } from '../../src/model/index.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { PlanInput } from '../../src/plan/plan-revision.js';
import { planIncremental, settlePlan } from '../../src/plan/incremental.js';
import { afterApply } from '../helpers/apiserver.js';
import { configMap, fedObject, observed, registration, repo } from '../helpers/federation.js';

const clusters = [registration('a'), registration('b')];
const objects = (n: number, edit?: { index: number; v: string }): FederatedObject[] =>
  Array.from({ length: n }, (_, i) =>
    fedObject(configMap('shop', `cm-${i}`, { v: edit?.index === i ? edit.v : 'base' })),
  );

/** A converged federation of `n` ConfigMaps, and the input of its next commit. */
function converged(n: number): { basis: ReturnType<typeof settlePlan>; live: ObservedCluster[] } {
  const input: PlanInput = {
    revision: { sha: 'c1' },
    repo: repo({ clusters, objects: objects(n) }),
    clusters: [observed('a', { inventory: [] }), observed('b', { inventory: [] })],
    now: '2026-01-01T00:00:00Z',
  };
  const plan = planRevision(input);
  const live = afterApply(plan, input.clusters);
  return { basis: settlePlan(input, plan), live };
}

const next = (live: ObservedCluster[], objs: FederatedObject[], changedPaths?: string[]): PlanInput => ({
  revision: { sha: 'c2', parent: 'c1', ...(changedPaths ? { changedPaths } : {}) },
  repo: repo({ clusters, objects: objs }),
  clusters: live,
  now: '2026-01-01T00:00:00Z',
});

const writes = (p: Plan): string[] =>
  clusterPlans(p).flatMap((t) =>
    t.actions.filter((a) => a.action !== 'unchanged').map((a) => `${t.name} ${a.action} ${a.ref.name}`),
  );

test('a one-object push plans that object again and nothing else', () => {
  const { basis, live } = converged(50);
  const input = next(live, objects(50, { index: 7, v: 'new' }), ['apps/cm-7.yaml']);
  const inc = planIncremental({ basis, input, dirty: [] });
  assert.ok(inc.ok, inc.ok ? '' : inc.why);
  assert.equal(inc.replanned, 1);
  assert.deepEqual(writes(inc.plan), ['a update cm-7', 'b update cm-7']);
  assert.equal(inc.plan.digest, planRevision(input).digest);
});

test('without the changed paths every object is compared, with the same result', () => {
  const { basis, live } = converged(20);
  const inc = planIncremental({ basis, input: next(live, objects(20, { index: 3, v: 'x' })), dirty: [] });
  assert.ok(inc.ok);
  assert.equal(inc.replanned, 1);
  assert.deepEqual(writes(inc.plan), ['a update cm-3', 'b update cm-3']);
});

test('an object the watch marked dirty is planned again against its live copy', () => {
  const { basis, live } = converged(10);
  const drifted = live.map((c) => {
    if (c.name !== 'b') return c;
    const objs = { ...c.objects };
    const k = Object.keys(objs).find((key) => key.endsWith('/cm-4'))!;
    objs[k] = { ...objs[k]!, data: { v: 'by-hand' } };
    return { ...c, objects: objs };
  });
  const input = next(drifted, objects(10), []);
  const clean = planIncremental({ basis, input, dirty: [] });
  assert.ok(clean.ok);
  assert.deepEqual(writes(clean.plan), [], 'not dirty: the drift is not seen (the resync finds it)');
  const dirty = planIncremental({
    basis,
    input,
    dirty: [{ cluster: 'b', ref: refOf(configMap('shop', 'cm-4')) }],
  });
  assert.ok(dirty.ok);
  assert.deepEqual(writes(dirty.plan), ['b update cm-4']);
  assert.equal(dirty.plan.digest, planRevision(input).digest);
});

test('a new object is created in apply order and enters the inventory', () => {
  const { basis, live } = converged(5);
  const objs = [...objects(5), fedObject(configMap('shop', 'cm-25'))];
  const input = next(live, objs, ['apps/cm-25.yaml']);
  const inc = planIncremental({ basis, input, dirty: [] });
  assert.ok(inc.ok);
  assert.deepEqual(inc.plan, { ...planRevision(input), targets: inc.plan.targets });
  assert.deepEqual(
    clusterPlans(inc.plan).map((t) => t.inventory),
    clusterPlans(planRevision(input)).map((t) => t.inventory),
  );
  assert.deepEqual(writes(inc.plan), ['a create cm-25', 'b create cm-25']);
});

test('what shapes the whole federation needs a full plan', () => {
  const { basis, live } = converged(5);
  const moved = objects(5).map((o, i) => (i === 2 ? { ...o, placement: { clusters: ['a'] } } : o));
  const cases: [string, PlanInput, RegExp][] = [
    ['placement', next(live, moved, ['apps/cm-2.yaml']), /placement of .*cm-2 changed/],
    ['removal', next(live, objects(4), ['apps/cm-4.yaml']), /removed from Git/],
    [
      'health',
      next(
        live.map((c) => (c.name === 'a' ? { ...c, health: 'Offline' as const, inventory: null } : c)),
        objects(5),
        [],
      ),
      /cluster a is not Ready/,
    ],
    [
      'registrations',
      { ...next(live, objects(5), []), repo: repo({ clusters: [clusters[0]!], objects: objects(5) }) },
      /cluster registrations changed|cluster list changed/,
    ],
    [
      'inventory',
      next(
        live.map((c) => (c.name === 'b' ? { ...c, inventory: c.inventory!.slice(1) } : c)),
        objects(5),
        [],
      ),
      /inventory of b/,
    ],
    [
      'policy',
      {
        ...next(live, objects(5), ['fedsync.yaml']),
        repo: repo({ clusters, objects: objects(5), prune: false }),
      },
      /fedsync.yaml changed/,
    ],
  ];
  for (const [name, input, why] of cases) {
    const inc = planIncremental({ basis, input, dirty: [] });
    assert.equal(inc.ok, false, name);
    assert.match(inc.ok ? '' : inc.why, why, name);
  }
});
