// What a push may do: the tenancy policy of fedsync.yaml and the operator's stricter one, combined
// so the repository cannot loosen what the operator allows. Violations are validation errors with
// file, line, object and the policy that refused them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { combineTenancy, describeTenancy, loadFederation, tenancyLayer } from '../../src/manifests/index.js';
import type { OperatorPolicyFile } from '../../src/manifests/index.js';
import { globCovers, intersectGlobs } from '../../src/manifests/globs.js';
import { formatProblem } from '../../src/model/index.js';
import type { FederationRepo } from '../../src/model/index.js';

const CLUSTER = {
  path: 'clusters/a.yaml',
  text: 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
};
const OPERATOR_PATH = '/etc/fedsync/policy.yaml';

function load(files: Record<string, string>, operator?: string) {
  const operatorPolicy: OperatorPolicyFile | undefined =
    operator === undefined ? undefined : { file: OPERATOR_PATH, text: operator };
  return loadFederation([CLUSTER, ...Object.entries(files).map(([path, text]) => ({ path, text }))], {
    ...(operatorPolicy ? { operatorPolicy } : {}),
  });
}
function problems(files: Record<string, string>, operator?: string): string[] {
  const r = load(files, operator);
  assert.ok(!r.ok, 'expected problems');
  return r.problems.map(formatProblem);
}
function ok(files: Record<string, string>, operator?: string): FederationRepo {
  const r = load(files, operator);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems.map(formatProblem)));
  return r.value;
}

/** fedsync.yaml with `tenancy` (YAML flow text) under spec.policy; the tenancy key is on line 7. */
const fedsync = (tenancy: string): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: f\nspec:\n  policy:\n    tenancy: ${tenancy}\n`;
const operator = (spec: string): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: TenancyPolicy\nmetadata: {name: platform}\nspec: ${spec}\n`;
const obj = (apiVersion: string, kind: string, name: string, namespace?: string): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}`;

describe('the default policy', () => {
  test('cluster-scoped objects are denied unless listed', () => {
    assert.deepEqual(
      problems({
        'crb.yaml': obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'admin-for-all'),
        'ns.yaml': obj('v1', 'Namespace', 'shop'),
      }),
      [
        'crb.yaml:2: ClusterRoleBinding/admin-for-all: rbac.authorization.k8s.io/ClusterRoleBinding is cluster-scoped, and cluster-scoped kinds need listing in clusterScoped.allow (clusterScoped.allow: none, by the default of the repository policy)',
        'ns.yaml:2: Namespace/shop: core/Namespace is cluster-scoped, and cluster-scoped kinds need listing in clusterScoped.allow (clusterScoped.allow: none, by the default of the repository policy)',
      ],
    );
  });

  test('kube-system, kube-public and kube-node-lease are denied, as objects in them or as Namespaces', () => {
    const out = problems({
      'fedsync.yaml': fedsync('{clusterScoped: {allow: [core/Namespace]}}'),
      'a.yaml': obj('v1', 'ConfigMap', 'a', 'kube-system'),
      'b.yaml': obj('apps/v1', 'Deployment', 'b', 'kube-public'),
      'c.yaml': obj('coordination.k8s.io/v1', 'Lease', 'c', 'kube-node-lease'),
      'd.yaml': obj('v1', 'Namespace', 'kube-system'),
    });
    assert.deepEqual(out, [
      'a.yaml:5: ConfigMap/kube-system/a: namespace kube-system is a system namespace, which needs listing in systemNamespaces.allow (by the default of the repository policy (fedsync.yaml:7))',
      'b.yaml:5: Deployment/kube-public/b: namespace kube-public is a system namespace, which needs listing in systemNamespaces.allow (by the default of the repository policy (fedsync.yaml:7))',
      'c.yaml:5: Lease/kube-node-lease/c: namespace kube-node-lease is a system namespace, which needs listing in systemNamespaces.allow (by the default of the repository policy (fedsync.yaml:7))',
      'd.yaml:4: Namespace/kube-system: namespace kube-system is a system namespace, which needs listing in systemNamespaces.allow (by the default of the repository policy (fedsync.yaml:7))',
    ]);
  });

  test('an object of an unknown kind without a namespace counts as cluster-scoped', () => {
    assert.match(
      problems({ 'w.yaml': obj('example.com/v1', 'Widget', 'w') })[0] ?? '',
      /^w\.yaml:2: Widget\/w: example\.com\/Widget has no metadata\.namespace and fedsync does not know its scope, so it counts as cluster-scoped; set metadata\.namespace/,
    );
    ok({ 'w.yaml': obj('example.com/v1', 'Widget', 'w', 'shop') });
  });
});

describe("the repository's policy", () => {
  test('allowed namespaces (globs): anything else, default included, is an error on its line', () => {
    const out = problems({
      'fedsync.yaml': fedsync('{namespaces: {allow: [team-a-*, shop]}}'),
      'ok.yaml': obj('v1', 'ConfigMap', 'ok', 'team-a-web'),
      'shop.yaml': obj('v1', 'ConfigMap', 'shop', 'shop'),
      'other.yaml': obj('v1', 'ConfigMap', 'x', 'team-b'),
      'default.yaml': obj('v1', 'ConfigMap', 'y'),
    });
    assert.deepEqual(out, [
      'default.yaml:3: ConfigMap/default/y: namespace default is not allowed (no metadata.namespace: it goes to default) (namespaces.allow: team-a-*, shop, by the repository policy (fedsync.yaml:7))',
      'other.yaml:5: ConfigMap/team-b/x: namespace team-b is not allowed (namespaces.allow: team-a-*, shop, by the repository policy (fedsync.yaml:7))',
    ]);
  });

  test('denied namespaces and kinds, allowed kinds', () => {
    const out = problems({
      'fedsync.yaml': fedsync(
        '{namespaces: {deny: [legacy-*]}, kinds: {allow: ["core/*", "apps/*", "rbac.authorization.k8s.io/*"], deny: [rbac.authorization.k8s.io/Role]}}',
      ),
      'job.yaml': obj('batch/v1', 'Job', 'j', 'shop'),
      'role.yaml': obj('rbac.authorization.k8s.io/v1', 'Role', 'r', 'shop'),
      'old.yaml': obj('v1', 'ConfigMap', 'c', 'legacy-shop'),
      'rb.yaml': obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'shop'),
    });
    assert.deepEqual(out, [
      'job.yaml:2: Job/shop/j: kind batch/Job is not allowed (kinds.allow: core/*, apps/*, rbac.authorization.k8s.io/*, by the repository policy (fedsync.yaml:7))',
      'old.yaml:5: ConfigMap/legacy-shop/c: namespace legacy-shop is denied (namespaces.deny: legacy-*, by the repository policy (fedsync.yaml:7))',
      'role.yaml:2: Role/shop/r: kind rbac.authorization.k8s.io/Role is denied (kinds.deny: rbac.authorization.k8s.io/Role, by the repository policy (fedsync.yaml:7))',
    ]);
  });

  test('a Federated<Kind> is judged by the object it creates', () => {
    const federated =
      'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedDeployment\nmetadata: {name: web, namespace: kube-system}\nspec:\n  template: {spec: {replicas: 1}}\n';
    assert.match(
      problems({ 'web.yaml': federated })[0] ?? '',
      /^web\.yaml:3: FederatedDeployment\/kube-system\/web: namespace kube-system is a system namespace/,
    );
  });

  test('the schema is strict and checks every pattern', () => {
    const out = problems({
      'fedsync.yaml': fedsync(
        '{kinds: {deny: [ClusterRoleBinding]}, systemNamespaces: {allow: [kube-sys]}, namespace: {}}',
      ),
    });
    assert.equal(out.length, 3, out.join('\n'));
    assert.match(
      out.join('\n'),
      /fedsync\.yaml:7: Federation\/f: unknown field spec\.policy\.tenancy\.namespace/,
    );
    assert.match(
      out.join('\n'),
      /spec\.policy\.tenancy\.kinds\.deny\[0\]: must be group\/Kind \(core\/Secret/,
    );
    assert.match(
      out.join('\n'),
      /systemNamespaces\.allow\[0\]: must be one of kube-system, kube-public, kube-node-lease/,
    );
  });
});

describe("the operator's policy", () => {
  test('is stricter than the repository, which cannot loosen it', () => {
    const repo = fedsync(
      '{clusterScoped: {allow: [core/Namespace, rbac.authorization.k8s.io/ClusterRole]}, systemNamespaces: {allow: [kube-system]}, namespaces: {allow: ["*"]}}',
    );
    const op = operator('{clusterScoped: {allow: [core/Namespace]}, namespaces: {allow: [team-*]}}');
    const out = problems(
      {
        'fedsync.yaml': repo,
        'cr.yaml': obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'viewer'),
        'ks.yaml': obj('v1', 'ConfigMap', 'k', 'kube-system'),
        'ns.yaml': obj('v1', 'Namespace', 'team-x'),
        'shop.yaml': obj('v1', 'ConfigMap', 's', 'shop'),
      },
      op,
    );
    assert.deepEqual(out, [
      'cr.yaml:2: ClusterRole/viewer: rbac.authorization.k8s.io/ClusterRole is cluster-scoped, and cluster-scoped kinds need listing in clusterScoped.allow (clusterScoped.allow: core/Namespace, by the operator policy (/etc/fedsync/policy.yaml:2))',
      'ks.yaml:5: ConfigMap/kube-system/k: namespace kube-system is a system namespace, which needs listing in systemNamespaces.allow (by the default of the operator policy (/etc/fedsync/policy.yaml:2))',
      'shop.yaml:5: ConfigMap/shop/s: namespace shop is not allowed (namespaces.allow: team-*, by the operator policy (/etc/fedsync/policy.yaml:2))',
    ]);
  });

  test('the policy in force is data: both layers and the rules that result', () => {
    const repo = ok(
      {
        'fedsync.yaml': fedsync(
          '{namespaces: {allow: [team-a-*, shared], deny: [team-a-old]}, clusterScoped: {allow: ["core/*"]}}',
        ),
      },
      operator(
        '{namespaces: {allow: [team-*], deny: [tmp-*]}, clusterScoped: {allow: [core/Namespace]}, kinds: {deny: [core/Secret]}}',
      ),
    );
    const policy = repo.federation.policy.tenancy;
    assert.ok(policy);
    assert.deepEqual(
      policy.layers.map((l) => [l.origin, l.source]),
      [
        ['repository', { file: 'fedsync.yaml', line: 7 }],
        ['operator', { file: OPERATOR_PATH, line: 2 }],
      ],
    );
    assert.deepEqual(policy.effective, {
      namespaces: { allow: ['team-a-*'], deny: ['team-a-old', 'tmp-*'] },
      kinds: { allow: ['*/*'], deny: ['core/Secret'] },
      clusterScoped: { allow: ['core/Namespace'] },
      systemNamespaces: { allow: [] },
    });
    assert.deepEqual(describeTenancy(policy), [
      'policy in force (repository fedsync.yaml:7 ∩ operator /etc/fedsync/policy.yaml:2):',
      '  namespaces: allow team-a-*; deny team-a-old, tmp-*',
      '  system namespaces: none allowed',
      '  kinds: allow */*; deny core/Secret',
      '  cluster-scoped kinds: allow core/Namespace',
    ]);
  });

  test('its problems name its own file and line', () => {
    const out = problems({}, operator('{namespaces: {allow: [Team]}, kind: {}}'));
    assert.deepEqual(out.sort(), [
      '/etc/fedsync/policy.yaml:4: TenancyPolicy/platform: spec.namespaces.allow[0]: must be a namespace name, with * matching any characters',
      '/etc/fedsync/policy.yaml:4: TenancyPolicy/platform: unknown field spec.kind: fedsync.io/v1alpha1 TenancyPolicy has no such field (check the spelling)',
    ]);
    assert.match(
      problems({}, 'kind: Federation\n')[0] ?? '',
      /^\/etc\/fedsync\/policy\.yaml:1: .*apiVersion is required/,
    );
    assert.match(
      problems({}, `${operator('{}')}---\n${operator('{}')}`)[0] ?? '',
      /exactly one TenancyPolicy document/,
    );
  });
});

test('glob intersection never allows more than both sides', () => {
  assert.ok(globCovers('*', 'team-*'));
  assert.ok(globCovers('team-*', 'team-a-*'));
  assert.ok(!globCovers('team-a-*', 'team-*'));
  assert.ok(!globCovers('*-prod', 'team-*'));
  assert.ok(globCovers('a*c', 'ab*c'));
  assert.deepEqual(intersectGlobs(['*'], ['team-*', 'shop']), ['team-*', 'shop']);
  assert.deepEqual(intersectGlobs(['team-*', 'x'], ['team-a-*', 'y']), ['team-a-*']);
  assert.deepEqual(intersectGlobs(['a*', 'a**'], ['*']), ['a*']);
  assert.deepEqual(intersectGlobs([], ['*']), []);
  const [a, b] = [
    tenancyLayer('repository', { systemNamespaces: { allow: ['kube-system', 'kube-public'] } }),
    tenancyLayer('operator', { systemNamespaces: { allow: ['kube-public'] } }),
  ];
  assert.deepEqual(combineTenancy([a, b]).effective.systemNamespaces.allow, ['kube-public']);
});
