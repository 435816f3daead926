// Several plans in a row, each applied to the simulated live state: a cluster fails, its replicas
// move to the survivors, it comes back. Checks the planner's behaviour across ticks, not one plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { FederationRepo, ObservedCluster, Plan } from '../../src/model/index.js';
import { afterApply } from '../helpers/apiserver.js';
import { deployment, fedObject, observed, registration, repo } from '../helpers/federation.js';
import { clusterPlans } from '../../src/model/index.js';

const KEY = 'apps/Deployment/shop/web';
const NAMES = ['asia', 'europe', 'us'];

function federation(rebalance: boolean): FederationRepo {
  return repo({
    clusters: NAMES.map((n) => registration(n)),
    objects: [
      fedObject(deployment('shop', 'web'), {
        replicaScheduling: { totalReplicas: 9, rebalance, clusters: { '*': { minReplicas: 0, weight: 1 } } },
      }),
    ],
  });
}

/** Applies the plan, then lets every Ready cluster run what it was asked to run. */
function tick(r: FederationRepo, live: ObservedCluster[]): { plan: Plan; live: ObservedCluster[] } {
  const plan = planRevision({
    revision: { sha: 'abc' },
    repo: r,
    clusters: live,
    now: '2026-01-01T00:00:00Z',
  });
  const next = afterApply(plan, live).map((c) => {
    const obj = c.objects[KEY];
    if (!obj || c.health !== 'Ready') return c;
    const n = (obj.spec as { replicas: number }).replicas;
    return { ...c, workloads: { [KEY]: { specReplicas: n, readyReplicas: n, unschedulableSince: [] } } };
  });
  return { plan, live: next };
}

function replicas(live: ObservedCluster[]): Record<string, number> {
  return Object.fromEntries(
    live.map((c) => [c.name, (c.objects[KEY]?.spec as { replicas?: number } | undefined)?.replicas ?? 0]),
  );
}

function setHealth(live: ObservedCluster[], name: string, health: 'Ready' | 'Offline'): ObservedCluster[] {
  return live.map((c) => (c.name === name ? { ...c, health } : c));
}

const sumOf = (r: Record<string, number>, names: string[]) => names.reduce((s, n) => s + (r[n] ?? 0), 0);

for (const rebalance of [false, true]) {
  test(`failover and return over several ticks (rebalance ${rebalance ? 'on' : 'off'})`, () => {
    const r = federation(rebalance);
    let state = tick(
      r,
      NAMES.map((n) => observed(n, { inventory: [] })),
    );
    assert.deepEqual(replicas(state.live), { asia: 3, europe: 3, us: 3 });

    // A second tick with nothing changed writes nothing.
    state = tick(r, state.live);
    assert.ok(clusterPlans(state.plan).every((c) => c.actions.every((a) => a.action === 'unchanged')));

    // europe fails: it is left untouched (still 3 there), the survivors run all 9.
    state = tick(r, setHealth(state.live, 'europe', 'Offline'));
    assert.deepEqual(clusterPlans(state.plan).find((c) => c.name === 'europe')!.actions, []);
    const during = replicas(state.live);
    assert.equal(during.europe, 3);
    assert.equal(sumOf(during, ['asia', 'us']), 9);
    assert.ok(Math.abs(during.asia! - during.us!) <= 1, JSON.stringify(during));

    // europe returns with its 3 pods still running.
    state = tick(r, setHealth(state.live, 'europe', 'Ready'));
    const after = replicas(state.live);
    assert.equal(sumOf(after, NAMES), 9);
    if (rebalance) {
      assert.deepEqual(after, { asia: 3, europe: 3, us: 3 });
    } else {
      // Nothing running is moved: clusters keep what runs, in planner order, until 9 are placed.
      for (const n of NAMES) assert.ok(after[n]! <= Math.max(during[n]!, 3), JSON.stringify(after));
    }
    // And the tick after that is a no-op again.
    state = tick(r, state.live);
    assert.ok(clusterPlans(state.plan).every((c) => c.actions.every((a) => a.action === 'unchanged')));
  });
}
