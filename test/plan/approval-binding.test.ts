// An approval by commit binds to what the guards held at that commit: every applied plan records,
// in each Ready member's record, the guard digest and count of its held deletes, and the approval
// releases deletes only while exactly that set is held. Deletes that appeared since (objects another
// apply created meanwhile) stay held, and the plan says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELD_RECORD_LIMIT, clusterPlans, planCounts, refKey } from '../../src/model/index.js';
import type {
  Approval,
  FederatedObject,
  FederationRecord,
  KubeObject,
  ObservedCluster,
  Plan,
  Revision,
} from '../../src/model/index.js';
import { GuardCode } from '../../src/plan/guards.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import { nextHeld, recordedHeld } from '../../src/plan/held-record.js';
import { asApplied } from '../helpers/apiserver.js';
import { configMap, fedObject, namespace, observed, registration, repo } from '../helpers/federation.js';

const FIRST = 'a11111'.padEnd(40, '1');
const HELD_AT = 'c0ffee'.padEnd(40, '2');
const OTHER = 'b22222'.padEnd(40, '3');
const ON_TOP = 'beef00'.padEnd(40, '4');

/** One cluster `a`, as an apply leaves it: live objects, inventory and the record. */
type Live = { objects: Record<string, KubeObject>; inventory: string[]; record?: FederationRecord };

const asObserved = (live: Live): ObservedCluster => ({
  ...observed('a'),
  objects: live.objects,
  inventory: [...live.inventory],
  ...(live.record ? { record: live.record } : {}),
});

function planAt(
  revision: Revision,
  objects: FederatedObject[],
  live: Live,
  approvals: Approval[] = [],
): Plan {
  return planRevision({
    revision,
    repo: repo({ clusters: [registration('a')], objects, approvals }),
    clusters: [asObserved(live)],
    now: '2026-01-01T00:00:00Z',
  });
}

/** What apply leaves behind: objects written or deleted, the planned inventory and record. */
function apply(live: Live, plan: Plan): Live {
  const t = clusterPlans(plan)[0]!;
  const objects = { ...live.objects };
  for (const a of t.actions) {
    const k = refKey(a.ref);
    if (a.action === 'create' || a.action === 'update' || a.action === 'adopt')
      objects[k] = asApplied(a.object, objects[k]);
    else if (a.action === 'delete') delete objects[k];
  }
  return { objects, inventory: [...t.inventory], ...(t.record ? { record: t.record } : {}) };
}

const keep = fedObject(configMap('shop', 'keep'));
const oldObjects = (...names: string[]): FederatedObject[] => [
  fedObject(namespace('old')),
  ...names.map((n) => fedObject(configMap('old', n))),
];
const heldCount = (p: Plan): number => planCounts(p).held;
const deleted = (p: Plan): string[] =>
  clusterPlans(p)[0]!
    .actions.filter((a) => a.action === 'delete')
    .map((a) => refKey(a.ref));

/** Everything in Namespace `old` applied at FIRST, then removed from Git at HELD_AT (held). */
function heldAtCommit(): { live: Live; held: Plan } {
  const empty: Live = { objects: {}, inventory: [] };
  const live = apply(empty, planAt({ sha: FIRST }, [keep, ...oldObjects('a', 'b')], empty));
  const held = planAt({ sha: HELD_AT, parent: FIRST, changedPaths: ['apps/old.yaml'] }, [keep], live);
  return { live: apply(live, held), held };
}

const approveHeldAt: Approval[] = [{ commit: HELD_AT, reason: 'retire old' }];
const approvalRevision: Revision = { sha: ON_TOP, parent: HELD_AT, changedPaths: ['fedsync.yaml'] };

test('an applied plan records what its guards held at its commit, in the cluster record', () => {
  const { live, held } = heldAtCommit();
  assert.equal(heldCount(held), 3, 'Namespace old and its two ConfigMaps are held');
  assert.deepEqual(live.record?.held, [{ commit: HELD_AT, digest: held.guards!.digest, count: 3 }]);
  // Planning the same commit again changes nothing in the record (a no-op reconcile writes nothing).
  const again = planAt({ sha: HELD_AT, parent: FIRST, changedPaths: ['apps/old.yaml'] }, [keep], live);
  assert.deepEqual(clusterPlans(again)[0]!.record, live.record);
});

test('approval by commit releases exactly the set held at that commit', () => {
  const { live } = heldAtCommit();
  const approved = planAt(approvalRevision, [keep], live, approveHeldAt);
  assert.equal(heldCount(approved), 0);
  assert.deepEqual(deleted(approved).sort(), ['/ConfigMap/old/a', '/ConfigMap/old/b', '/Namespace//old']);
});

test('objects another apply created after the held commit stay held under the same approval', () => {
  const { live } = heldAtCommit();
  // Another writer (a workstation with an older checkout plus two more objects) applies meanwhile.
  const other = planAt({ sha: OTHER }, [keep, ...oldObjects('a', 'b', 'c', 'd')], live);
  assert.equal(planCounts(other).create, 2);
  const grown = apply(live, other);

  const p = planAt(approvalRevision, [keep], grown, approveHeldAt);
  assert.deepEqual(deleted(p), [], 'nothing is released: neither the 3 approved nor the 2 new deletes');
  assert.equal(heldCount(p), 5);
  const then = live.record!.held![0]!;
  const warning = p.problems.find((q) => q.code === 'approval.commitHeldChanged');
  assert.ok(warning, JSON.stringify(p.problems.map((q) => q.code)));
  assert.equal(warning.severity, 'warning');
  assert.ok(
    warning.message.includes(
      `approval of commit ${HELD_AT} releases nothing here: it approved what was held at ${HELD_AT.slice(0, 12)}, 3 delete(s) (${then.digest}), but 5 are held now (${p.guards!.digest}); approve by the digest instead`,
    ),
    warning.message,
  );
  const error = p.problems.find((q) => q.code === GuardCode.namespaceDelete);
  assert.equal(error?.severity, 'error');
  assert.match(error.message, /the approval of commit c0ffee2+ does not apply: it approved what was held/);
  assert.deepEqual(p.guards?.released, []);
});

test('approval by commit with no record of that commit stays held and says to approve by digest', () => {
  const { live } = heldAtCommit();
  const { record: _record, ...unrecorded } = live;
  const p = planAt(approvalRevision, [keep], unrecorded, approveHeldAt);
  assert.equal(heldCount(p), 3);
  const warning = p.problems.find((q) => q.code === 'approval.commitHeldChanged');
  assert.ok(warning, JSON.stringify(p.problems.map((q) => q.code)));
  assert.match(
    warning.message,
    /no member's record says what the guards held at c0ffee2+ \(only an applied plan records it\); approve by the digest instead/,
  );
  // The digest the plan prints still releases them.
  const byDigest = planAt(approvalRevision, [keep], unrecorded, [{ digest: p.guards!.digest }]);
  assert.equal(heldCount(byDigest), 0);
});

test('a commit recorded with two different held sets releases nothing by commit', () => {
  const { live } = heldAtCommit();
  const entry = live.record!.held![0]!;
  const record: FederationRecord = {
    ...live.record!,
    held: [entry, { commit: HELD_AT, digest: 'sha256:other', count: 4 }],
  };
  const p = planAt(approvalRevision, [keep], { ...live, record }, approveHeldAt);
  assert.equal(heldCount(p), 3);
  assert.ok(p.problems.some((q) => q.code === 'approval.commitHeldChanged'));
});

test('the record keeps the newest held sets, bounded, and ignores entries it cannot read', () => {
  const entries = Array.from({ length: HELD_RECORD_LIMIT }, (_, i) => ({
    commit: `${i}`.padStart(40, 'f'),
    digest: `sha256:${i}`,
    count: i + 1,
  }));
  const cluster = (name: string, held: unknown): ObservedCluster => ({
    ...observed(name),
    record: { clusters: [], held } as FederationRecord,
  });
  const read = recordedHeld([
    cluster('b', [entries[1], { commit: 7, digest: 'x', count: 1 }, { commit: 'c', digest: 'd', count: -1 }]),
    cluster('a', entries),
    cluster('c', 'not a list'),
  ]);
  assert.deepEqual(read, entries, 'clusters in name order, each entry once, malformed ones dropped');
  const current = { commit: HELD_AT, digest: 'sha256:now', count: 9 };
  const next = nextHeld(read, current);
  assert.equal(next.length, HELD_RECORD_LIMIT);
  assert.deepEqual(next.at(-1), current, 'newest last');
  assert.deepEqual(next[0], entries[1], 'the oldest goes');
  assert.deepEqual(nextHeld(next, current), next, 'the same held set twice is recorded once');
});

test('approval by commit prefix binds the same way', () => {
  const { live } = heldAtCommit();
  const approved = planAt(approvalRevision, [keep], live, [{ commit: HELD_AT.slice(0, 7) }]);
  assert.equal(heldCount(approved), 0);
});
