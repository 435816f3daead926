// Held deletes keep their dependencies: when a guard holds the delete of an object, the objects it
// names (TLS Secrets, backend Services, mounted or referenced ConfigMaps and Secrets, its
// ServiceAccount) are held with it, by its guards, so approving the holder releases them too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toMemberObject } from '../../src/federation/member-object.js';
import { clusterPlans } from '../../src/model/index.js';
import type { KubeAction, KubeObject, Plan } from '../../src/model/index.js';
import { GuardCode } from '../../src/plan/guards.js';
import { holdDependencies, referencedKeys } from '../../src/plan/guard-dependencies.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import { formatPlanText } from '../../src/report/format/plan-text.js';
import { formatPlanMarkdown } from '../../src/report/format/plan-markdown.js';
import { asApplied } from '../helpers/apiserver.js';
import {
  configMap,
  deployment,
  fedObject,
  ingress,
  observed,
  registration,
  repo,
  secret,
  service,
} from '../helpers/federation.js';

const owned = (obj: KubeObject): KubeObject =>
  asApplied(toMemberObject(obj, { federation: 'demo', source: 'apps/x.yaml@1' }));

const tlsIngress = (): KubeObject => {
  const i = ingress('shop', 'front', 'front-svc');
  (i.spec as Record<string, unknown>).tls = [{ hosts: ['shop.example.com'], secretName: 'front-tls' }];
  return i;
};

const kept = [
  deployment('shop', 'web'),
  service('shop', 'web'),
  configMap('shop', 'a'),
  configMap('shop', 'b'),
  configMap('shop', 'c'),
];

/** The Ingress, its TLS Secret and backend Service and an unrelated ConfigMap leave Git. */
function planRemoval(approvals: { digest: string; guards?: string[] }[] = []): Plan {
  const removed = [
    tlsIngress(),
    secret('shop', 'front-tls', { 'tls.crt': 'x' }),
    service('shop', 'front-svc'),
  ];
  return planRevision({
    revision: { sha: '1'.repeat(40) },
    repo: repo({ clusters: [registration('a')], objects: kept.map((o) => fedObject(o)), approvals }),
    clusters: [observed('a', { objects: [...kept, ...removed, configMap('shop', 'stale')].map(owned) })],
    now: '2026-01-01T00:00:00Z',
  });
}

const actionOf = (p: Plan, key: string): KubeAction | undefined =>
  clusterPlans(p)[0]!.actions.find(
    (a) => `${a.ref.group}/${a.ref.kind}/${a.ref.namespace}/${a.ref.name}` === key,
  );

test('a held Ingress delete keeps its TLS Secret and backend Service, held with it', () => {
  const p = planRemoval();
  const ingressAction = actionOf(p, 'networking.k8s.io/Ingress/shop/front');
  assert.equal(ingressAction?.action, 'held');
  for (const key of ['/Secret/shop/front-tls', '/Service/shop/front-svc']) {
    const a = actionOf(p, key);
    assert.ok(a?.action === 'held', `${key}: ${JSON.stringify(a)}`);
    assert.deepEqual(a.heldBy, [GuardCode.lbFrontendDelete], key);
    assert.deepEqual(a.heldWith, ['Ingress/shop/front'], key);
  }
  assert.equal(actionOf(p, '/ConfigMap/shop/stale')?.action, 'delete', 'what it does not use still goes');
  const inventory = clusterPlans(p)[0]!.inventory;
  assert.ok(inventory.includes('/Secret/shop/front-tls'), 'a held dependency stays in the inventory');

  const text = formatPlanText(p);
  assert.match(
    text,
    /! Secret\/shop\/front-tls \(delete held by guard\.lbFrontendDelete; held with Ingress\/shop\/front\)/,
  );
  assert.match(
    formatPlanMarkdown(p),
    /! Service\/shop\/front-svc \(delete held by guard\.lbFrontendDelete; held with Ingress\/shop\/front\)/,
  );
  const problem = p.problems.find((q) => q.code === GuardCode.lbFrontendDelete)!;
  assert.match(
    problem.message,
    /^1 delete\(s\) held: this deletes a load-balancer frontend .*: Ingress\/shop\/front; and 2 object\(s\) they use, held with them: Secret\/shop\/front-tls, Service\/shop\/front-svc\./,
  );
});

test('approving the holder releases what is held with it', () => {
  const digest = planRemoval().guards!.digest;
  const p = planRemoval([{ digest, guards: [GuardCode.lbFrontendDelete] }]);
  for (const key of [
    'networking.k8s.io/Ingress/shop/front',
    '/Secret/shop/front-tls',
    '/Service/shop/front-svc',
  ])
    assert.equal(actionOf(p, key)?.action, 'delete', key);
});

test('the extractor names what a live object refers to in its namespace', () => {
  assert.deepEqual(referencedKeys(owned(tlsIngress())), [
    '/Secret/shop/front-tls',
    '/Service/shop/front-svc',
  ]);
  const pod = {
    serviceAccountName: 'runner',
    imagePullSecrets: [{ name: 'registry' }],
    volumes: [
      { name: 'v1', secret: { secretName: 'certs' } },
      { name: 'v2', configMap: { name: 'settings' } },
      {
        name: 'v3',
        projected: { sources: [{ secret: { name: 'p-secret' } }, { configMap: { name: 'p-config' } }] },
      },
      { name: 'v4', emptyDir: {} },
    ],
    initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
    containers: [
      {
        name: 'app',
        envFrom: [{ secretRef: { name: 'app-env' } }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'one', key: 'a' } } },
          { name: 'B', valueFrom: { secretKeyRef: { name: 'two', key: 'b' } } },
          { name: 'C', value: 'plain' },
        ],
      },
    ],
  };
  const expected = [
    '/ConfigMap/jobs/init-env',
    '/ConfigMap/jobs/one',
    '/ConfigMap/jobs/p-config',
    '/ConfigMap/jobs/settings',
    '/Secret/jobs/app-env',
    '/Secret/jobs/certs',
    '/Secret/jobs/p-secret',
    '/Secret/jobs/registry',
    '/Secret/jobs/two',
    '/ServiceAccount/jobs/runner',
  ];
  const meta = { name: 'w', namespace: 'jobs' };
  const carriers: KubeObject[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { template: { spec: pod } } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { template: { spec: pod } } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { template: { spec: pod } } },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta,
      spec: { jobTemplate: { spec: { template: { spec: pod } } } },
    },
    { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: pod },
  ];
  for (const c of carriers) assert.deepEqual(referencedKeys(c), expected, c.kind);
  assert.deepEqual(
    referencedKeys({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta,
      imagePullSecrets: [{ name: 'pull' }],
    }),
    ['/Secret/jobs/pull'],
  );
  assert.deepEqual(referencedKeys(configMap('shop', 'x')), [], 'a ConfigMap names nothing');
});

test('dependencies are held through a chain, and only those about to be deleted', () => {
  const meta = (name: string) => ({ name, namespace: 'jobs' });
  const objects: Record<string, KubeObject> = {
    'apps/Deployment/jobs/w': {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('w'),
      spec: {
        template: {
          spec: { serviceAccountName: 'runner', volumes: [{ name: 'c', configMap: { name: 'kept' } }] },
        },
      },
    },
    '/ServiceAccount/jobs/runner': {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta('runner'),
      imagePullSecrets: [{ name: 'pull' }],
    },
    '/Secret/jobs/pull': { apiVersion: 'v1', kind: 'Secret', metadata: meta('pull') },
  };
  const out = holdDependencies({
    target: 'a',
    held: [
      {
        target: 'a',
        key: 'apps/Deployment/jobs/w',
        subject: 'Deployment/jobs/w',
        guards: [GuardCode.namespaceDelete],
      },
    ],
    deletes: ['/Secret/jobs/pull', '/ServiceAccount/jobs/runner', 'apps/Deployment/jobs/w'],
    objects,
  });
  assert.deepEqual(
    out.map((h) => [h.key, h.guards, h.heldWith ?? [], h.inherited ?? []]),
    [
      [
        '/Secret/jobs/pull',
        [GuardCode.namespaceDelete],
        ['ServiceAccount/jobs/runner'],
        [GuardCode.namespaceDelete],
      ],
      [
        '/ServiceAccount/jobs/runner',
        [GuardCode.namespaceDelete],
        ['Deployment/jobs/w'],
        [GuardCode.namespaceDelete],
      ],
      ['apps/Deployment/jobs/w', [GuardCode.namespaceDelete], [], []],
    ],
  );
});
