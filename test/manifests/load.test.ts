import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createParseCache,
  DEFAULT_TENANCY,
  defaultManifestLimits,
  loadFederation,
  parseYamlFile,
} from '../../src/manifests/index.js';
import type { ManifestLimits, RepoFile } from '../../src/manifests/index.js';
import { formatProblem } from '../../src/model/index.js';
import type { FederationRepo } from '../../src/model/index.js';

const CLUSTERS: RepoFile[] = ['a', 'b'].map((n, i) => ({
  path: `clusters/${n}.yaml`,
  text: `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${n}\n  labels: {region: r${i}}\n`,
}));

function load(files: Record<string, string>, withClusters = true) {
  return loadFederation([
    ...(withClusters ? CLUSTERS : []),
    ...Object.entries(files).map(([path, text]) => ({ path, text })),
  ]);
}

function ok(files: Record<string, string>): FederationRepo {
  const r = load(files);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems.map(formatProblem)));
  return r.value;
}

/** Every problem as `file:line: message` (what the CLI prints). */
function problems(files: Record<string, string>, withClusters = true): string[] {
  const r = load(files, withClusters);
  assert.ok(!r.ok, 'expected problems');
  return r.problems.map(formatProblem);
}

const cm = (name: string, annotations = ''): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${annotations ? `  annotations:\n${annotations}` : ''}data: {a: b}\n`;
const rs = (annotations: string, replicas = 3): string =>
  `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\n  annotations:\n${annotations}spec:\n  replicas: ${replicas}\n`;

describe('YAML limits', () => {
  test('an alias bomb fails fast with a limit problem', () => {
    let bomb = 'a: &a [x, x]\n';
    for (let i = 0; i < 60; i++)
      bomb += `b${i}: &a${i} [*${i ? `a${i - 1}` : 'a'}, *${i ? `a${i - 1}` : 'a'}]\n`;
    // Fast without a clock: the scanner counts an alias as its subtree's size in one step, so its work
    // is bounded by the file's length, and it refuses the bomb before js-yaml builds any object.
    const r = parseYamlFile('bomb.yaml', bomb);
    assert.equal(r.problems[0]?.code, 'yaml.limit');
    assert.match(r.problems[0]?.message ?? '', /expands to more than 100000 nodes \(alias bomb\?\)/);
  });

  test('1,000-level nesting fails fast, flow or block style', () => {
    const flow = `a: ${'['.repeat(1000)}${']'.repeat(1000)}\n`;
    const block = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    // Fast without a clock: js-yaml's maxDepth stops the parse at level 64, not 1,000.
    for (const text of [flow, block]) {
      const r = parseYamlFile('deep.yaml', text);
      assert.equal(r.problems[0]?.code, 'yaml.limit');
      assert.match(r.problems[0]?.message ?? '', /maxDepth/);
    }
  });

  test('too many aliases, too many documents and an oversized file are refused', () => {
    const aliases = `a: &a x\nb: [${Array(150).fill('*a').join(', ')}]\n`;
    assert.match(parseYamlFile('x.yaml', aliases).problems[0]?.message ?? '', /more than 100 aliases/);
    assert.match(
      parseYamlFile('x.yaml', 'a: 1\n---\n'.repeat(5), { ...limits(), maxDocumentsPerFile: 3 }).problems[0]
        ?.message ?? '',
      /more than 3 documents/,
    );
    assert.equal(
      parseYamlFile('x.yaml', 'a: 1\n', { ...limits(), maxFileBytes: 3 }).problems[0]?.code,
      'yaml.tooLarge',
    );
  });

  test('bad YAML and duplicate keys name their line', () => {
    assert.deepEqual(problems({ 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\n' }), [
      'x.yaml:3: invalid YAML: duplicated mapping key',
    ]);
  });
});

function limits(): ManifestLimits {
  return { ...defaultManifestLimits };
}

describe('validation', () => {
  test('every problem of a revision is reported at once, each with file:line', () => {
    const out = problems({
      'fedsync.yaml':
        'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: {name: x}\nspec:\n  policy:\n    prune: maybe\n',
      'one.yaml': cm('one', '    fedsync.io/cluster-names: a,zz\n'),
      'two.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 99999\n',
      'three.yaml': 'apiVersion: v1\nkind: Thing\nmetadata: {}\n',
    });
    assert.equal(out.length, 4, out.join('\n'));
    assert.match(
      out[0] ?? '',
      /^fedsync\.yaml:6: Federation\/x: spec\.policy\.prune: Invalid input: expected boolean/,
    );
    assert.match(
      out[1] ?? '',
      /^one\.yaml:6: ConfigMap\/default\/one: placement names cluster "zz", which is not registered in clusters\/ \(registered: a, b\)/,
    );
    assert.match(out[2] ?? '', /^three\.yaml:3: metadata\.name is required/);
    assert.match(
      out[3] ?? '',
      /^two\.yaml:9: Service\/default\/s: spec\.ports\[0\]\.nodePort: must be in 30000-32767/,
    );
  });

  test('unknown kinds pass through, checked only for apiVersion, kind and metadata.name', () => {
    const repo = ok({
      'w.yaml':
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\nspec: {anything: [1, 2]}\n',
    });
    assert.deepEqual(repo.objects[0]?.template, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'shop' },
      spec: { anything: [1, 2] },
    });
    assert.deepEqual(repo.objects[0]?.placement, {}, 'every cluster by default');
    assert.match(
      problems({ 'w.yaml': 'kind: Widget\nmetadata: {name: w}\n' })[0] ?? '',
      /apiVersion is required/,
    );
  });

  test('fedsync kinds are strict; Federation defaults and approvals are parsed', () => {
    assert.match(
      problems({
        'clusters/c.yaml':
          'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: c}\nspec:\n  kubeconfig: x\n',
      })[0] ?? '',
      /^clusters\/c\.yaml:5: Cluster\/c: unknown field spec\.kubeconfig/,
    );
    const digest = `sha256:${'a'.repeat(64)}`;
    const repo = ok({
      'fedsync.yaml': `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: {name: prod}\nspec:\n  policy:\n    selfHeal: false\n    approvals:\n      - {digest: '${digest}', guards: [guard.massPrune], reason: planned cleanup}\n      - {commit: abc1234, reason: ok}\n`,
    });
    const { tenancy, ...policy } = repo.federation.policy;
    assert.deepEqual(tenancy?.effective, DEFAULT_TENANCY, 'no tenancy section: the defaults');
    assert.deepEqual(policy, {
      selfHeal: false,
      prune: true,
      approvals: [
        { digest, guards: ['guard.massPrune'], reason: 'planned cleanup' },
        { commit: 'abc1234', reason: 'ok' },
      ],
    });
    assert.match(
      problems({
        'fedsync.yaml': `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: {name: p}\nspec:\n  policy:\n    approvals:\n      - {digest: '${digest}', commit: abc1234, reason: both}\n`,
      })[0] ?? '',
      /exactly one of digest or commit/,
    );
  });

  test('clusters: three dialects, duplicates across them name both places, misplaced kinds', () => {
    const out = problems(
      {
        'clusters/a.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
        'clusters/b.yaml':
          'apiVersion: core.kubefed.io/v1beta1\nkind: KubeFedCluster\nmetadata: {name: a, namespace: kube-federation-system}\nspec: {secretRef: {name: ctx}}\n',
        'clusters/cm.yaml': cm('x'),
        'apps/c.yaml': 'apiVersion: federation/v1beta1\nkind: Cluster\nmetadata: {name: c}\n',
      },
      false,
    );
    assert.deepEqual(out, [
      'apps/c.yaml:2: Cluster/c: a Cluster belongs in clusters/; move it there',
      'clusters/b.yaml:3: KubeFedCluster/kube-federation-system/a: cluster "a" is registered twice: first at clusters/a.yaml:2',
      'clusters/cm.yaml:2: ConfigMap/x: clusters/ holds only cluster registrations (Cluster fedsync.io/v1alpha1 or federation/v1beta1, KubeFedCluster core.kubefed.io/v1beta1); move this v1 ConfigMap to another folder',
    ]);
  });

  test('the same object twice is an error naming both places', () => {
    const out = problems({
      'a.yaml': cm('x'),
      'b/c.yaml': `${cm('y')}---\n${cm('x').replace('name: x', 'name: x\n  namespace: default')}`,
    });
    assert.deepEqual(out, [
      'b/c.yaml:10: ConfigMap/default/x: defined twice; first at a.yaml:2 (group/kind/namespace/name must be unique)',
    ]);
  });

  test('the same object in two dialects is a duplicate too', () => {
    const plain =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 1}\n';
    const fed =
      'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedDeployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template: {spec: {replicas: 1}}\n';
    assert.deepEqual(problems({ 'a.yaml': plain, 'b.yaml': fed }), [
      'b.yaml:3: Deployment/shop/web: defined twice; first at a.yaml:2 (group/kind/namespace/name must be unique)',
    ]);
  });

  test('paths starting with a dot and non-YAML files are not read', () => {
    const repo = ok({ '.github/workflows/ci.yaml': 'on: push\n', 'README.md': '# hi', 'x.yml': cm('x') });
    assert.equal(repo.objects.length, 1);
  });

  test('a cluster-scoped kind with a namespace is an error; namespaced kinds default to "default"', () => {
    assert.match(
      problems({ 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, namespace: x}\n' })[0] ??
        '',
      /cluster-scoped; remove metadata\.namespace/,
    );
    const repo = ok({
      'fedsync.yaml':
        'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: {name: f}\nspec:\n  policy:\n    tenancy: {clusterScoped: {allow: [core/Namespace]}}\n',
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
    });
    assert.equal(repo.objects[0]?.template.metadata.namespace, undefined);
  });
});

describe('placement annotations', () => {
  const placementOf = (annotation: string) =>
    ok({ 'x.yaml': cm('x', `    ${annotation}\n`) }).objects[0]?.placement;

  test('label-selector string, v1 JSON selector and cluster names', () => {
    assert.deepEqual(placementOf("fedsync.io/clusters: 'region in (b,a),tier=prod,!legacy,zone'"), {
      selector: {
        matchExpressions: [
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'region', operator: 'In', values: ['a', 'b'] },
          { key: 'tier', operator: 'In', values: ['prod'] },
          { key: 'zone', operator: 'Exists' },
        ],
      },
    });
    assert.deepEqual(
      placementOf(
        `federation.alpha.kubernetes.io/cluster-selector: '[{"key":"a","operator":"!="},{"key":"n","operator":"gt","values":["3"]},{"key":"r","operator":"=","values":["x"]},{"key":"d","operator":"!"}]'`.replace(
          '"!="}',
          '"!=","values":["v"]}',
        ),
      ),
      {
        selector: {
          matchExpressions: [
            { key: 'a', operator: 'NotIn', values: ['v'] },
            { key: 'd', operator: 'DoesNotExist' },
            { key: 'n', operator: 'Gt', values: ['3'] },
            { key: 'r', operator: 'In', values: ['x'] },
          ],
        },
      },
    );
    assert.deepEqual(placementOf("fedsync.io/cluster-names: 'b, a'"), { clusters: ['a', 'b'] });
  });

  test('invalid or conflicting placement annotations are errors on their line', () => {
    const bad = (a: string) => problems({ 'x.yaml': cm('x', `    ${a}\n`) })[0] ?? '';
    assert.match(
      bad(`federation.alpha.kubernetes.io/cluster-selector: '[{"key":"a","operator":"like"}]'`),
      /^x\.yaml:6: .*unknown operator "like"/,
    );
    assert.match(
      bad(`federation.alpha.kubernetes.io/cluster-selector: '{"key":"a"}'`),
      /must be a JSON array/,
    );
    assert.match(bad("fedsync.io/clusters: 'region in a,b'"), /cannot parse "region in a"/);
    assert.match(
      bad(`federation.alpha.kubernetes.io/cluster-selector: '[{"key":"a","operator":"In"}]'`),
      /needs at least one value/,
    );
    assert.match(
      problems({ 'x.yaml': cm('x', '    fedsync.io/clusters: a=b\n    fedsync.io/cluster-names: a\n') })[0] ??
        '',
      /use only one of the placement annotations/,
    );
  });
});

describe('replica preferences', () => {
  const prefs = (json: string) => `    federation.kubernetes.io/replica-set-preferences: '${json}'\n`;

  test('defaults: a plain ReplicaSet without preferences spreads spec.replicas by equal weight', () => {
    const repo = ok({
      'rs.yaml': 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec: {}\n',
    });
    assert.deepEqual(repo.objects[0]?.replicaScheduling, {
      totalReplicas: 1,
      rebalance: false,
      clusters: { '*': { minReplicas: 0, weight: 1 } },
    });
  });

  test('unknown keys, unknown clusters, bad numbers and the wrong kind are errors', () => {
    assert.match(
      problems({ 'rs.yaml': rs(prefs('{"clusters":{"a":{"weigth":1}}}')) })[0] ?? '',
      /^rs\.yaml:6: ReplicaSet\/default\/web: annotation federation\.kubernetes\.io\/replica-set-preferences: unknown field clusters\.a\.weigth: the preferences JSON has no such field/,
    );
    assert.match(
      problems({ 'rs.yaml': rs(prefs('{"clusters":{"mars":{"weight":1}}}')) })[0] ?? '',
      /cluster "mars", which is not registered/,
    );
    assert.match(
      problems({ 'rs.yaml': rs(prefs('{"clusters":{"a":{"minReplicas":3,"maxReplicas":1}}}')) })[0] ?? '',
      /maxReplicas must be at least minReplicas/,
    );
    assert.match(problems({ 'rs.yaml': rs(prefs('{}'), -1) })[0] ?? '', /spec\.replicas: Too small/);
    assert.match(problems({ 'x.yaml': cm('x', prefs('{}')) })[0] ?? '', /does not apply to a ConfigMap/);
    assert.match(
      problems({ 'rs.yaml': rs("    federation.kubernetes.io/deployment-preferences: '{}'\n") })[0] ?? '',
      /use federation\.kubernetes\.io\/replica-set-preferences/,
    );
  });
});

describe('kubefed dialect', () => {
  const fed = (spec: string, kind = 'FederatedConfigMap') =>
    `apiVersion: types.kubefed.io/v1beta1\nkind: ${kind}\nmetadata: {name: x, namespace: shop}\nspec:\n${spec}`;

  test('no placement means no clusters; overrides are kept per cluster with op defaulting to replace', () => {
    const repo = ok({
      'f.yaml': fed(
        '  template: {data: {a: b}}\n  overrides:\n    - clusterName: a\n      clusterOverrides:\n        - {path: /data/a, value: c}\n        - {op: remove, path: /data/z}\n',
      ),
    });
    const o = repo.objects[0];
    assert.deepEqual(o?.placement, { clusters: [] });
    assert.deepEqual(o?.overrides, {
      a: [
        { op: 'replace', path: '/data/a', value: 'c' },
        { op: 'remove', path: '/data/z' },
      ],
    });
    assert.deepEqual(o?.template, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'shop' },
      data: { a: 'b' },
    });
  });

  test('bad overrides, unknown fields and unknown target kinds are errors', () => {
    const out = problems({
      'f.yaml': fed(
        '  template: {data: {a: b}}\n  placement: {clusters: [{name: mars}]}\n  overrides:\n    - clusterName: a\n      clusterOverrides:\n        - {path: /metadata/name, value: y}\n        - {path: /data/a, value: 1}\n        - {path: /data/a, value: 2}\n    - clusterName: ghost\n      clusterOverrides: []\n',
      ),
      'g.yaml': fed('  template: {spec: {}}\n', 'FederatedWidget'),
      'h.yaml': fed('  template: {}\n  retainReplicas: true\n', 'FederatedSecret'),
    });
    assert.deepEqual(
      out.map((l) => l.replace(/ \(registered: a, b\)/, '')),
      [
        'f.yaml:6: FederatedConfigMap/shop/x: placement names cluster "mars", which is not registered in clusters/',
        'f.yaml:10: FederatedConfigMap/shop/x: override path /metadata/name cannot be changed per cluster',
        'f.yaml:12: FederatedConfigMap/shop/x: override path /data/a appears twice for cluster "a"',
        'f.yaml:13: FederatedConfigMap/shop/x: overrides name cluster "ghost", which is not registered in clusters/',
        'g.yaml:5: FederatedWidget/shop/x: fedsync does not know the API version of Widget; set spec.template.apiVersion',
        'h.yaml:6: FederatedSecret/shop/x: unknown field spec.retainReplicas: types.kubefed.io/v1beta1 FederatedSecret has no such field (check the spelling)',
      ],
    );
  });

  test('a ReplicaSchedulingPreference needs its target and conflicts with an annotation', () => {
    const rsp =
      'apiVersion: scheduling.kubefed.io/v1alpha1\nkind: ReplicaSchedulingPreference\nmetadata: {name: web, namespace: default}\nspec: {targetKind: FederatedReplicaSet, totalReplicas: 4}\n';
    assert.match(problems({ 'rsp.yaml': rsp })[0] ?? '', /no ReplicaSet default\/web in the repository/);
    assert.match(
      problems({
        'rsp.yaml': rsp,
        'rs.yaml': rs(`    federation.kubernetes.io/replica-set-preferences: '{}'\n`),
      })[0] ?? '',
      /already has replica preferences at rs\.yaml:2/,
    );
    const repo = ok({
      'rsp.yaml': rsp,
      'rs.yaml': 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec: {replicas: 1}\n',
    });
    assert.equal(repo.objects[0]?.replicaScheduling?.totalReplicas, 4);
    assert.equal((repo.objects[0]?.template.spec as { replicas: number }).replicas, 4);
  });
});

describe('references between objects', () => {
  const svc = (name: string, type: string, nodePort: number) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: ${type}\n  ports: [{name: http, port: 80, nodePort: ${nodePort}}]\n`;
  const ing = (backend: string, extra = '') =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n${extra}spec:\n  tls: [{secretName: cert}]\n  defaultBackend: {service: {name: nginx, port: ${backend}}}\n`;

  test('backend port, service type, TLS secret and pinned nodePort collisions', () => {
    assert.deepEqual(
      problems({
        'i.yaml': ing('{number: 81}'),
        's.yaml': svc('nginx', 'ClusterIP', 30036).replace(', nodePort: 30036', ''),
      }),
      [
        'i.yaml:6: Ingress/default/web: TLS Secret default/cert is not in the repository; add it (type kubernetes.io/tls) or name a certificate with ingress.gcp.kubernetes.io/pre-shared-cert',
        'i.yaml:7: Ingress/default/web: backend names port 81 of Service default/nginx, which has ports: 80 (http)',
        'i.yaml:7: Ingress/default/web: backend Service default/nginx is type ClusterIP; the global load balancer reaches clusters through a NodePort, so make it type NodePort',
      ],
    );
    ok({
      'i.yaml': ing('{name: http}', '  annotations: {ingress.gcp.kubernetes.io/pre-shared-cert: my-cert}\n'),
      's.yaml': svc('nginx', 'NodePort', 30036),
    });
    assert.match(
      problems({ 'a.yaml': svc('one', 'NodePort', 30036), 'b.yaml': svc('two', 'NodePort', 30036) })[0] ?? '',
      /^b\.yaml:6: .*nodePort 30036 is already pinned by Service\/default\/one at a\.yaml:2/,
    );
  });
});

test('a parse cache keyed by blob id parses an unchanged file only once', () => {
  const cache = createParseCache();
  const files = [
    ...CLUSTERS.map((f, i) => ({ ...f, oid: `c${i}` })),
    { path: 'x.yaml', text: cm('x'), oid: 'x1' },
  ];
  assert.ok(loadFederation(files, { cache }).ok);
  assert.equal(cache.parsed, 3);
  const next = files.map((f) => (f.path === 'x.yaml' ? { ...f, text: cm('y'), oid: 'x2' } : f));
  const r = loadFederation(next, { cache });
  assert.equal(cache.parsed, 4);
  assert.ok(r.ok && r.value.objects[0]?.template.metadata.name === 'y');
  assert.equal(cache.entries.size, 3, 'entries of files no longer present are dropped');
});

describe('paths', () => {
  test('paths that are not normalised relative paths are refused with a problem, never read', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
    for (const path of [
      '../outside.yaml',
      'apps/../../x.yaml',
      'apps/./x.yaml',
      '/etc/x.yaml',
      'a//x.yaml',
      'a\\x.yaml',
    ]) {
      const r = loadFederation([...CLUSTERS, { path, text }]);
      assert.ok(!r.ok, path);
      assert.deepEqual(
        r.problems.map((p) => [p.code, p.source?.file]),
        [['layout.badPath', path]],
      );
      assert.match(r.problems[0]!.message, /not a normalised relative path/);
    }
  });

  test('dot directories and non-YAML files are skipped without a problem', () => {
    const r = loadFederation([
      ...CLUSTERS,
      { path: '.github/workflows/ci.yaml', text: 'on: push\n' },
      { path: 'README.md', text: '# hi\n' },
    ]);
    assert.ok(r.ok);
    assert.deepEqual(r.value.objects, []);
  });
});
