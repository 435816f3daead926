// Draining: which backends get capacityScaler 0, the limits on it, and the hysteresis.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  EMPTY_DRAIN_STATE,
  decideDraining,
  drainStateOf,
  planLoadBalancer,
  type BackendFact,
  type ClusterFacts,
  type DrainState,
} from '../../src/gcp/model/index.js';
import { demoInput } from './helpers/demo.js';
import { echoAll } from './helpers/echo.js';
import { desiredLoadBalancer } from '../../src/gcp/model/index.js';

const bs = 'k8s-be-30036--0000000000000000';
const fact = (cluster: string, zone = `${cluster}-z`): BackendFact => ({
  backendService: bs,
  nodePort: 30036,
  cluster,
  group: { kind: 'instanceGroup', name: `k8s-ig-${cluster}`, zone },
});
const cluster = (name: string, health: 'Ready' | 'Offline', ready?: number): ClusterFacts => ({
  name,
  health,
  instances: [],
  workloads: [],
  ...(ready !== undefined ? { readyEndpoints: { 30036: ready } } : {}),
});
const at = (s: number) => new Date(Date.UTC(2026, 5, 1, 12, 0, s)).toISOString();
const key = (c: string) => `${bs}|zones/${c}-z/instanceGroups/k8s-ig-${c}`;

function decide(
  clusters: ClusterFacts[],
  previous: DrainState = EMPTY_DRAIN_STATE,
  now = at(0),
  backends?: BackendFact[],
) {
  return decideDraining({
    backends: backends ?? clusters.map((c) => fact(c.name)),
    clusters,
    previous,
    now,
    undrainAfterSeconds: 60,
  });
}

test('who is drained', () => {
  const cases: { what: string; clusters: ClusterFacts[]; drained: string[]; warnings: number }[] = [
    {
      what: 'all healthy',
      clusters: [cluster('a', 'Ready'), cluster('b', 'Ready'), cluster('c', 'Ready')],
      drained: [],
      warnings: 0,
    },
    {
      what: 'one Offline of three',
      clusters: [cluster('a', 'Ready'), cluster('b', 'Offline'), cluster('c', 'Ready')],
      drained: ['b'],
      warnings: 0,
    },
    {
      what: 'no ready endpoints',
      clusters: [cluster('a', 'Ready', 0), cluster('b', 'Ready', 2), cluster('c', 'Ready')],
      drained: ['a'],
      warnings: 0,
    },
    {
      what: 'unknown endpoint count is not a reason',
      clusters: [cluster('a', 'Ready'), cluster('b', 'Ready')],
      drained: [],
      warnings: 0,
    },
    {
      what: 'two of three down: at most half, Offline first',
      clusters: [cluster('a', 'Ready', 0), cluster('b', 'Offline'), cluster('c', 'Ready')],
      drained: ['b'],
      warnings: 1,
    },
    { what: 'never the only one', clusters: [cluster('a', 'Offline')], drained: [], warnings: 1 },
    {
      what: 'two of four',
      clusters: [
        cluster('a', 'Offline'),
        cluster('b', 'Offline'),
        cluster('c', 'Offline'),
        cluster('d', 'Ready'),
      ],
      drained: ['a', 'b'],
      warnings: 1,
    },
  ];
  for (const c of cases) {
    const d = decide(c.clusters);
    assert.deepEqual([...d.drained].sort(), c.drained.map(key), c.what);
    assert.equal(d.problems.length, c.warnings, `${c.what}: ${JSON.stringify(d.problems)}`);
    assert.ok(d.problems.every((p) => p.code === 'gcp.drainLimit' && p.severity === 'warning'));
  }
});

test('all the groups of a cluster count, each a backend', () => {
  const backends = [fact('a', 'z1'), fact('a', 'z2'), fact('b', 'z1'), fact('c', 'z1')];
  const d = decide(
    [cluster('a', 'Offline'), cluster('b', 'Ready'), cluster('c', 'Ready')],
    EMPTY_DRAIN_STATE,
    at(0),
    backends,
  );
  assert.equal(d.drained.size, 2);
});

test('undrained only after the cluster has been healthy for the hysteresis', () => {
  const down = decide(
    [cluster('a', 'Ready'), cluster('b', 'Offline'), cluster('c', 'Ready')],
    EMPTY_DRAIN_STATE,
    at(0),
  );
  assert.deepEqual(down.state.drained[key('b')], { backendService: bs, cluster: 'b', since: at(0) });
  const healthy = [cluster('a', 'Ready'), cluster('b', 'Ready'), cluster('c', 'Ready')];
  const back = decide(healthy, down.state, at(10));
  assert.ok(back.drained.has(key('b')), 'still drained right after it came back');
  assert.equal(back.state.drained[key('b')]!.healthySince, at(10));
  assert.equal(back.requeueAfterSeconds, 60);
  const later = decide(healthy, back.state, at(50));
  assert.ok(later.drained.has(key('b')));
  assert.equal(later.requeueAfterSeconds, 20);
  // It flaps: the healthy clock starts again.
  const flap = decide(
    [cluster('a', 'Ready'), cluster('b', 'Offline'), cluster('c', 'Ready')],
    later.state,
    at(55),
  );
  assert.equal(flap.state.drained[key('b')]!.healthySince, undefined);
  assert.equal(flap.state.drained[key('b')]!.since, at(0));
  const again = decide(healthy, flap.state, at(60));
  const done = decide(healthy, again.state, at(119));
  assert.ok(again.drained.has(key('b')) && done.drained.has(key('b')), 'not yet 60 s healthy at 119');
  assert.equal(done.requeueAfterSeconds, 1);
  const undrained = decide(healthy, done.state, at(120));
  assert.deepEqual([...undrained.drained], []);
  assert.deepEqual(undrained.state, { drained: {} });
});

test('an already drained backend keeps its place when another one fails', () => {
  const first = decide([cluster('a', 'Ready'), cluster('b', 'Ready', 0), cluster('c', 'Ready')]);
  const second = decide(
    [cluster('a', 'Offline'), cluster('b', 'Ready', 0), cluster('c', 'Ready')],
    first.state,
    at(5),
  );
  assert.deepEqual([...second.drained], [key('b')], 'stable, even though Offline ranks before no endpoints');
});

test('the plan drains and undrains; the state lives on the backends, read back from Google Cloud', async () => {
  const input = await demoInput();
  const resources = desiredLoadBalancer(input).resources;
  // What a list returns after the backend service was updated with `body`.
  const observe = (body?: Record<string, unknown>) =>
    echoAll(
      resources.map((r) => (body && r.ref.kind === 'backendService' ? { ...r, body } : r)),
      input.project,
    );
  const cycle = (i: typeof input, observed: ReturnType<typeof observe>, now: string) =>
    planLoadBalancer({ input: i, observed, drain: drainStateOf(observed, input.uid), now });
  const down = await demoInput({ offline: ['gce-europe-west1b'] });
  const p1 = cycle(down, observe(), at(0));
  const [drain, ...rest] = p1.steps.filter((s) => s.action !== 'unchanged');
  assert.deepEqual(rest, []);
  assert.equal(drain!.ref.kind, 'backendService');
  const record = { cluster: 'gce-europe-west1b', since: at(0) };
  assert.deepEqual(drain!.changes, [
    { path: 'backends[1].capacityScaler', from: 1, to: 0 },
    { path: 'backends[1].description', to: JSON.stringify({ fedsync: { drain: record } }) },
  ]);
  const drained = observe(drain!.body);
  assert.deepEqual(Object.values(drainStateOf(drained, input.uid).drained), [
    { backendService: drain!.ref.name, ...record },
  ]);
  const steady = cycle(down, drained, at(1));
  assert.deepEqual(
    steady.steps.filter((s) => s.action !== 'unchanged'),
    [],
    'still Offline: nothing to do',
  );
  // Healthy again: the backend stays drained and records since when it is healthy.
  const back = cycle(input, drained, at(2));
  const [hysteresis] = back.steps.filter((s) => s.action !== 'unchanged');
  assert.deepEqual(hysteresis!.changes, [
    {
      path: 'backends[1].description',
      from: JSON.stringify({ fedsync: { drain: record } }),
      to: JSON.stringify({ fedsync: { drain: { ...record, healthySince: at(2) } } }),
    },
  ]);
  assert.equal(back.requeueAfterSeconds, 120);
  const waiting = observe(hysteresis!.body);
  const later = cycle(input, waiting, at(60));
  assert.deepEqual(
    later.steps.filter((s) => s.action !== 'unchanged'),
    [],
    'hysteresis: stays drained',
  );
  assert.equal(later.requeueAfterSeconds, 62);
  const undrain = cycle(input, waiting, at(200));
  const [up] = undrain.steps.filter((s) => s.action !== 'unchanged');
  assert.deepEqual(up!.changes, [{ path: 'backends[1].capacityScaler', from: 0, to: 1 }]);
  const backends = up!.body!.backends as Record<string, unknown>[];
  assert.ok(
    backends.every((b) => b.description === undefined),
    'the record goes with the drain',
  );
  assert.deepEqual(drainStateOf(observe(up!.body), input.uid), { drained: {} });
});
