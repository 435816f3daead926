// The next status snapshot from what a reconcile knows: per-cluster state, counts and times that
// stay put on a no-op (so the branch gets no commit), drift listed until it is corrected, the health
// an agent saw, load-balancer rows from their plans and results, and an invalid commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ActionResult,
  ClusterPlan,
  Drift,
  KubeObject,
  LoadBalancerPlan,
  ObservedCluster,
  Plan,
  ReconcileOutcome,
  ReconcileReport,
  TargetResult,
} from '../../src/model/index.js';
import { countOutcomes, emptyCounts } from '../../src/model/index.js';
import { formatStatusFiles } from '../../src/report/format/status-files.js';
import { snapshotAfterDrift, snapshotAfterReconcile } from '../../src/report/format/status-next.js';
import { readStatusSnapshot, recordedHealth } from '../../src/report/format/status-read.js';
import type { StatusSnapshot } from '../../src/report/format/status-snapshot.js';

const SHA = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
const T0 = '2026-05-02T10:00:00.000Z';
const T1 = '2026-05-02T10:05:00.000Z';
const T2 = '2026-05-02T10:10:00.000Z';
const ref = { group: 'apps', kind: 'ReplicaSet', namespace: 'default', name: 'nginx' };
const key = 'apps/ReplicaSet/default/nginx';
const object = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'nginx', namespace: 'default' },
} as KubeObject;

const scaledLive = {
  ...object,
  metadata: {
    ...object.metadata,
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Update',
        subresource: 'scale',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ],
  },
} as KubeObject;

type Cluster = {
  name: string;
  health?: 'Ready' | 'Offline';
  actions: ClusterPlan['actions'];
  results?: ActionResult[];
  error?: string;
  live?: KubeObject;
  inventory?: string[];
};

function resultsFor(c: Cluster): ActionResult[] {
  return (
    c.results ??
    c.actions.map((a) => ({
      key: `${a.ref.group}/${a.ref.kind}/${a.ref.namespace}/${a.ref.name}`,
      subject: `${a.ref.kind}/${a.ref.namespace}/${a.ref.name}`,
      action: a.action,
      outcome: a.action === 'unchanged' || a.action === 'skip' || a.action === 'held' ? 'noop' : 'done',
      ...(a.action === 'held' ? { reason: 'guard.namespaceDelete' } : {}),
    }))
  );
}

function report(
  clusters: Cluster[],
  options: {
    sha?: string;
    drift?: Drift[];
    before?: number;
    lbs?: { plan: LoadBalancerPlan; result: TargetResult }[];
  } = {},
): ReconcileReport {
  const sha = options.sha ?? SHA;
  const plans: ClusterPlan[] = clusters.map((c) => ({
    kind: 'cluster',
    name: c.name,
    health: c.health ?? 'Ready',
    actions: c.health === 'Offline' ? [] : c.actions,
    inventory: [key],
    selfHeal: true,
  }));
  const targets: TargetResult[] = [
    ...clusters.map((c): TargetResult => ({
      kind: 'cluster',
      name: c.name,
      ...(c.health === 'Offline' ? { skipped: 'offline' as const } : {}),
      results: c.health === 'Offline' ? [] : resultsFor(c),
      ...(c.error ? { error: { code: 'inventory.write', message: c.error } } : {}),
      bookkeepingWrites: 0,
    })),
    ...(options.lbs ?? []).map((l) => l.result),
  ];
  const plan: Plan = {
    schemaVersion: 2,
    federation: 'shop',
    revision: { sha },
    digest: 'sha256:x',
    targets: [...plans, ...(options.lbs ?? []).map((l) => l.plan)],
    problems: [],
  };
  const observed: ObservedCluster[] = clusters.map((c): ObservedCluster => ({
    name: c.name,
    health: c.health ?? 'Ready',
    objects: c.live ? { [key]: c.live } : {},
    inventory: c.inventory ?? [key],
    workloads: {},
  }));
  const outcome: ReconcileOutcome = {
    status: 'converged',
    sha,
    ref: 'main',
    federation: 'shop',
    targets,
    counts: countOutcomes(targets.flatMap((t) => t.results)),
    problems: [],
    terminal: false,
    drift: options.drift ?? [],
  };
  return {
    outcome,
    plan,
    observed,
    ...(options.before !== undefined ? { driftBeforePlan: options.before } : {}),
  };
}

/** What the next report reads back from the branch it wrote. */
function roundTrip(s: StatusSnapshot | undefined): StatusSnapshot | undefined {
  return s && readStatusSnapshot(new Map(Object.entries(formatStatusFiles(s))));
}

const next = (previous: StatusSnapshot | undefined, r: ReconcileReport, now: string, recordHealth = false) =>
  snapshotAfterReconcile({ previous: roundTrip(previous), report: r, now, recordHealth });

const create = { action: 'create' as const, ref, object, reason: 'in Git, missing in the cluster' };
const unchanged = { action: 'unchanged' as const, ref, object };
const scaleBack = {
  action: 'update' as const,
  ref,
  object,
  changes: [{ path: 'spec.replicas', from: 1, to: 4 }],
  reason: 'differs from Git',
};

test('first apply, then the same commit again: same files (no commit), times and counts kept', () => {
  const first = next(
    undefined,
    report([
      { name: 'eu', actions: [create], inventory: [] },
      { name: 'asia', health: 'Offline', actions: [] },
    ]),
    T0,
  );
  assert.ok(first);
  const eu = first.clusters.find((c) => c.name === 'eu');
  assert.deepEqual(
    {
      state: eu?.state,
      appliedSha: eu?.appliedSha,
      counts: eu?.counts,
      lastChange: eu?.lastChange,
      inventory: eu?.inventory,
    },
    {
      state: 'Synced',
      appliedSha: SHA,
      counts: { ...emptyCounts(), create: 1 },
      lastChange: T0,
      inventory: [key],
    },
  );
  const asia = first.clusters.find((c) => c.name === 'asia');
  assert.equal(asia?.state, 'Offline');
  assert.equal(asia?.appliedSha, undefined);
  assert.equal(asia?.health, undefined, 'a one-shot run records no health');

  const second = next(
    first,
    report([
      { name: 'eu', actions: [unchanged] },
      { name: 'asia', health: 'Offline', actions: [] },
    ]),
    T1,
  );
  assert.deepEqual(formatStatusFiles(second!), formatStatusFiles(first));

  // A new commit with nothing to change for eu: the applied commit moves, the counts stay.
  const third = next(
    second,
    report(
      [
        { name: 'eu', actions: [unchanged] },
        { name: 'asia', health: 'Offline', actions: [] },
      ],
      { sha: SHA2 },
    ),
    T2,
  );
  const eu3 = third?.clusters.find((c) => c.name === 'eu');
  assert.deepEqual(
    [eu3?.appliedSha, eu3?.counts, eu3?.lastChange],
    [SHA2, { ...emptyCounts(), create: 1 }, T2],
  );
  assert.equal(third?.clusters.find((c) => c.name === 'asia')?.lastChange, T0, 'Offline all along');
});

test('a kubectl scale corrected by apply is listed once as corrected, then gone', () => {
  const base = next(undefined, report([{ name: 'eu', actions: [create], inventory: [] }]), T0);
  const corrected = next(base, report([{ name: 'eu', actions: [scaleBack], live: scaledLive }]), T1);
  const eu = corrected?.clusters[0];
  assert.equal(eu?.state, 'Synced', 'corrected: live matches Git again');
  assert.deepEqual(eu?.drift, [
    {
      subject: { kind: 'ReplicaSet', name: 'nginx', namespace: 'default', group: 'apps' },
      classification: 'modified',
      fields: [{ path: 'spec.replicas', from: 1, to: 4 }],
      manager: 'kubectl',
      firstSeen: T1,
      handling: 'corrected',
    },
  ]);
  const files = formatStatusFiles(corrected!);
  assert.match(
    files['drift/eu.md'] ?? '',
    /ReplicaSet\.apps default\/nginx \| modified \| `spec.replicas` \| kubectl/,
  );
  const after = next(corrected, report([{ name: 'eu', actions: [unchanged] }]), T2);
  assert.equal(after?.clusters[0]?.drift, undefined);
  assert.equal(formatStatusFiles(after!)['drift/eu.md'], undefined);
});

test('drift only reported (self-heal off) stays listed until a reconcile corrects it', () => {
  const base = next(undefined, report([{ name: 'eu', actions: [create], inventory: [] }]), T0);
  const watch: Drift = {
    cluster: 'eu',
    ref,
    fields: [{ path: 'spec.replicas', from: 1, to: 4 }],
    detectedAt: '2026-05-02T10:01:00.000Z',
    manager: 'kubectl',
    correction: 'notRun',
  };
  const drifted = snapshotAfterDrift({
    previous: roundTrip(base),
    drift: [watch],
    now: '2026-05-02T10:01:00.000Z',
  });
  const eu = drifted?.clusters[0];
  assert.equal(eu?.state, 'Drifted');
  assert.deepEqual(
    [eu?.drift?.[0]?.handling, eu?.drift?.[0]?.reason],
    ['reported', 'self-heal is off: only reported'],
  );
  // Offline for a while: nothing applied there, the drift stays as it was.
  const offline = next(drifted, report([{ name: 'eu', health: 'Offline', actions: [] }]), T1);
  assert.equal(offline?.clusters[0]?.state, 'Offline');
  assert.deepEqual(
    offline?.clusters[0]?.drift?.map((d) => [d.handling, d.firstSeen]),
    [['reported', '2026-05-02T10:01:00.000Z']],
  );
  // The reconcile that applies Git again corrects it: listed as corrected with the first sighting.
  const fixed = next(offline, report([{ name: 'eu', actions: [scaleBack], live: scaledLive }]), T2);
  assert.deepEqual(
    fixed?.clusters[0]?.drift?.map((d) => [d.handling, d.firstSeen]),
    [['corrected', '2026-05-02T10:01:00.000Z']],
  );
  assert.equal(fixed?.clusters[0]?.state, 'Synced');
});

test('drift the watch finds after apply is news; drift it found before the plan is what the plan settles', () => {
  const base = next(undefined, report([{ name: 'eu', actions: [create], inventory: [] }]), T0);
  const reported: Drift = {
    cluster: 'eu',
    ref,
    fields: [{ path: 'spec.replicas', from: 1, to: 4 }],
    detectedAt: T1,
    correction: 'notRun',
  };
  // Found before the plan, and the plan sees the object as Git has it: no longer drifted.
  const settled = next(
    base,
    report([{ name: 'eu', actions: [unchanged] }], { drift: [reported], before: 1 }),
    T1,
  );
  assert.equal(settled?.clusters[0]?.drift, undefined);
  // Found after the apply: outstanding.
  const fresh = next(
    base,
    report([{ name: 'eu', actions: [unchanged] }], { drift: [reported], before: 0 }),
    T1,
  );
  assert.equal(fresh?.clusters[0]?.state, 'Drifted');
});

test('failed, held and not-run applies; an apply failure keeps the commit applied before', () => {
  const base = next(undefined, report([{ name: 'eu', actions: [create], inventory: [] }]), T0);
  const failedResult: ActionResult = {
    key,
    subject: 'ReplicaSet/default/nginx',
    action: 'update',
    outcome: 'failed',
    error: { code: 'kube.invalid', message: 'spec.replicas: must be >= 0' },
  };
  const failed = next(
    base,
    report([{ name: 'eu', actions: [scaleBack], results: [failedResult] }], { sha: SHA2 }),
    T1,
  );
  const eu = failed?.clusters[0];
  assert.deepEqual(
    [eu?.state, eu?.appliedSha, eu?.message],
    ['Failed', SHA, 'apply failed: ReplicaSet/default/nginx: spec.replicas: must be >= 0'],
  );
  const target = next(
    base,
    report([{ name: 'eu', actions: [unchanged], error: 'the inventory could not be written' }], {
      sha: SHA2,
    }),
    T1,
  );
  assert.deepEqual(
    [target?.clusters[0]?.state, target?.clusters[0]?.message],
    ['Failed', 'apply failed: the inventory could not be written'],
  );
  const nsRef = { group: '', kind: 'Namespace', namespace: '', name: 'shop' };
  const held = next(
    base,
    report(
      [
        {
          name: 'eu',
          actions: [
            unchanged,
            {
              action: 'held',
              ref: nsRef,
              apiVersion: 'v1',
              reason: 'removed',
              heldBy: ['guard.namespaceDelete'],
            },
          ],
        },
      ],
      { sha: SHA2 },
    ),
    T1,
  );
  assert.deepEqual(
    [held?.clusters[0]?.state, held?.clusters[0]?.message],
    ['OutOfSync', '1 delete held: needs approval (guard.namespaceDelete)'],
  );
  assert.equal(held?.clusters[0]?.appliedSha, SHA);
});

test('an invalid commit: nothing applied, every known cluster OutOfSync, the problems listed', () => {
  const base = next(undefined, report([{ name: 'eu', actions: [create], inventory: [] }]), T0);
  const outcome: ReconcileOutcome = {
    status: 'failed',
    sha: SHA2,
    targets: [],
    problems: [
      {
        code: 'yaml.parse',
        severity: 'error',
        message: 'bad indentation',
        source: { file: 'apps/web.yaml', line: 3 },
      },
    ],
    terminal: true,
    drift: [],
  };
  const s = next(base, { outcome }, T1);
  assert.deepEqual(
    [s?.clusters[0]?.state, s?.clusters[0]?.appliedSha, s?.clusters[0]?.message],
    ['OutOfSync', SHA, `not applied: ${SHA2.slice(0, 12)} has 1 problem`],
  );
  assert.deepEqual(s?.problems, [{ severity: 'error', text: 'apps/web.yaml:3: bad indentation' }]);
  assert.match(
    formatStatusFiles(s)['README.md'] ?? '',
    /## Problems of this commit\n\n- \*\*error\*\*: apps\/web\.yaml:3: bad indentation/,
  );
  // Without a commit id there is nothing to report on.
  assert.equal(next(base, { outcome: { ...outcome, sha: 'unknown' } }, T1), undefined);
});

test('the agent records the health it probed; Offline since when it was first seen', () => {
  const ready = next(undefined, report([{ name: 'eu', actions: [create], inventory: [] }]), T0, true);
  assert.deepEqual(ready?.clusters[0]?.health, { state: 'Ready', since: T0 });
  const down = next(ready, report([{ name: 'eu', health: 'Offline', actions: [] }]), T1, true);
  const still = next(down, report([{ name: 'eu', health: 'Offline', actions: [] }]), T2, true);
  assert.deepEqual(still?.clusters[0]?.health, { state: 'Offline', since: T1 });
  const files = new Map(Object.entries(formatStatusFiles(still)));
  assert.deepEqual((JSON.parse(files.get('clusters/eu.json') ?? '{}') as { health?: unknown }).health, {
    seenBy: 'agent',
    since: T1,
    state: 'Offline',
  });
  assert.deepEqual([...recordedHealth(files)], [['eu', { state: 'Offline', since: T1 }]]);
  // A one-shot run afterwards keeps what the agent saw.
  const cli = next(still, report([{ name: 'eu', actions: [unchanged] }]), T2, false);
  assert.deepEqual(cli?.clusters[0]?.health, { state: 'Offline', since: T1 });
});

test('load balancers: one row per federated Ingress, state from its TargetResult, IP and health from its view', () => {
  // Only what the mapping reads of an Ingress design: its key and whether it is held.
  const ingress = { key: 'default/myingress', held: false } as LoadBalancerPlan['ingresses'][number];
  const lbPlan: LoadBalancerPlan = {
    kind: 'loadBalancer',
    name: 'fedsync-demo',
    uid: '0123',
    actions: [],
    ingresses: [ingress],
    orphans: [],
  };
  const results: ActionResult[] = [
    { key: 'urlMaps/k8s-um-default-myingress--0123', action: 'create', outcome: 'done' },
    { key: 'healthChecks/k8s-be-30080--0123', action: 'unchanged', outcome: 'noop' },
    { key: 'targetHttpProxies/k8s-tp-old--0123', action: 'delete', outcome: 'done' },
  ].map((r) => ({ ...r, subject: r.key }) as ActionResult);
  const view = {
    ingress: 'default/myingress',
    ip: '203.0.113.7',
    resources: [
      { kind: 'healthCheck', name: 'k8s-be-30080--0123' },
      { kind: 'urlMap', name: 'k8s-um-default-myingress--0123' },
      { kind: 'instanceGroup', name: 'k8s-ig--0123', zone: 'europe-west1-b' },
    ],
    backends: [
      {
        cluster: 'eu',
        zone: 'europe-west1-b',
        backendService: 'k8s-be-30080--0123',
        group: 'k8s-ig--0123',
        health: 'HEALTHY',
        drained: false,
      },
    ],
  } as NonNullable<TargetResult['loadBalancers']>[number];
  const ok: TargetResult = {
    kind: 'loadBalancer',
    name: 'fedsync-demo',
    results,
    bookkeepingWrites: 0,
    loadBalancers: [view],
  };
  const r = report([{ name: 'eu', actions: [create], inventory: [] }], {
    lbs: [{ plan: lbPlan, result: ok }],
  });
  const s = snapshotAfterReconcile({ previous: undefined, report: r, now: T0, recordHealth: false });
  assert.deepEqual(s?.loadBalancers, [
    {
      namespace: 'default',
      name: 'myingress',
      state: 'Synced',
      appliedSha: SHA,
      counts: { ...emptyCounts(), create: 1, delete: 1, unchanged: 1 },
      ip: '203.0.113.7',
      backends: [{ cluster: 'eu', health: 'Healthy' }],
      resources: [
        { kind: 'healthCheck', name: 'k8s-be-30080--0123' },
        { kind: 'urlMap', name: 'k8s-um-default-myingress--0123' },
        { kind: 'instanceGroup', name: 'europe-west1-b/k8s-ig--0123' },
      ],
      lastChange: T0,
    },
  ]);
  const readme = formatStatusFiles(s)['README.md'] ?? '';
  assert.match(
    readme,
    /\| load balancer `default\/myingress` \| ✅ Synced \| `111111111111` \| 0 \| `203\.0\.113\.7` \|/,
  );
  // The IP stays known on a later reconcile that does not say it; a failure keeps the applied commit.
  const { loadBalancers: _dropped, ...withoutView } = ok;
  const failed: TargetResult = {
    ...withoutView,
    results: [],
    error: { code: 'gcp.quota', message: 'quota BACKEND_SERVICES exceeded' },
  };
  const later = next(
    s,
    report([{ name: 'eu', actions: [unchanged] }], { sha: SHA2, lbs: [{ plan: lbPlan, result: failed }] }),
    T1,
  );
  assert.deepEqual(
    [
      later?.loadBalancers[0]?.state,
      later?.loadBalancers[0]?.ip,
      later?.loadBalancers[0]?.appliedSha,
      later?.loadBalancers[0]?.message,
    ],
    ['Failed', '203.0.113.7', SHA, 'apply failed: quota BACKEND_SERVICES exceeded'],
  );
});

test('a branch read back renders the same files (what carries a snapshot from one run to the next)', async () => {
  const { readFile } = await import('node:fs/promises');
  for (const name of ['fleet', 'fresh']) {
    const input = JSON.parse(await readFile(`fixtures/status/${name}/input.json`, 'utf8')) as {
      snapshot: StatusSnapshot;
      previousHistory?: string;
    };
    const files = formatStatusFiles(input.snapshot);
    const back = readStatusSnapshot(new Map(Object.entries(files)));
    assert.ok(back, name);
    const history = files['history.jsonl'];
    assert.deepEqual(formatStatusFiles(back, history ? { previousHistory: history } : {}), files, name);
  }
});
