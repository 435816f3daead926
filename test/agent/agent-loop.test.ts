// The agent loop on fake targets: one commit per run, transient failures retried with backoff,
// terminal outcomes waiting for a new commit (the drift check and the manual trigger look again),
// followers and suspended agents planning without writing, and a stop whose grace period ends with
// the rest of the run refused and recorded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, type Agent, type AgentRun } from '../../src/agent/agent.js';
import { backoffDelayMs } from '../../src/agent/backoff.js';
import { createWriteGate, gateClient, WriteRefusal, type WriteGate } from '../../src/agent/write-gate.js';
import type { Targets } from '../../src/agent/reconcile-once.js';
import { loadFederation } from '../../src/manifests/load.js';
import type { ActionResult, ClusterPlan, FederationRepo, ObservedCluster } from '../../src/model/index.js';
import type { LoadedRepo } from '../../src/source/load-repo.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { repoFiles } from '../helpers/repo-files.js';
import { waitFor } from '../helpers/wait-for.js';
import { asApplied } from '../helpers/apiserver.js';
import { toMemberObject } from '../../src/federation/member-object.js';
import { refKey, refOf } from '../../src/model/index.js';

const demoFiles = await repoFiles('fixtures/repos/demo');

function loaded(
  sha: string,
  edit?: (text: string, path: string) => string,
  extra: { path: string; text: string }[] = [],
): LoadedRepo {
  const files = [
    ...(edit ? demoFiles.map((f) => ({ ...f, text: edit(f.text, f.path) })) : demoFiles),
    ...extra,
  ];
  return { ...loadFederation(files), revision: { sha, ref: 'refs/heads/main' } };
}

type FakeCluster = {
  targets: Targets;
  applied: { sha: string; plan: ClusterPlan }[];
  /** Makes the next applies fail (transiently) with this code. */
  failWith?: string;
  /** Holds every apply until released. */
  hold?: Promise<void>;
  started: number;
  /** What observe reports per cluster besides health (live objects, workload state). */
  live?: (cluster: string) => Pick<ObservedCluster, 'objects' | 'workloads'> | undefined;
};

function fakeFleet(currentSha: () => string): FakeCluster {
  const fake: FakeCluster = {
    applied: [],
    started: 0,
    targets: {
      cluster: {
        observe: ({ repo }: { repo: FederationRepo }) =>
          Promise.resolve(
            repo.clusters.map((c): ObservedCluster => ({
              name: c.name,
              health: 'Ready',
              objects: {},
              inventory: [],
              workloads: {},
              ...fake.live?.(c.name),
            })),
          ),
        async apply(plan) {
          fake.started++;
          await fake.hold;
          fake.applied.push({ sha: currentSha(), plan });
          const results = plan.actions.map((a): ActionResult => ({
            key: `${a.ref.kind}/${a.ref.name}`,
            subject: a.ref.name,
            action: a.action,
            outcome: fake.failWith ? 'failed' : a.action === 'create' ? 'done' : 'noop',
            ...(fake.failWith ? { error: { code: fake.failWith, message: 'simulated' } } : {}),
          }));
          return { kind: 'cluster', name: plan.name, results, bookkeepingWrites: 0 };
        },
      },
    },
  };
  return fake;
}

type Harness = {
  agent: Agent;
  runs: AgentRun[];
  fake: FakeCluster;
  gate: WriteGate;
  repo: { current: LoadedRepo };
};

async function harness(options: {
  gate?: WriteGate;
  driftIntervalMs?: number;
  retry?: { initialMs: number; maxMs: number };
}): Promise<Harness> {
  const repo = { current: loaded('a'.repeat(40)) };
  const fake = fakeFleet(() => repo.current.revision?.sha ?? '');
  const gate = options.gate ?? createWriteGate({});
  const runs: AgentRun[] = [];
  const agent = await startAgent({
    read: () => Promise.resolve(repo.current),
    targets: fake.targets,
    gate,
    retry: options.retry ?? { initialMs: 20, maxMs: 80 },
    ...(options.driftIntervalMs ? { driftIntervalMs: options.driftIntervalMs } : {}),
    onRun: (r) => runs.push(r),
    onError: (e) => assert.fail(String(e)),
    random: () => 0.5,
  });
  return { agent, runs, fake, gate, repo };
}

const applied = (r: AgentRun | undefined) => {
  assert.equal(r?.mode, 'applied', `expected an applied run, got ${JSON.stringify(r?.mode)}`);
  return r.outcome;
};

describe('agent loop', () => {
  test('backoff doubles up to its maximum, half of it jitter', () => {
    const b = { initialMs: 1000, maxMs: 8000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelayMs(b, n, 0)),
      [500, 1000, 2000, 4000, 4000],
    );
    assert.equal(backoffDelayMs(b, 2, 0.999999), 2000);
  });

  test('a transient failure is retried with backoff until it passes; then the retries stop', async () => {
    const h = await harness({});
    try {
      h.fake.failWith = 'kube.unreachable';
      const first = applied((await h.agent.trigger('manual'), h.runs[0]));
      assert.equal(first.status, 'failed');
      assert.equal(first.terminal, false);
      assert.equal(h.agent.state().retry?.attempt, 1);
      await waitFor('a second retry', () => h.runs.filter((r) => r.reasons.includes('retry')).length >= 2);
      assert.equal(h.agent.state().retry?.attempt, 3, 'each failed retry counts');
      h.fake.failWith = undefined;
      await waitFor(
        'a passing retry',
        () => h.runs.at(-1)?.mode === 'applied' && applied(h.runs.at(-1)).status === 'converged',
      );
      assert.equal(h.agent.state().retry, undefined);
      const n = h.runs.length;
      await h.agent.trigger('manual');
      assert.equal(h.runs.length, n + 1, 'no retry is pending once converged');
    } finally {
      await h.agent.stop();
    }
  });

  test('a plan that asks to look again after N seconds is run again then, with no other trigger', async () => {
    const h = await harness({});
    try {
      // A pod of nginx pending for 59.5 s: the replica planner wants another look within a second.
      const nginx = h.repo.current.ok
        ? h.repo.current.value.objects.find(
            (o) => o.template.kind === 'ReplicaSet' && o.template.metadata.name === 'nginx',
          )
        : undefined;
      assert.ok(nginx, 'the demo repository has the nginx ReplicaSet');
      const key = refKey(refOf(nginx.template));
      const live = asApplied(toMemberObject(nginx.template, { federation: 'demo', source: 'x@old' }));
      h.fake.live = (cluster) =>
        cluster === 'gce-asia-east1a'
          ? {
              objects: { [key]: live },
              workloads: {
                [key]: {
                  specReplicas: 4,
                  readyReplicas: 3,
                  unschedulableSince: [new Date(Date.now() - 59_500).toISOString()],
                },
              },
            }
          : undefined;
      await h.agent.trigger('manual');
      const first = applied(h.runs[0]);
      assert.equal(first.requeueAfterSeconds, 1);
      h.fake.live = undefined;
      await waitFor('the requeued run', () => h.runs.find((r) => r.reasons.includes('requeue')));
      assert.equal(h.runs.length, 2, 'exactly one more run, the requeue');
    } finally {
      await h.agent.stop();
    }
  });

  test('a terminal outcome waits for a new commit; the drift check and the manual trigger look again', async () => {
    const h = await harness({});
    try {
      h.repo.current = loaded('b'.repeat(40), undefined, [
        { path: 'broken.yaml', text: 'apiVersion: v1\nmetadata: {name: no-kind}\n' },
      ]);
      await h.agent.trigger('schedule');
      const broken = applied(h.runs[0]);
      assert.equal(broken.status, 'failed');
      assert.equal(broken.terminal, true, 'a repository with problems cannot pass on a retry');
      assert.equal(h.agent.state().waitingFor?.sha, 'b'.repeat(40));
      assert.equal(h.agent.state().retry, undefined, 'no retry for a terminal outcome');

      await h.agent.trigger('schedule');
      await h.agent.trigger('webhook');
      assert.deepEqual(
        h.runs.slice(1).map((r) => r.mode),
        ['waiting', 'waiting'],
      );
      await h.agent.trigger('drift');
      assert.equal(h.runs.at(-1)?.mode, 'applied');
      await h.agent.trigger('manual');
      assert.equal(h.runs.at(-1)?.mode, 'applied');

      h.repo.current = loaded('c'.repeat(40));
      await h.agent.trigger('schedule');
      assert.equal(applied(h.runs.at(-1)).status, 'converged', 'a new commit is reconciled');
      assert.equal(h.agent.state().waitingFor, undefined);
      assert.equal(
        h.fake.applied.every((a) => a.sha === 'c'.repeat(40)),
        true,
        'the broken commit was never applied',
      );
    } finally {
      await h.agent.stop();
    }
  });

  test('the drift check runs on its own interval even when nothing else triggers', async () => {
    const h = await harness({ driftIntervalMs: 30 });
    try {
      await waitFor('two drift checks', () => h.runs.filter((r) => r.reasons.includes('drift')).length >= 2);
    } finally {
      await h.agent.stop();
    }
  });

  test('a follower and a suspended agent plan but write nothing; resume reconciles at once', async () => {
    let leading = false;
    const gate = createWriteGate({ isLeader: () => leading });
    const h = await harness({ gate });
    try {
      await h.agent.trigger('schedule');
      const follower = h.runs[0];
      assert.equal(follower?.mode, 'planned');
      if (follower?.mode === 'planned') {
        assert.equal(follower.why.code, WriteRefusal.notLeader);
        assert.ok((follower.plan?.counts.create ?? 0) > 0, 'the follower knows what it would create');
      }
      assert.equal(h.fake.started, 0);

      leading = true;
      h.agent.suspend('incident 42');
      await h.agent.trigger('schedule');
      const suspended = h.runs[1];
      assert.equal(suspended?.mode === 'planned' && suspended.why.code, WriteRefusal.suspended);
      assert.match(suspended?.mode === 'planned' ? suspended.why.message : '', /operator \(incident 42\)/);
      assert.deepEqual(
        h.agent.state().suspensions.map((s) => [s.by, s.reason]),
        [['operator', 'incident 42']],
      );
      assert.equal(h.fake.started, 0);

      await h.agent.resume();
      assert.equal(h.runs.at(-1)?.reasons.includes('resume'), true);
      assert.equal(applied(h.runs.at(-1)).status, 'converged');

      // fedsync.yaml's own switch: every replica sees it with the commit.
      h.repo.current = loaded('d'.repeat(40), (t, p) =>
        p === 'fedsync.yaml' ? t.replace('spec:\n', 'spec:\n  suspend: true\n') : t,
      );
      await h.agent.trigger('schedule');
      const bySpec = h.runs.at(-1);
      assert.equal(bySpec?.mode === 'planned' && bySpec.why.code, WriteRefusal.suspended);
      assert.match(bySpec?.mode === 'planned' ? bySpec.why.message : '', /repository \(spec\.suspend/);
      h.repo.current = loaded('e'.repeat(40));
      await h.agent.trigger('schedule');
      assert.equal(applied(h.runs.at(-1)).sha, 'e'.repeat(40));
    } finally {
      await h.agent.stop();
    }
  });

  test('a push during a run is the next run, never mixed into the one in progress', async () => {
    const h = await harness({});
    let release!: () => void;
    h.fake.hold = new Promise((r) => (release = r));
    try {
      const first = h.agent.trigger('start');
      await waitFor('the first apply to start', () => h.fake.started > 0);
      h.repo.current = loaded('f'.repeat(40), (t, p) =>
        p === 'myreplicaset.yaml' ? t.replace('replicas: 9', 'replicas: 6') : t,
      );
      const second = h.agent.trigger('webhook');
      release();
      await first;
      await second;
      assert.deepEqual(
        h.runs.map((r) => [r.sha.slice(0, 1), r.reasons]),
        [
          ['a', ['start']],
          ['f', ['webhook']],
        ],
      );
    } finally {
      await h.agent.stop();
    }
  });

  test('stop lets the run finish within the grace period, then refuses the rest and records it', async () => {
    const gate = createWriteGate({});
    const writes: string[] = [];
    const client = gateClient(
      {
        name: 'c',
        resource: () => Promise.resolve(undefined),
        apply: (o) => (writes.push(o.metadata.name), Promise.resolve(o)),
        remove: () => Promise.resolve('deleted'),
        get: () => Promise.resolve(undefined),
        patch: (_ref, _patch) => Promise.resolve({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } }),
        create: (o) => (writes.push(o.metadata.name), Promise.resolve(o)),
        jsonPatch: () => Promise.resolve({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } }),
        list: () => Promise.resolve({ items: [], resourceVersion: '1' }),
        watch: () => Promise.resolve({ stop() {} }),
        probe: () => Promise.resolve(),
      } satisfies ClusterClient,
      gate,
    );
    const h = await harness({ gate });
    let release!: () => void;
    h.fake.hold = new Promise((r) => (release = r));
    const first = h.agent.trigger('start');
    await waitFor('the apply to start', () => h.fake.started > 0);
    const stopping = h.agent.stop({ graceMs: 20 });
    await waitFor('the grace period to pass', () => !gate.check().ok);
    await assert.rejects(
      client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } }),
      (err: { code?: string }) => err.code === WriteRefusal.stopping,
    );
    assert.deepEqual(writes, [], 'nothing was written after the grace period');
    const refusedTrigger = await h.agent.trigger('manual');
    assert.equal(refusedTrigger.ok, false, 'a stopping agent starts no run');
    release();
    await first;
    await stopping;
    assert.equal(h.runs.length, 1, 'the run in flight was recorded');
  });
});
