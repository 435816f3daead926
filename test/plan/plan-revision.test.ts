import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRevision } from '../../src/plan/plan-revision.js';
import { GuardCode, guardDigest } from '../../src/plan/guards.js';
import { MASKED } from '../../src/plan/mask.js';
import type {
  Approval,
  FederatedObject,
  KubeAction,
  KubeObject,
  ObservedCluster,
  Plan,
} from '../../src/model/index.js';
import {
  ANNOTATION_PRUNE,
  ANNOTATION_RECONCILE,
  LABEL_FEDERATION,
  clusterPlans,
  LABEL_MANAGED_BY,
  refKey,
  refOf,
} from '../../src/model/index.js';
import { toMemberObject } from '../../src/federation/member-object.js';
import { asApplied } from '../helpers/apiserver.js';
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

const NOW = '2026-01-01T00:00:00Z';

function owned(obj: KubeObject, federation = 'demo'): KubeObject {
  return asApplied(toMemberObject(obj, { federation, source: `apps/${obj.metadata.name}.yaml@old` }));
}

function plan(options: {
  objects: FederatedObject[];
  clusters: ObservedCluster[];
  registered?: string[];
  approvals?: Approval[];
  prune?: boolean;
  now?: string;
}): Plan {
  return planRevision({
    revision: { sha: 'abc123' },
    repo: repo({
      clusters: (options.registered ?? options.clusters.map((c) => c.name)).map((n) => registration(n)),
      objects: options.objects,
      approvals: options.approvals ?? [],
      prune: options.prune ?? true,
    }),
    clusters: options.clusters,
    now: options.now ?? NOW,
  });
}

/** `create ConfigMap/x`, held deletes as `delete Namespace/old [guard…]`. */
function summary(actions: KubeAction[]): string[] {
  return actions.map((a) => {
    const base = `${a.action === 'held' ? 'delete' : a.action} ${a.ref.kind}/${a.ref.name}`;
    return a.action === 'held' ? `${base} [${a.heldBy.join(',')}]` : base;
  });
}

/** Deletes, run or held. */
const removes = (a: KubeAction): boolean => a.action === 'delete' || a.action === 'held';

const key = (o: KubeObject) => refKey(refOf(o));

/** Objects kept in Git and live, so a guard test's deletes stay under half of what is managed. */
const keptLive = (n: number): KubeObject[] =>
  Array.from({ length: n }, (_, i) => owned(configMap('shop', `kept${i}`)));
const keptInGit = (n: number): FederatedObject[] =>
  Array.from({ length: n }, (_, i) => fedObject(configMap('shop', `kept${i}`)));

test('actions: create, unchanged, adopt (no fedsync labels), delete (in inventory and labelled)', () => {
  const foreign = asApplied(configMap('shop', 'adopt-me'));
  const gone = owned(configMap('shop', 'gone'));
  const p = plan({
    objects: [
      fedObject(configMap('shop', 'new')),
      fedObject(configMap('shop', 'same')),
      fedObject(configMap('shop', 'adopt-me')),
    ],
    clusters: [
      observed('a', {
        objects: [owned(configMap('shop', 'same')), foreign, gone],
        inventory: [key(gone), key(configMap('shop', 'same'))],
      }),
    ],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), [
    'adopt ConfigMap/adopt-me',
    'create ConfigMap/new',
    'unchanged ConfigMap/same',
    'delete ConfigMap/gone',
  ]);
  const adopt = clusterPlans(p)[0]!.actions[0]!;
  assert.ok(adopt.action === 'adopt');
  const labels = adopt.changes.find((c) => c.path === 'metadata.labels');
  assert.equal((labels?.to as Record<string, string>)[LABEL_MANAGED_BY], 'fedsync');
  assert.deepEqual(
    clusterPlans(p)[0]!.inventory,
    [
      key(configMap('shop', 'adopt-me')),
      key(configMap('shop', 'new')),
      key(configMap('shop', 'same')),
    ].sort(),
  );
});

test('deletes only what carries fedsync labels AND is in the inventory', () => {
  const notInInventory = owned(configMap('shop', 'orphan'));
  const unlabelled = asApplied(configMap('shop', 'taken-over'));
  const p = plan({
    objects: [],
    clusters: [
      observed('a', {
        objects: [notInInventory, unlabelled, owned(configMap('shop', 'keep'))],
        inventory: [key(unlabelled)],
      }),
    ],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), ['skip ConfigMap/taken-over']);
  assert.deepEqual(clusterPlans(p)[0]!.inventory, []);
});

test('an object of another federation is left alone and reported', () => {
  const other = owned(configMap('shop', 'x'), 'other-fed');
  const p = plan({
    objects: [fedObject(configMap('shop', 'x'))],
    clusters: [observed('a', { objects: [other], inventory: [] })],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), ['skip ConfigMap/x']);
  assert.ok(p.problems.some((q) => q.code === 'object.ownedByOtherFederation'));
});

test('prune: disabled (live or in Git) is never deleted; reconcile: disabled is left alone; policy prune off', () => {
  const pinned = owned(configMap('shop', 'pinned'));
  pinned.metadata.annotations = { ...pinned.metadata.annotations, [ANNOTATION_PRUNE]: 'disabled' };
  const frozen = owned(configMap('shop', 'frozen'));
  frozen.metadata.annotations = { ...frozen.metadata.annotations, [ANNOTATION_RECONCILE]: 'disabled' };
  const frozenTemplate = configMap('shop', 'frozen', { key: 'changed' });
  const elsewhere = configMap('shop', 'elsewhere');
  elsewhere.metadata.annotations = { [ANNOTATION_PRUNE]: 'disabled' };
  const p = plan({
    objects: [fedObject(frozenTemplate), fedObject(elsewhere, { placement: { clusters: ['b'] } })],
    clusters: [
      observed('a', { objects: [pinned, frozen, owned(elsewhere)] }),
      observed('b', { inventory: [] }),
    ],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), [
    'skip ConfigMap/elsewhere',
    'skip ConfigMap/frozen',
    'skip ConfigMap/pinned',
  ]);
  assert.deepEqual(clusterPlans(p)[0]!.inventory.length, 3);

  const off = plan({
    objects: [],
    clusters: [observed('a', { objects: [owned(configMap('shop', 'x'))] })],
    prune: false,
  });
  assert.deepEqual(summary(clusterPlans(off)[0]!.actions), ['skip ConfigMap/x']);
  assert.match((clusterPlans(off)[0]!.actions[0] as { reason: string }).reason, /pruning is off/);
});

test('prune: disabled in Git alone protects the live copy; reconcile: disabled on a live object removed from Git keeps it', () => {
  // Live copies without the annotation: only the Git side (or only the live side) says "disabled".
  const moved = configMap('shop', 'moved');
  moved.metadata.annotations = { [ANNOTATION_PRUNE]: 'disabled' };
  const liveMoved = owned(configMap('shop', 'moved'));
  assert.equal(liveMoved.metadata.annotations?.[ANNOTATION_PRUNE], undefined);
  const frozenGone = owned(configMap('shop', 'frozen-gone'));
  frozenGone.metadata.annotations = {
    ...frozenGone.metadata.annotations,
    [ANNOTATION_RECONCILE]: 'disabled',
  };
  const p = plan({
    objects: [fedObject(moved, { placement: { clusters: ['b'] } })],
    clusters: [observed('a', { objects: [liveMoved, frozenGone] }), observed('b', { inventory: [] })],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), [
    'skip ConfigMap/frozen-gone',
    'skip ConfigMap/moved',
  ]);
  const reasons = clusterPlans(p)[0]!.actions.map((a) => (a as { reason: string }).reason);
  assert.match(reasons[0]!, new RegExp(`${ANNOTATION_RECONCILE}: disabled`));
  assert.match(reasons[1]!, new RegExp(`${ANNOTATION_PRUNE}: disabled`));
  assert.equal(clusterPlans(p)[0]!.inventory.length, 2, 'both stay in the inventory');
});

test('an unreadable inventory means no deletes and a problem', () => {
  const p = plan({
    objects: [],
    clusters: [observed('a', { objects: [owned(configMap('shop', 'x'))], inventory: null })],
  });
  assert.deepEqual(clusterPlans(p)[0]!.actions, []);
  assert.ok(p.problems.some((q) => q.code === 'inventory.unavailable' && q.cluster === 'a'));
});

test('an Offline cluster receives nothing new and loses nothing; its inventory is kept', () => {
  const stale = owned(configMap('shop', 'gone'));
  const p = plan({
    objects: [fedObject(configMap('shop', 'new'))],
    clusters: [
      observed('a', { inventory: [] }),
      observed('b', { health: 'Offline', objects: [stale], inventory: [key(stale)] }),
    ],
  });
  const b = clusterPlans(p).find((c) => c.name === 'b')!;
  assert.equal(b.health, 'Offline');
  assert.deepEqual(b.actions, []);
  assert.deepEqual(b.inventory, [key(stale)]);
  assert.ok(p.problems.some((q) => q.code === 'cluster.offline' && q.cluster === 'b'));
  assert.deepEqual(summary(clusterPlans(p).find((c) => c.name === 'a')!.actions), ['create ConfigMap/new']);
});

test('a registered cluster without observed state is treated as Offline', () => {
  const p = plan({
    objects: [fedObject(configMap('shop', 'x'))],
    clusters: [observed('a', { inventory: [] })],
    registered: ['a', 'z'],
  });
  assert.equal(clusterPlans(p).find((c) => c.name === 'z')!.health, 'Offline');
  assert.ok(p.problems.some((q) => q.code === 'cluster.notObserved'));
});

test('order: Namespaces, config, Services, workloads, Ingresses, the rest; deletes in reverse', () => {
  const crd: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'shop' },
  };
  const olds = [
    owned(namespace('old')),
    owned(configMap('old', 'c')),
    owned(service('old', 's')),
    owned(deployment('old', 'd')),
    owned(ingress('old', 'i', 's')),
  ];
  const p = plan({
    objects: [
      crd,
      ingress('shop', 'front', 'web'),
      deployment('shop', 'web'),
      service('shop', 'web'),
      secret('shop', 'db', { a: 'b' }),
      configMap('shop', 'cfg'),
      namespace('shop'),
    ].map((o) => fedObject(o)),
    clusters: [observed('a', { objects: olds })],
    approvals: [],
  });
  assert.deepEqual(
    summary(clusterPlans(p)[0]!.actions).map((s) => s.replace(/ \[.*\]$/, '')),
    [
      'create Namespace/shop',
      'create ConfigMap/cfg',
      'create Secret/db',
      'create Service/web',
      'create Deployment/web',
      'create Ingress/front',
      'create Widget/w',
      'delete Ingress/i',
      'delete Deployment/d',
      'delete Service/s',
      'delete ConfigMap/c',
      'delete Namespace/old',
    ],
  );
});

test('guard: any Namespace deletion is held until approved by digest', () => {
  const ns = owned(namespace('old'));
  const cfg = owned(configMap('old', 'c'));
  const clusters = [observed('a', { objects: [ns, cfg, owned(configMap('shop', 'keep')), ...keptLive(2)] })];
  const objects = [fedObject(configMap('shop', 'keep')), ...keptInGit(2)];
  const held = plan({ objects, clusters });
  assert.deepEqual(summary(clusterPlans(held)[0]!.actions), [
    'unchanged ConfigMap/keep',
    'unchanged ConfigMap/kept0',
    'unchanged ConfigMap/kept1',
    'delete ConfigMap/c',
    `delete Namespace/old [${GuardCode.namespaceDelete}]`,
  ]);
  assert.ok(held.guards);
  assert.deepEqual(held.guards.guards, [GuardCode.namespaceDelete]);
  assert.deepEqual(held.guards.released, []);
  const problem = held.problems.find((q) => q.code === GuardCode.namespaceDelete)!;
  assert.equal(problem.severity, 'error');
  assert.ok(problem.message.includes(held.guards.digest), 'the problem says which digest to approve');
  assert.ok(clusterPlans(held)[0]!.inventory.includes(key(ns)), 'a held delete stays in the inventory');
  assert.equal(
    held.guards.digest,
    guardDigest([
      { target: 'a', key: key(ns), subject: 'Namespace/old', guards: [GuardCode.namespaceDelete] },
    ]),
  );

  const approved = plan({
    objects,
    clusters,
    approvals: [{ digest: held.guards.digest, reason: 'retire old' }],
  });
  assert.deepEqual(summary(clusterPlans(approved)[0]!.actions), [
    'unchanged ConfigMap/keep',
    'unchanged ConfigMap/kept0',
    'unchanged ConfigMap/kept1',
    'delete ConfigMap/c',
    'delete Namespace/old',
  ]);
  assert.deepEqual(approved.guards?.released, [GuardCode.namespaceDelete]);
  assert.equal(approved.guards?.digest, held.guards.digest, 'the approval does not change what it approves');
  assert.ok(
    approved.problems.some(
      (q) =>
        q.code === GuardCode.namespaceDelete && q.severity === 'warning' && q.message.includes('retire old'),
    ),
  );
  assert.ok(!clusterPlans(approved)[0]!.inventory.includes(key(ns)));
});

test('guard: an approval for a different set of deletes releases nothing', () => {
  const clusters = [
    observed('a', { objects: [owned(namespace('old')), owned(namespace('older')), ...keptLive(2)] }),
  ];
  const onlyOne = guardDigest([
    {
      target: 'a',
      key: key(namespace('old')),
      subject: 'Namespace/old',
      guards: [GuardCode.namespaceDelete],
    },
  ]);
  const p = plan({
    objects: [fedObject(configMap('shop', 'x')), ...keptInGit(2)],
    clusters,
    approvals: [{ digest: onlyOne, reason: 'only old' }],
  });
  assert.ok(
    clusterPlans(p)[0]!
      .actions.filter(removes)
      .every((a) => a.action === 'held' && a.heldBy.length === 1),
    'both Namespace deletes held by one guard',
  );
  assert.match(p.problems.find((q) => q.code === GuardCode.namespaceDelete)!.message, /no longer matches/);
});

test('guard: an approval limited to some guards releases only those', () => {
  const many = Array.from({ length: 12 }, (_, i) => owned(configMap('shop', `c${i}`)));
  const clusters = [observed('a', { objects: [...many, owned(namespace('old'))] })];
  const objects = [fedObject(configMap('shop', 'x'))];
  const held = plan({ objects, clusters });
  assert.deepEqual(held.guards?.guards, [GuardCode.massPrune, GuardCode.namespaceDelete]);
  const partly = plan({
    objects,
    clusters,
    approvals: [{ digest: held.guards.digest, guards: [GuardCode.massPrune], reason: 'cleanup' }],
  });
  const deletes = clusterPlans(partly)[0]!.actions.filter(removes);
  assert.equal(deletes.filter((a) => a.action === 'delete').length, 12);
  assert.deepEqual(summary(deletes.filter((a) => a.action === 'held')), [
    `delete Namespace/old [${GuardCode.namespaceDelete}]`,
  ]);
});

test('guard: mass prune over max(10, 10%) of a cluster holds every delete there', () => {
  const eleven = Array.from({ length: 11 }, (_, i) => owned(configMap('shop', `c${i}`)));
  const ten = eleven.slice(0, 10);
  // 11 kept objects: 11 deletes of 22 is not more than half, so only the max(10, 10 %) rule decides.
  const keep = [fedObject(configMap('shop', 'x')), ...keptInGit(11)];
  const over = plan({ objects: keep, clusters: [observed('a', { objects: [...eleven, ...keptLive(11)] })] });
  assert.ok(
    clusterPlans(over)[0]!
      .actions.filter(removes)
      .every((a) => a.action === 'held' && a.heldBy.includes(GuardCode.massPrune)),
    'every delete held by massPrune',
  );
  const at = plan({ objects: keep, clusters: [observed('a', { objects: [...ten, ...keptLive(11)] })] });
  assert.ok(
    clusterPlans(at)[0]!
      .actions.filter(removes)
      .every((a) => a.action === 'delete'),
    '10 deletes run',
  );
  assert.equal(at.guards, undefined);
});

test('guard: mass prune uses 10 % of the managed objects once that is more than 10', () => {
  // 180 kept + n deleted managed objects: the limit is floor((180 + n) / 10) deletes.
  const kept = Array.from({ length: 180 }, (_, i) => configMap('shop', `keep${i}`));
  const gone = (n: number) => Array.from({ length: n }, (_, i) => owned(configMap('shop', `gone${i}`)));
  const run = (deleted: number) =>
    plan({
      objects: kept.map((o) => fedObject(o)),
      clusters: [observed('a', { objects: [...kept.map((o) => owned(o)), ...gone(deleted)] })],
    });
  const held = (p: Plan) =>
    clusterPlans(p)[0]!.actions.filter((a) => a.action === 'held' && a.heldBy.includes(GuardCode.massPrune))
      .length;
  assert.equal(held(run(20)), 0, '20 deletes of 200 managed objects is at the limit');
  assert.equal(held(run(21)), 21, '21 deletes of 201 managed objects is over the limit of 20');
});

test('guard: an empty render for a cluster that still holds managed objects holds the deletes', () => {
  const p = plan({ objects: [], clusters: [observed('a', { objects: [owned(configMap('shop', 'c'))] })] });
  const del = clusterPlans(p)[0]!.actions[0]!;
  assert.ok(del.action === 'held', 'held');
  // Deleting everything is also more than half of what fedsync manages there.
  assert.deepEqual(del.heldBy, [GuardCode.emptyRender, GuardCode.massPrune]);
});

test('guard: deleting an Ingress that is desired nowhere deletes its load-balancer frontend', () => {
  const ing = owned(ingress('shop', 'front', 'web'));
  const p = plan({
    objects: [fedObject(configMap('shop', 'x')), ...keptInGit(2)],
    clusters: [observed('a', { objects: [ing, ...keptLive(2)] })],
  });
  const del = clusterPlans(p)[0]!.actions.find(removes)!;
  assert.ok(del.action === 'held', 'held');
  assert.deepEqual(del.heldBy, [GuardCode.lbFrontendDelete]);
  // Moving it off one cluster while it stays elsewhere is not a frontend deletion.
  const moved = plan({
    objects: [
      fedObject(ingress('shop', 'front', 'web'), { placement: { clusters: ['b'] } }),
      fedObject(configMap('shop', 'x')),
      ...keptInGit(2),
    ],
    clusters: [observed('a', { objects: [ing, ...keptLive(2)] }), observed('b', { inventory: [] })],
  });
  const d2 = clusterPlans(moved)[0]!.actions.find(removes)!;
  assert.equal(d2.action, 'delete', 'not held');
});

test('approvals that match nothing held (by digest or by commit) are reported as removable', () => {
  const p = plan({
    objects: [fedObject(configMap('shop', 'x'))],
    clusters: [observed('a', { inventory: [] })],
    approvals: [
      { commit: 'abcdef1', reason: 'x' },
      { digest: `sha256:${'0'.repeat(64)}`, reason: 'y' },
    ],
  });
  assert.deepEqual(
    p.problems.map((q) => q.code),
    ['approval.unused', 'approval.unused'],
  );
});

test('Secret values are masked in field changes', () => {
  const live = owned(secret('shop', 'db', { password: 'hunter2' }));
  live.metadata.annotations = {
    ...live.metadata.annotations,
    'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"hunter2"}}',
  };
  live.metadata.labels = {};
  const p = plan({
    objects: [fedObject(secret('shop', 'db', { password: 's3cret' }))],
    clusters: [observed('a', { objects: [live] })],
  });
  const action = clusterPlans(p)[0]!.actions[0]!;
  assert.ok(action.action === 'adopt');
  const text = JSON.stringify(action.changes);
  assert.ok(
    !text.includes('hunter2') &&
      !text.includes('s3cret') &&
      !text.includes(Buffer.from('s3cret').toString('base64')),
  );
  assert.ok(!text.includes(Buffer.from('hunter2').toString('base64')));
  assert.ok(action.changes.some((c) => c.path === 'data.password' && c.from === MASKED && c.to === MASKED));
});

test('fedsync labels and the source annotation are on every desired object; federation annotations are not', () => {
  const p = plan({
    objects: [fedObject(deployment('shop', 'web'))],
    clusters: [observed('a', { inventory: [] })],
  });
  const create = clusterPlans(p)[0]!.actions[0]!;
  assert.ok(create.action === 'create');
  assert.equal(create.object.metadata.labels?.[LABEL_MANAGED_BY], 'fedsync');
  assert.equal(create.object.metadata.labels?.[LABEL_FEDERATION], 'demo');
  assert.equal(create.object.metadata.annotations?.['fedsync.io/source'], 'apps/web.yaml@abc123');
});

test('replica scheduling: spread by preference, unplaceable replicas are a problem, requeue when a pending pod crosses 60 s', () => {
  const web = deployment('shop', 'web');
  const liveA = owned(deployment('shop', 'web', 4));
  const sched = {
    totalReplicas: 6,
    rebalance: false,
    clusters: { '*': { minReplicas: 0, maxReplicas: 4, weight: 1 } },
  };
  const p = plan({
    objects: [fedObject(web, { replicaScheduling: sched })],
    clusters: [
      observed('a', {
        objects: [liveA],
        workloads: {
          [key(web)]: {
            specReplicas: 4,
            readyReplicas: 2,
            unschedulableSince: ['2025-12-31T23:58:00Z', '2025-12-31T23:59:45Z'],
          },
        },
      }),
      observed('b', { inventory: [] }),
      observed('c', { health: 'Offline' }),
    ],
  });
  const replicasOf = (cluster: string) => {
    const a = clusterPlans(p).find((c) => c.name === cluster)!.actions[0]!;
    return 'object' in a ? (a.object.spec as { replicas: number }).replicas : undefined;
  };
  // a: capacity 4 - 1 stuck (the other pending pod is 15 s young) = 3; it keeps its 2 running and
  // tops up to its share; b takes the rest; the Offline cluster c takes no part.
  assert.equal(replicasOf('a'), 3);
  assert.equal(replicasOf('b'), 3);
  assert.equal(p.requeueAfterSeconds, 45);
  const full = plan({
    objects: [fedObject(web, { replicaScheduling: { ...sched, totalReplicas: 10 } })],
    clusters: [observed('a', { inventory: [] }), observed('b', { inventory: [] })],
  });
  const problem = full.problems.find((q) => q.code === 'replicas.unplaceable');
  assert.ok(problem);
  assert.match(problem.message, /2 of 10 replicas cannot be placed/);
});

test('replica scheduling on a kind that has no replicas is a warning, and the object is still placed', () => {
  const p = plan({
    objects: [
      fedObject(configMap('shop', 'x'), {
        replicaScheduling: {
          totalReplicas: 3,
          rebalance: false,
          clusters: { '*': { minReplicas: 0, weight: 1 } },
        },
      }),
    ],
    clusters: [observed('a', { inventory: [] })],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), ['create ConfigMap/x']);
  assert.deepEqual(
    p.problems.map((q) => [q.code, q.severity]),
    [['replicas.unsupportedKind', 'warning']],
  );
});

test('a cluster without a replica preference gets no copy of the scheduled workload', () => {
  const web = deployment('shop', 'web');
  const p = plan({
    objects: [
      fedObject(web, {
        replicaScheduling: {
          totalReplicas: 4,
          rebalance: true,
          clusters: { a: { minReplicas: 0, weight: 1 } },
        },
      }),
    ],
    clusters: [observed('a', { inventory: [] }), observed('b', { inventory: [] })],
  });
  assert.deepEqual(summary(clusterPlans(p)[0]!.actions), ['create Deployment/web']);
  assert.deepEqual(clusterPlans(p)[1]!.actions, []);
});

const guardCases: {
  guard: string;
  also?: string[];
  objects: () => FederatedObject[];
  live: () => KubeObject[];
}[] = [
  // An empty render deletes everything: more than half, so massPrune holds it too.
  {
    guard: GuardCode.emptyRender,
    also: [GuardCode.massPrune],
    objects: () => [],
    live: () => [owned(configMap('shop', 'c'))],
  },
  {
    guard: GuardCode.massPrune,
    objects: () => [fedObject(configMap('shop', 'x'))],
    live: () => Array.from({ length: 11 }, (_, i) => owned(configMap('shop', `c${i}`))),
  },
  {
    guard: GuardCode.namespaceDelete,
    objects: () => [fedObject(configMap('shop', 'x')), ...keptInGit(2)],
    live: () => [owned(namespace('old')), ...keptLive(2)],
  },
  {
    guard: GuardCode.lbFrontendDelete,
    objects: () => [fedObject(configMap('shop', 'x')), ...keptInGit(2)],
    live: () => [owned(ingress('shop', 'front', 'web')), ...keptLive(2)],
  },
];

for (const row of guardCases) {
  test(`guard ${row.guard}: held without approval, released by an approval naming its digest`, () => {
    const clusters = () => [observed('a', { objects: row.live() })];
    const held = plan({ objects: row.objects(), clusters: clusters() });
    const deletes = (p: Plan) => clusterPlans(p)[0]!.actions.filter(removes);
    // Messages on every assert.ok: without one, Node re-parses the call site to describe a failure,
    // which hangs under tsx for some expressions (a failing guard then hung the suite).
    assert.ok(deletes(held).length > 0, 'there are deletes');
    assert.ok(
      deletes(held).every((a) => a.action === 'held' && a.heldBy.includes(row.guard)),
      `every delete held by ${row.guard}`,
    );
    assert.ok(
      held.problems.some((q) => q.code === row.guard && q.severity === 'error'),
      `an error problem ${row.guard}`,
    );
    const approved = plan({
      objects: row.objects(),
      clusters: clusters(),
      approvals: [
        { digest: held.guards!.digest, guards: [row.guard, ...(row.also ?? [])], reason: 'intended' },
      ],
    });
    assert.ok(
      deletes(approved).every((a) => a.action === 'delete'),
      'every delete released',
    );
    assert.deepEqual(approved.guards?.released, [row.guard, ...(row.also ?? [])].sort());
  });
}
