// Validation the simulator shares with a real API server for RBAC objects and pod specs, as
// @kubernetes/client-node sees it: 422 Invalid with the field of each problem, and the same objects
// done right are accepted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let rbac: k8s.RbacAuthorizationV1Api;
let apps: k8s.AppsV1Api;

before(async () => {
  sim = await testCluster();
  rbac = kubeConfigFor(sim).makeApiClient(k8s.RbacAuthorizationV1Api);
  apps = kubeConfigFor(sim).makeApiClient(k8s.AppsV1Api);
});
after(() => sim.stop());

const fields = (s: { details?: { causes?: { field?: string }[] } }): string[] =>
  (s.details?.causes ?? []).map((c) => c.field ?? '').sort();

test('Roles need verbs, API groups and resources; namespaced rules cannot name URLs', async () => {
  const bad = await rejectsWith(
    rbac.createNamespacedRole({
      namespace: 'default',
      body: {
        metadata: { name: 'bad' },
        rules: [
          { apiGroups: [''], resources: ['pods'], verbs: [] },
          { verbs: ['get'] },
          { nonResourceURLs: ['/healthz'], verbs: ['get'] },
        ],
      },
    }),
    422,
  );
  assert.deepEqual(fields(bad), [
    'rules[0].verbs',
    'rules[1].apiGroups',
    'rules[1].resources',
    'rules[2].nonResourceURLs',
  ]);
  const good = await rbac.createNamespacedRole({
    namespace: 'default',
    body: {
      metadata: { name: 'leases' },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }],
    },
  });
  assert.equal(good.metadata?.name, 'leases');
  const cluster = await rbac.createClusterRole({
    body: { metadata: { name: 'health' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] },
  });
  assert.equal(cluster.metadata?.name, 'health');
});

test('bindings need an RBAC roleRef and well-formed subjects', async () => {
  const bad = await rejectsWith(
    rbac.createNamespacedRoleBinding({
      namespace: 'default',
      body: {
        metadata: { name: 'bad' },
        roleRef: { apiGroup: 'rbac', kind: 'Secret', name: '' },
        subjects: [
          { kind: 'Robot', name: 'r2' },
          { kind: 'User', name: '' },
        ],
      },
    }),
    422,
  );
  assert.deepEqual(fields(bad), [
    'roleRef.apiGroup',
    'roleRef.kind',
    'roleRef.name',
    'subjects[0].kind',
    'subjects[1].apiGroup',
    'subjects[1].name',
  ]);
  const clusterWide = await rejectsWith(
    rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'bad' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leases' },
        subjects: [{ kind: 'ServiceAccount', name: 'fedsync' }],
      },
    }),
    422,
  );
  assert.deepEqual(fields(clusterWide), ['roleRef.kind', 'subjects[0].namespace']);
  const ok = await rbac.createNamespacedRoleBinding({
    namespace: 'default',
    body: {
      metadata: { name: 'leases' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leases' },
      subjects: [{ kind: 'ServiceAccount', name: 'fedsync', namespace: 'default' }],
    },
  });
  assert.equal(ok.roleRef.name, 'leases');
});

function deployment(pod: k8s.V1PodSpec): k8s.V1Deployment {
  return {
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: pod },
    },
  };
}

test('a pod template: mounts name volumes, volumes have one source, probes one handler, requests ≤ limits', async () => {
  const bad = await rejectsWith(
    apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment({
        volumes: [
          { name: 'config', configMap: { name: 'c' } },
          { name: 'config', emptyDir: {} },
          { name: 'none' },
        ],
        securityContext: { runAsUser: -1 },
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ name: 'way-too-long-port-name', containerPort: 8080 }],
            volumeMounts: [
              { name: 'config', mountPath: '/etc/web' },
              { name: 'cache', mountPath: '/etc/web' },
            ],
            readinessProbe: { periodSeconds: 5 },
            resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } },
          },
        ],
      }),
    }),
    422,
  );
  const p = 'spec.template.spec';
  assert.deepEqual(fields(bad), [
    `${p}.containers[0].ports[0].name`,
    `${p}.containers[0].readinessProbe`,
    `${p}.containers[0].resources.requests`,
    `${p}.containers[0].volumeMounts[1].mountPath`,
    `${p}.containers[0].volumeMounts[1].name`,
    `${p}.securityContext.runAsUser`,
    `${p}.volumes[1].name`,
    `${p}.volumes[2]`,
  ]);
  const good = await apps.createNamespacedDeployment({
    namespace: 'default',
    body: deployment({
      volumes: [{ name: 'config', configMap: { name: 'c' } }],
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ name: 'http', containerPort: 8080 }],
          volumeMounts: [{ name: 'config', mountPath: '/etc/web' }],
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
          resources: { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } },
        },
      ],
    }),
  });
  assert.equal(good.metadata?.name, 'web');
});
