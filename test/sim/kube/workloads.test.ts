// Contract: NodePort allocation, Nodes, and the built-in controllers limited by cluster capacity.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { dataPlaneOf } from '../../../src/sim/kube/data-plane.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';
import { waitFor } from '../../helpers/wait-for.js';

let sim: SimCluster;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

before(async () => {
  sim = await testCluster({ capacity: 3, nodes: 2 });
  const kc = kubeConfigFor(sim);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});
after(() => sim.stop());

const nodePortService = (name: string, nodePort?: number): k8s.V1Service => ({
  metadata: { name },
  spec: {
    type: 'NodePort',
    selector: { app: name },
    ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }],
  },
});

test('nodes carry topology labels and a gce providerID', async () => {
  const nodes = await core.listNode();
  assert.equal(nodes.items.length, 2);
  const n = nodes.items[0];
  assert.equal(n?.metadata?.labels?.['topology.kubernetes.io/region'], 'europe-west1');
  assert.equal(n?.metadata?.labels?.['topology.kubernetes.io/zone'], 'europe-west1-b');
  assert.equal(n?.spec?.providerID, 'gce://test-project/europe-west1-b/test-cluster-node-1');
  assert.equal(n?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});

test('NodePorts: allocated in range, requested ones honoured, taken or out-of-range ones are 422', async () => {
  const auto = await core.createNamespacedService({ namespace: 'default', body: nodePortService('np-auto') });
  const port = auto.spec?.ports?.[0]?.nodePort ?? 0;
  assert.ok(port >= 30000 && port <= 32767, `allocated ${port}`);
  assert.ok(auto.spec?.clusterIP);
  const fixed = await core.createNamespacedService({
    namespace: 'default',
    body: nodePortService('np-fixed', 31234),
  });
  assert.equal(fixed.spec?.ports?.[0]?.nodePort, 31234);
  const taken = await rejectsWith(
    core.createNamespacedService({ namespace: 'default', body: nodePortService('np-taken', 31234) }),
    422,
  );
  assert.equal(taken.reason, 'Invalid');
  assert.equal(taken.details?.causes?.[0]?.field, 'spec.ports[0].nodePort');
  assert.match(taken.details?.causes?.[0]?.message ?? '', /already allocated/);
  await rejectsWith(
    core.createNamespacedService({ namespace: 'default', body: nodePortService('np-range', 8080) }),
    422,
  );
  // An update that omits the nodePort keeps the allocated one; deleting frees it.
  const replaced = await core.replaceNamespacedService({
    namespace: 'default',
    name: 'np-fixed',
    body: { ...nodePortService('np-fixed'), metadata: { name: 'np-fixed' } },
  });
  assert.equal(replaced.spec?.ports?.[0]?.nodePort, 31234);
  await core.deleteNamespacedService({ namespace: 'default', name: 'np-fixed' });
  const again = await core.createNamespacedService({
    namespace: 'default',
    body: nodePortService('np-again', 31234),
  });
  assert.equal(again.spec?.ports?.[0]?.nodePort, 31234);
});

test('a Deployment gets Pods up to capacity; the rest stay Pending/Unschedulable', async () => {
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              },
            ],
          },
        },
      },
    },
  });
  await sim.settle();
  const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
  assert.equal(d.status?.replicas, 5);
  assert.equal(d.status?.readyReplicas, 3);
  assert.equal(d.status?.availableReplicas, 3);
  assert.equal(d.status?.observedGeneration, 1);
  assert.deepEqual(
    d.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`),
    ['Available=False/MinimumReplicasUnavailable', 'Progressing=True/ReplicaSetUpdated'],
  );
  const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items;
  const pending = pods.filter((p) => p.status?.phase === 'Pending');
  assert.equal(pending.length, 2);
  const cond = pending[0]?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'Unschedulable');
  assert.ok(cond?.lastTransitionTime instanceof Date);
  const running = pods.filter((p) => p.status?.phase === 'Running');
  assert.equal(
    running[0]?.spec?.containers[0]?.readinessProbe?.httpGet?.path,
    '/healthz',
    'probe copied from template',
  );
  assert.ok(running.every((p) => p.spec?.nodeName?.startsWith('test-cluster-node-')));
  const byField = await core.listNamespacedPod({
    namespace: 'default',
    fieldSelector: 'status.phase=Pending',
  });
  assert.equal(byField.items.length, 2);

  const immutable = await rejectsWith(
    apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'web', body: { spec: { selector: { matchLabels: { app: 'other' } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    ),
    422,
  );
  assert.equal(
    immutable.details?.causes?.some((c) => c.field === 'spec.selector'),
    true,
  );

  await sim.setFault({ fault: 'capacity', pods: 10 });
  await sim.settle();
  const scaledUp = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
  assert.equal(scaledUp.status?.readyReplicas, 5, 'raising capacity schedules the pending pods');

  await sim.setFault({ fault: 'capacity', pods: 2 });
  await waitFor('eviction', async () => {
    await sim.settle();
    const dd = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    return dd.status?.readyReplicas === 2 ? dd : undefined;
  });
  await sim.setFault({ fault: 'capacity', pods: 3 });
  await sim.settle();
});

test('a ReplicaSet gets Pods and status; deleting it removes them; scaling down removes pods', async () => {
  await apps.createNamespacedReplicaSet({
    namespace: 'default',
    body: {
      metadata: { name: 'rs' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'rs' } },
        template: {
          metadata: { labels: { app: 'rs' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    },
  });
  await sim.settle();
  const rs = await apps.readNamespacedReplicaSet({ namespace: 'default', name: 'rs' });
  assert.equal(rs.status?.replicas, 1);
  assert.equal(rs.status?.observedGeneration, 1);
  await apps.patchNamespacedReplicaSet(
    { namespace: 'default', name: 'rs', body: { spec: { replicas: 0 } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await sim.settle();
  const scaled = await apps.readNamespacedReplicaSet({ namespace: 'default', name: 'rs' });
  assert.equal(scaled.status?.replicas, 0);
  assert.equal(scaled.status?.observedGeneration, 2);
  assert.equal(
    (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=rs' })).items.length,
    0,
  );
});

test('the data plane shows nodes and the ready pods behind a NodePort with their readiness path', async () => {
  await core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] },
    },
  });
  const dp = dataPlaneOf(sim);
  assert.equal(dp.isReachable(), true);
  assert.deepEqual(
    dp.instances().map((i) => i.name),
    ['test-cluster-node-1', 'test-cluster-node-2'],
  );
  const eps = dp.readyEndpointsForNodePort(30080);
  assert.equal(eps.length, 3, 'capacity 3: three of five web pods are ready');
  assert.equal(eps[0]?.readinessPath, '/healthz');
  assert.deepEqual(dp.readyEndpointsForNodePort(30999), []);
  await sim.setFault({ fault: 'down' });
  assert.equal(dp.isReachable(), false);
  await sim.setFault({ fault: 'up' });
  assert.equal(dp.isReachable(), true);
});

test('the scale subresource reads and writes spec.replicas of Deployments and ReplicaSets', async () => {
  await apps.createNamespacedReplicaSet({
    namespace: 'default',
    body: {
      metadata: { name: 'scaled' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'scaled' } },
        template: {
          metadata: { labels: { app: 'scaled' } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      },
    },
  });
  const scale = await apps.readNamespacedReplicaSetScale({ namespace: 'default', name: 'scaled' });
  assert.equal(scale.spec?.replicas, 2);
  assert.equal(scale.status?.selector, 'app=scaled');
  await apps.patchNamespacedReplicaSetScale(
    { namespace: 'default', name: 'scaled', body: { spec: { replicas: 1 } }, fieldManager: 'kubectl-scale' },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  const rs = await apps.readNamespacedReplicaSet({ namespace: 'default', name: 'scaled' });
  assert.equal(rs.spec?.replicas, 1);
  assert.ok(rs.metadata?.managedFields?.some((m) => m.manager === 'kubectl-scale'));
  await rejectsWith(
    apps.replaceNamespacedReplicaSetScale({
      namespace: 'default',
      name: 'scaled',
      body: { metadata: { name: 'scaled' }, spec: { replicas: -1 } },
    }),
    422,
  );
  const resources = await fetch(`${sim.url}/apis/apps/v1`, {
    headers: { authorization: `Bearer ${sim.token}` },
  }).then((r) => r.json() as Promise<{ resources: { name: string; kind: string; group?: string }[] }>);
  assert.deepEqual(
    resources.resources.find((r) => r.name === 'replicasets/scale'),
    {
      name: 'replicasets/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    },
  );
});
