// The reconciler drives every target through the target port alike: a cluster target and a
// load-balancer target are observed, planned and applied in one cycle; a target plan without an
// adapter is not run; the result says how it ended, when to look again and which problems are
// terminal for the revision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ClusterPlan,
  KubeObject,
  LoadBalancerPlan,
  ObservedCluster,
  ObservedLoadBalancer,
  Problem,
} from '../../src/model/index.js';
import { reconcileOnce } from '../../src/reconcile/reconcile.js';
import type { RepoSnapshot } from '../../src/reconcile/reconcile.js';
import type { ApplyContext, Target, TargetResult } from '../../src/reconcile/target-port.js';
import { configMap, fedObject, observed, registration, repo } from '../helpers/federation.js';

const REVISION = { sha: 'a'.repeat(40), ref: 'refs/heads/main' };

function snapshot(objects: KubeObject[], clusters = ['a']): () => Promise<RepoSnapshot> {
  return () =>
    Promise.resolve({
      ok: true,
      value: repo({
        clusters: clusters.map((c) => registration(c)),
        objects: objects.map((o) => fedObject(o)),
      }),
      revision: REVISION,
    });
}

type Calls = { observed: string[]; applied: string[] };

/** A cluster target that applies every write successfully and records what it was given. */
function fakeCluster(
  name: string,
  calls: Calls,
  state: ObservedCluster = observed(name),
): Target<'cluster'> & { desired: KubeObject[][] } {
  const desired: KubeObject[][] = [];
  return {
    kind: 'cluster',
    name,
    desired,
    observe() {
      calls.observed.push(`cluster ${name}`);
      return Promise.resolve(state);
    },
    apply(plan: ClusterPlan, context: ApplyContext<'cluster'>): Promise<TargetResult> {
      calls.applied.push(`cluster ${plan.target}`);
      desired.push(context.desired);
      return Promise.resolve({
        kind: 'cluster',
        target: plan.target,
        results: plan.actions.map((a) => ({
          key: a.key,
          subject: a.subject,
          action: a.action,
          outcome: a.action === 'unchanged' || a.action === 'skip' || a.action === 'held' ? 'noop' : 'done',
        })),
      });
    },
  };
}

function fakeLoadBalancer(calls: Calls, plans: LoadBalancerPlan[]): Target<'loadBalancer'> {
  const state: ObservedLoadBalancer = {
    resources: [{ ref: { kind: 'urlMap', name: 'fedsync-demo' }, resource: { name: 'fedsync-demo' } }],
  };
  return {
    kind: 'loadBalancer',
    name: 'loadbalancer',
    observe() {
      calls.observed.push('loadBalancer');
      return Promise.resolve(state);
    },
    apply(plan) {
      calls.applied.push(`loadBalancer ${plan.target}`);
      plans.push(plan);
      return Promise.resolve({ kind: 'loadBalancer', target: plan.target, results: [] });
    },
  };
}

test('every target is observed, planned and applied through the same port', async () => {
  const calls: Calls = { observed: [], applied: [] };
  const lbPlans: LoadBalancerPlan[] = [];
  const cluster = fakeCluster('a', calls);
  const out = await reconcileOnce({
    read: snapshot([configMap('shop', 'settings', { greeting: 'hello' })]),
    fleet: { targets: [cluster, fakeLoadBalancer(calls, lbPlans)] },
    clock: { now: () => new Date('2026-03-01T12:00:00Z') },
  });
  assert.deepEqual(calls.observed.sort(), ['cluster a', 'loadBalancer']);
  assert.deepEqual(calls.applied.sort(), ['cluster a', 'loadBalancer loadbalancer']);
  assert.deepEqual(
    out.targets.map((t) => [t.kind, t.target]),
    [
      ['cluster', 'a'],
      ['loadBalancer', 'loadbalancer'],
    ],
  );
  assert.equal(lbPlans[0]?.kind, 'loadBalancer');
  assert.equal(out.status, 'converged', JSON.stringify(out.problems));
  assert.equal(out.counts?.create, 1);
  assert.equal(out.plan?.counts.create, 1);
  assert.deepEqual(out.terminal, []);
  assert.deepEqual(out.revision, REVISION);
  // The cluster adapter is handed everything fedsync wants there, for drift to compare with.
  assert.deepEqual(
    cluster.desired[0]?.map((o) => o.metadata.name),
    ['settings'],
  );
});

test('a target plan no adapter serves is not run and the cycle does not converge', async () => {
  const calls: Calls = { observed: [], applied: [] };
  const read = snapshot([configMap('shop', 'settings')], ['a', 'b']);
  // Only `a` has an adapter; `b` was observed by nobody and is planned as Offline.
  const offline = await reconcileOnce({ read, fleet: { targets: [fakeCluster('a', calls)] } });
  const b = offline.targets.find((t) => t.target === 'b');
  assert.equal(b?.skipped, 'unavailable');
  assert.deepEqual(b?.results, [], 'an Offline plan has nothing to run');
  const notObserved = offline.problems.find((p) => p.code === 'cluster.notObserved');
  assert.equal(notObserved?.transient, true);
  assert.notEqual(offline.status, 'converged');
  assert.ok(!offline.terminal.some((p) => p.code === 'cluster.notObserved'), 'a retry may clear it');

  // `b` observed (by an adapter named otherwise), so its plan has work no adapter can do.
  const misnamed = { ...fakeCluster('b', calls), name: 'elsewhere' };
  const stranded = await reconcileOnce({ read, fleet: { targets: [fakeCluster('a', calls), misnamed] } });
  const sb = stranded.targets.find((t) => t.target === 'b');
  assert.deepEqual(
    sb?.results.map((r) => [r.action, r.outcome, r.reason]),
    [['create', 'notRun', 'no adapter for cluster b']],
  );
  assert.equal(stranded.status, 'failed');
});

test('an invalid repository: failed, nothing observed, its problems are terminal', async () => {
  const calls: Calls = { observed: [], applied: [] };
  const problem: Problem = {
    code: 'schema.unknownField',
    severity: 'error',
    message: 'spec.foo is not a field',
  };
  const out = await reconcileOnce({
    read: () => Promise.resolve({ ok: false, problems: [problem], revision: REVISION }),
    fleet: { targets: [fakeCluster('a', calls)] },
  });
  assert.equal(out.status, 'failed');
  assert.deepEqual(calls.observed, []);
  assert.deepEqual(out.terminal, [problem]);
  assert.equal(out.counts, undefined);
});

test('a target that cannot be observed fails the cycle with a transient problem', async () => {
  const broken: Target<'cluster'> = {
    kind: 'cluster',
    name: 'a',
    observe: () => Promise.reject(new Error('connection refused')),
    apply: () => Promise.reject(new Error('never called')),
  };
  const out = await reconcileOnce({ read: snapshot([configMap('shop', 'x')]), fleet: { targets: [broken] } });
  assert.equal(out.status, 'failed');
  assert.equal(out.problems[0]?.code, 'observe.failed');
  assert.deepEqual(out.terminal, [], 'a retry of the same revision may succeed');
});

test('a held delete: incomplete, and the guard problem is terminal until approved', async () => {
  const calls: Calls = { observed: [], applied: [] };
  const ns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'old',
      labels: { 'app.kubernetes.io/managed-by': 'fedsync', 'fedsync.io/federation': 'demo' },
    },
  };
  const out = await reconcileOnce({
    read: snapshot([configMap('shop', 'keep')]),
    fleet: { targets: [fakeCluster('a', calls, observed('a', { objects: [ns] }))] },
  });
  assert.equal(out.status, 'incomplete');
  assert.equal(out.counts?.held, 1);
  assert.deepEqual(
    out.terminal.map((p) => p.code),
    ['guard.namespaceDelete'],
  );
});

test('requeueAfterSeconds comes from the plan (a pending pod about to count as unschedulable)', async () => {
  const calls: Calls = { observed: [], applied: [] };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas: 2 },
  };
  const live = observed('a', {
    objects: [rs],
    workloads: {
      'apps/ReplicaSet/shop/web': {
        specReplicas: 2,
        readyReplicas: 1,
        unschedulableSince: ['2026-03-01T11:59:30Z'],
      },
    },
  });
  const out = await reconcileOnce({
    read: () =>
      Promise.resolve({
        ok: true,
        value: repo({
          clusters: [registration('a')],
          objects: [
            fedObject(rs, {
              replicaScheduling: {
                totalReplicas: 2,
                rebalance: false,
                clusters: { '*': { minReplicas: 0, weight: 1 } },
              },
            }),
          ],
        }),
        revision: REVISION,
      }),
    fleet: { targets: [fakeCluster('a', calls, live)] },
    clock: { now: () => new Date('2026-03-01T12:00:00Z') },
  });
  assert.equal(out.requeueAfterSeconds, 30);
});
