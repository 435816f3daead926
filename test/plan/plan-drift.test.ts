// Which planned writes correct drift: a field another manager owns now (kubectl scale, kubectl edit)
// is drift; a field fedsync still owns that Git changed is not; a deleted object fedsync recorded
// is drift ("missing"); an object never applied is neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterPlan, KubeObject, ObservedCluster } from '../../src/model/index.js';
import { ownsPath, parseFieldPath, plannedDrift } from '../../src/plan/plan-drift.js';

const ref = { group: 'apps', kind: 'ReplicaSet', namespace: 'default', name: 'nginx' };
const key = 'apps/ReplicaSet/default/nginx';

function live(managedFields: unknown[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'nginx', namespace: 'default', managedFields },
    spec: { replicas: 1 },
  };
}

const scaled = live([
  {
    manager: 'fedsync',
    operation: 'Apply',
    fieldsV1: {
      'f:spec': {
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } },
      },
    },
  },
  {
    manager: 'kubectl',
    operation: 'Update',
    subresource: 'scale',
    time: '2026-01-01T00:00:00Z',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  },
]);

function plan(actions: ClusterPlan['actions']): ClusterPlan {
  return { kind: 'cluster', name: 'eu', health: 'Ready', actions, inventory: [key], selfHeal: true };
}

function observed(object: KubeObject | undefined, inventory: string[] | null = [key]): ObservedCluster {
  return { name: 'eu', health: 'Ready', objects: object ? { [key]: object } : {}, inventory, workloads: {} };
}

const object = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'nginx', namespace: 'default' },
} as KubeObject;

test('field paths parse into the segments fieldsV1 uses', () => {
  assert.deepEqual(parseFieldPath('spec.template.spec.containers[name=nginx].image'), [
    { field: 'spec' },
    { field: 'template' },
    { field: 'spec' },
    { field: 'containers' },
    { item: { name: 'nginx' } },
    { field: 'image' },
  ]);
  assert.deepEqual(parseFieldPath('metadata.labels["app.kubernetes.io/name"]'), [
    { field: 'metadata' },
    { field: 'labels' },
    { field: 'app.kubernetes.io/name' },
  ]);
  assert.deepEqual(parseFieldPath('spec.rules[0].host'), [
    { field: 'spec' },
    { field: 'rules' },
    { index: 0 },
    { field: 'host' },
  ]);
  const set = { 'f:spec': { 'f:ports': { 'k:{"port":80}': { 'f:targetPort': {} } }, 'f:selector': {} } };
  assert.equal(ownsPath(set, 'spec.ports[port=80].targetPort'), true);
  assert.equal(ownsPath(set, 'spec.ports[port=81].targetPort'), false);
  assert.equal(ownsPath(set, 'spec.selector.app'), true, 'an atomic parent owns its children');
  assert.equal(ownsPath(set, 'spec.type'), false);
});

test('a kubectl scale is drift, named after kubectl; a Git change of a field fedsync owns is not', () => {
  const update = (changes: { path: string; from?: unknown; to?: unknown }[]) =>
    plan([{ action: 'update', ref, object, changes, reason: 'differs from Git' }]);
  assert.deepEqual(
    plannedDrift({ targets: [update([{ path: 'spec.replicas', from: 1, to: 3 }])] }, [observed(scaled)]),
    [
      {
        cluster: 'eu',
        ref,
        key,
        classification: 'modified',
        fields: [{ path: 'spec.replicas', from: 1, to: 3 }],
        manager: 'kubectl',
      },
    ],
  );
  const image = [{ path: 'spec.template.spec.containers[name=nginx].image', from: 'nginx:1', to: 'nginx:2' }];
  assert.deepEqual(plannedDrift({ targets: [update(image)] }, [observed(scaled)]), []);
  // Both in one update: only the drifted field is reported.
  const both = plannedDrift({ targets: [update([...image, { path: 'spec.replicas', from: 1, to: 3 }])] }, [
    observed(scaled),
  ]);
  assert.deepEqual(
    both.map((d) => d.fields.map((f) => f.path)),
    [['spec.replicas']],
  );
});

test('a deleted object fedsync applied is missing; objects never applied and Offline clusters are not drift', () => {
  const create = plan([{ action: 'create', ref, object, reason: 'in Git, missing in the cluster' }]);
  assert.deepEqual(
    plannedDrift({ targets: [create] }, [observed(undefined)]).map((d) => d.classification),
    ['missing'],
  );
  assert.deepEqual(plannedDrift({ targets: [create] }, [observed(undefined, [])]), []);
  const offline: ClusterPlan = { ...create, health: 'Offline' };
  assert.deepEqual(plannedDrift({ targets: [offline] }, [observed(undefined)]), []);
});
