// Approving a held delete: by the guard digest (any later commit) or by the commit whose plan held
// it (only in the commit directly on top of it that changes nothing but fedsync.yaml). The held
// problem names both, as entries ready to paste into fedsync.yaml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toMemberObject } from '../../src/federation/member-object.js';
import { loadFederation } from '../../src/manifests/index.js';
import { APPROVABLE_GUARDS } from '../../src/manifests/schemas.js';
import { formatProblem } from '../../src/model/index.js';
import type { Approval, FederationRecord, KubeObject, Plan } from '../../src/model/index.js';
import { GuardCode } from '../../src/plan/guards.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { PlanInput } from '../../src/plan/plan-revision.js';
import { asApplied } from '../helpers/apiserver.js';
import { configMap, fedObject, namespace, observed, registration, repo } from '../helpers/federation.js';
import { clusterPlans } from '../../src/model/index.js';

const HELD_AT = 'c0ffee'.padEnd(40, '1');
const ON_TOP = 'beef00'.padEnd(40, '2');
const ELSEWHERE = 'dead00'.padEnd(40, '3');

const owned = (obj: KubeObject): KubeObject =>
  asApplied(toMemberObject(obj, { federation: 'demo', source: 'old.yaml@x' }));

/**
 * A cluster still running Namespace `old`, which the repository no longer has; `record` is what the
 * last apply there left (what its guards held at which commit).
 */
function plan(revision: PlanInput['revision'], approvals: Approval[] = [], record?: FederationRecord): Plan {
  const cluster = observed('a', { objects: [owned(namespace('old')), owned(configMap('shop', 'keep'))] });
  return planRevision({
    revision,
    repo: repo({ clusters: [registration('a')], objects: [fedObject(configMap('shop', 'keep'))], approvals }),
    clusters: [record ? { ...cluster, record } : cluster],
    now: '2026-01-01T00:00:00Z',
  });
}

/** The record an apply of the plan at HELD_AT leaves in the cluster. */
const recordAtHeld = (): FederationRecord => clusterPlans(plan({ sha: HELD_AT }))[0]!.record!;

const deleteOf = (p: Plan) =>
  clusterPlans(p)[0]!.actions.find((a) => a.action === 'delete' || a.action === 'held');
const isHeld = (p: Plan): boolean => deleteOf(p)?.action === 'held';

test('the held problem names both ways to approve, each as the exact entry for fedsync.yaml', () => {
  const held = plan({ sha: HELD_AT });
  assert.ok(isHeld(held));
  const problem = held.problems.find((q) => q.code === GuardCode.namespaceDelete)!;
  assert.equal(problem.severity, 'error');
  const digest = held.guards!.digest;
  assert.ok(
    problem.message.includes(
      `add to fedsync.yaml spec.policy.approvals either {digest: "${digest}", guards: ["${GuardCode.namespaceDelete}"], reason: "…"}`,
    ),
    problem.message,
  );
  assert.ok(
    problem.message.includes(
      `or {commit: "${HELD_AT}", guards: ["${GuardCode.namespaceDelete}"], reason: "…"} (in a commit directly on top of ${HELD_AT.slice(0, 12)} that changes only fedsync.yaml)`,
    ),
    problem.message,
  );
});

test('approval by commit releases the deletes in the commit on top of it that changes only fedsync.yaml', () => {
  for (const commit of [HELD_AT, HELD_AT.slice(0, 7)]) {
    const approved = plan(
      { sha: ON_TOP, parent: HELD_AT, changedPaths: ['fedsync.yaml'] },
      [{ commit, guards: [GuardCode.namespaceDelete], reason: 'retire old' }],
      recordAtHeld(),
    );
    assert.ok(!isHeld(approved), commit);
    assert.deepEqual(approved.guards?.released, [GuardCode.namespaceDelete]);
    const note = approved.problems.find((q) => q.code === GuardCode.namespaceDelete)!;
    assert.equal(note.severity, 'warning');
    assert.match(note.message, new RegExp(`approved in the repository \\(commit ${commit}: retire old\\)`));
    assert.equal(approved.revision.sha, ON_TOP);
    assert.ok(!('parent' in approved.revision), 'the Plan schema does not grow a parent field');
  }
});

test('approval by commit releases nothing anywhere else, and says why', () => {
  const approvals: Approval[] = [{ commit: HELD_AT, reason: 'retire old' }];
  const cases: [PlanInput['revision'], RegExp][] = [
    [{ sha: ON_TOP, parent: ELSEWHERE, changedPaths: ['fedsync.yaml'] }, /directly on top of c0ffee/],
    [
      { sha: ON_TOP, parent: HELD_AT, changedPaths: ['fedsync.yaml', 'apps/x.yaml'] },
      /also changes apps\/x\.yaml/,
    ],
    [{ sha: ON_TOP, parent: HELD_AT }, /what .* changed is unknown \(shallow history\)/],
    [{ sha: ON_TOP, changedPaths: ['fedsync.yaml'] }, /parent of .* is unknown/],
    [{ sha: HELD_AT, parent: ELSEWHERE, changedPaths: ['fedsync.yaml'] }, /a commit cannot approve itself/],
  ];
  for (const [revision, why] of cases) {
    const p = plan(revision, approvals, recordAtHeld());
    assert.ok(isHeld(p), JSON.stringify(revision));
    const warning = p.problems.find((q) => q.code === 'approval.commitNotApplicable');
    assert.ok(warning, JSON.stringify(p.problems));
    assert.match(warning.message, why);
    assert.match(warning.message, /approve by the digest instead/);
  }
});

test('approval by digest still releases the same deletes in any later commit', () => {
  const digest = plan({ sha: HELD_AT }).guards!.digest;
  const later = plan({ sha: ELSEWHERE, parent: ON_TOP, changedPaths: ['apps/other.yaml'] }, [
    { digest, reason: 'retire old' },
  ]);
  assert.ok(!isHeld(later));
});

test('fedsync.yaml accepts exactly the guard codes the planner has; a misspelt one is an error on its line', () => {
  assert.deepEqual([...APPROVABLE_GUARDS].sort(), Object.values(GuardCode).sort());
  const federation = (guard: string) =>
    loadFederation([
      {
        path: 'fedsync.yaml',
        text: `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: {name: x}\nspec:\n  policy:\n    approvals:\n      - commit: abcdef1\n        guards: [${guard}]\n        reason: retire old\n`,
      },
    ]);
  const good = federation(GuardCode.namespaceDelete);
  assert.ok(good.ok);
  assert.deepEqual(good.value.federation.policy.approvals, [
    { commit: 'abcdef1', guards: [GuardCode.namespaceDelete], reason: 'retire old' },
  ]);
  const typo = federation('guard.namespaceDelet');
  assert.ok(!typo.ok);
  assert.match(
    typo.problems.map(formatProblem).join('\n'),
    /^fedsync\.yaml:8: .*guards\[0\]: must be one of guard\./m,
  );
});
