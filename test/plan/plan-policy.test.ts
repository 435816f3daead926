// The plan shows the policy in force: self-heal, prune, the approvals in fedsync.yaml and the
// tenancy policy with where it came from (the repository's fedsync.yaml and the operator's file),
// in the Plan itself, its JSON, its text (right after the header) and its Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFederation } from '../../src/manifests/index.js';
import type { FederationRepo, Plan } from '../../src/model/index.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import { formatPlanJson } from '../../src/report/format/plan-json.js';
import { formatPlanMarkdown } from '../../src/report/format/plan-markdown.js';
import { formatPlanText } from '../../src/report/format/plan-text.js';
import { observed } from '../helpers/federation.js';

const FEDSYNC = `apiVersion: fedsync.io/v1alpha1
kind: Federation
metadata:
  name: demo
spec:
  policy:
    selfHeal: false
    approvals:
      - {commit: abcdef1, reason: retire old}
    tenancy:
      namespaces: {allow: [shop, shop-*]}
`;
const OPERATOR = `apiVersion: fedsync.io/v1alpha1
kind: TenancyPolicy
metadata: {name: platform}
spec:
  kinds: {deny: [rbac.authorization.k8s.io/*]}
`;

function load(operator: boolean): FederationRepo {
  const r = loadFederation(
    [
      { path: 'fedsync.yaml', text: FEDSYNC },
      {
        path: 'clusters/a.yaml',
        text: 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
      },
    ],
    operator ? { operatorPolicy: { file: '/etc/fedsync/tenancy.yaml', text: OPERATOR } } : {},
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.value;
}

const planOf = (repo: FederationRepo): Plan =>
  planRevision({
    revision: { sha: '1'.repeat(40) },
    repo,
    clusters: [observed('a')],
    now: '2026-01-01T00:00:00Z',
  });

test('the Plan carries the policy in force, and its JSON too', () => {
  const plan = planOf(load(true));
  assert.equal(plan.policy?.selfHeal, false);
  assert.equal(plan.policy?.prune, true);
  assert.deepEqual(plan.policy?.approvals, [{ commit: 'abcdef1', reason: 'retire old' }]);
  const tenancy = plan.policy?.tenancy;
  assert.deepEqual(
    tenancy?.layers.map((l) => [l.origin, l.source?.file]),
    [
      ['repository', 'fedsync.yaml'],
      ['operator', '/etc/fedsync/tenancy.yaml'],
    ],
  );
  assert.deepEqual(tenancy?.effective.namespaces.allow, ['shop', 'shop-*']);
  assert.deepEqual(tenancy?.effective.kinds.deny, ['rbac.authorization.k8s.io/*']);
  const json = JSON.parse(formatPlanJson(plan)) as Plan;
  assert.deepEqual(json.policy, plan.policy);
});

test('the text names the policy and where the tenancy rules come from, right after the header', () => {
  const lines = formatPlanText(planOf(load(true))).split('\n');
  assert.match(lines[0]!, /^fedsync plan for federation demo at 111111111111$/);
  assert.equal(lines[1], 'policy: self-heal off, prune on, 1 approval(s) (1 by commit)');
  assert.equal(
    lines[2],
    'tenancy (repository fedsync.yaml:10 ∩ operator /etc/fedsync/tenancy.yaml:2): namespaces: allow shop, shop-* · system namespaces: none allowed · kinds: allow */*; deny rbac.authorization.k8s.io/* · cluster-scoped kinds: none allowed',
  );
  assert.equal(lines[3], '');
  const repoOnly = formatPlanText(planOf(load(false))).split('\n');
  assert.match(repoOnly[2]!, /^tenancy \(repository fedsync\.yaml:10\): /);
});

test('the Markdown comment shows the same policy, the rules as code so * stays *', () => {
  const md = formatPlanMarkdown(planOf(load(true)));
  assert.ok(md.includes('**Policy:** self-heal off, prune on, 1 approval(s) (1 by commit).'), md);
  assert.ok(
    md.includes(
      '**Tenancy** (repository fedsync.yaml:10 ∩ operator /etc/fedsync/tenancy.yaml:2): `namespaces: allow shop, shop-*` · `system namespaces: none allowed`',
    ),
    md,
  );
});
