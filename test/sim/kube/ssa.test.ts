// Contract: server-side apply through @kubernetes/client-node (create, update, conflicts, field
// removal, force, dry run, no-op applies that write nothing).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let objs: k8s.KubernetesObjectApi;
let core: k8s.CoreV1Api;

before(async () => {
  sim = await testCluster();
  const kc = kubeConfigFor(sim);
  objs = k8s.KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(k8s.CoreV1Api);
});
after(() => sim.stop());

type Obj = k8s.KubernetesObject & Record<string, unknown>;

function apply(obj: Obj, manager: string, opts: { force?: boolean; dryRun?: boolean } = {}): Promise<Obj> {
  return objs.patch<Obj>(
    obj,
    undefined,
    opts.dryRun ? 'All' : undefined,
    manager,
    opts.force,
    k8s.PatchStrategy.ServerSideApply,
  );
}

const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  data,
});

function managers(o: Obj): string[] {
  return (o.metadata?.managedFields ?? []).map((m) => `${m.manager}:${m.operation}`).sort();
}

test('apply creates the object and records the manager in managedFields', async () => {
  const created = await apply(cm('ssa-create', { a: '1' }), 'fedsync');
  assert.deepEqual(created.data, { a: '1' });
  assert.deepEqual(managers(created), ['fedsync:Apply']);
  const fields = created.metadata?.managedFields?.[0]?.fieldsV1 as Record<string, unknown>;
  assert.deepEqual(fields, { 'f:data': { 'f:a': {} } });
});

test('applying the same object again writes nothing', async () => {
  const first = await apply(cm('ssa-noop', { a: '1' }, { app: 'x' }), 'fedsync');
  const rv = sim.store.currentRV();
  const again = await apply(cm('ssa-noop', { a: '1' }, { app: 'x' }), 'fedsync', { force: true });
  assert.equal(again.metadata?.resourceVersion, first.metadata?.resourceVersion);
  assert.equal(sim.store.currentRV(), rv, 'no resourceVersion bump, so no watch event');
  assert.equal(sim.counters.snapshot().changes > 0, true);
});

test('apply updates owned fields and keeps fields of other managers', async () => {
  await apply(cm('ssa-share', { a: '1' }), 'fedsync');
  await core.patchNamespacedConfigMap(
    { namespace: 'default', name: 'ssa-share', body: { data: { other: 'o' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  const updated = await apply(cm('ssa-share', { a: '2' }), 'fedsync');
  assert.deepEqual(updated.data, { a: '2', other: 'o' });
  assert.deepEqual(managers(updated), ['fedsync:Apply', 'node-fetch:Update']);
});

test('a field owned by another manager with a different value is a 409 conflict with causes', async () => {
  await apply(cm('ssa-conflict', { a: '1' }), 'alice');
  const s = await rejectsWith(apply(cm('ssa-conflict', { a: '2' }), 'bob'), 409);
  assert.equal(s.reason, 'Conflict');
  assert.match(s.message ?? '', /^Apply failed with 1 conflict: conflict with "alice"/);
  assert.deepEqual(s.details?.causes, [
    { reason: 'FieldManagerConflict', message: 'conflict with "alice" using v1', field: '.data.a' },
  ]);
  // The same value is no conflict: both managers share the field.
  const shared = await apply(cm('ssa-conflict', { a: '1' }), 'bob');
  assert.deepEqual(managers(shared), ['alice:Apply', 'bob:Apply']);
});

test('force takes the field over from the other manager', async () => {
  await apply(cm('ssa-force', { a: '1', b: '1' }), 'alice');
  const forced = await apply(cm('ssa-force', { a: '2' }), 'bob', { force: true });
  assert.deepEqual(forced.data, { a: '2', b: '1' });
  const alice = forced.metadata?.managedFields?.find((m) => m.manager === 'alice');
  assert.deepEqual(alice?.fieldsV1, { 'f:data': { 'f:b': {} } }, 'alice lost .data.a');
});

test('a field the manager stops applying is removed unless someone else owns it', async () => {
  await apply(cm('ssa-remove', { a: '1', b: '2' }, { keep: 'y', drop: 'y' }), 'fedsync');
  const after1 = await apply(cm('ssa-remove', { a: '1' }, { keep: 'y' }), 'fedsync');
  assert.deepEqual(after1.data, { a: '1' });
  assert.deepEqual(after1.metadata?.labels, { keep: 'y' });
  // A field co-owned by another applier survives when one of them drops it.
  await apply(cm('ssa-remove', { a: '1' }), 'other');
  const after2 = await apply(cm('ssa-remove', {}, { keep: 'y' }), 'fedsync');
  assert.deepEqual(after2.data, { a: '1' });
});

test('list items with a merge key are owned and removed item by item', async () => {
  const dep = (containers: { name: string; image: string }[]): Obj => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ssa-dep', namespace: 'default' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'ssa' } },
      template: { metadata: { labels: { app: 'ssa' } }, spec: { containers } },
    },
  });
  await apply(
    dep([
      { name: 'web', image: 'web:1' },
      { name: 'side', image: 'side:1' },
    ]),
    'fedsync',
  );
  const live = await apply(dep([{ name: 'web', image: 'web:2' }]), 'fedsync');
  const spec = live.spec as k8s.V1DeploymentSpec;
  assert.deepEqual(
    spec.template.spec?.containers.map((c) => `${c.name}=${c.image}`),
    ['web=web:2'],
  );
  assert.equal(
    spec.template.spec?.containers[0]?.imagePullPolicy,
    'IfNotPresent',
    'server defaults are filled',
  );
  assert.equal(spec.strategy?.type, 'RollingUpdate');
  await sim.settle();
  const rv = sim.store.currentRV();
  await apply(dep([{ name: 'web', image: 'web:2' }]), 'fedsync');
  assert.equal(sim.store.currentRV(), rv, 'defaults do not make re-applies write');
});

test('apply with dryRun=All returns the result without storing it', async () => {
  await apply(cm('ssa-dry', { a: '1' }), 'fedsync');
  const rv = sim.store.currentRV();
  const dry = await apply(cm('ssa-dry', { a: '2' }), 'fedsync', { dryRun: true });
  assert.deepEqual(dry.data, { a: '2' });
  assert.equal(sim.store.currentRV(), rv);
  const live = await core.readNamespacedConfigMap({ namespace: 'default', name: 'ssa-dry' });
  assert.deepEqual(live.data, { a: '1' });
  const dryCreate = await apply(cm('ssa-dry-new', { a: '1' }), 'fedsync', { dryRun: true });
  assert.equal(dryCreate.metadata?.name, 'ssa-dry-new');
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'ssa-dry-new' }), 404);
});

test('apply without a field manager is 400; a status field in an apply is ignored for kinds with /status', async () => {
  const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps/x`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/apply-patch+yaml' },
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
  });
  assert.equal(res.status, 400);
  const svc = await apply(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ssa-svc', namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    },
    'fedsync',
  );
  assert.equal(svc.status === undefined || JSON.stringify(svc.status).includes('1.2.3.4') === false, true);
});

test('re-applying a NodePort Service keeps the allocated nodePort and writes nothing', async () => {
  const svc: Obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ssa-np', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] },
  };
  const first = await apply(svc, 'fedsync');
  const nodePort = (first.spec as k8s.V1ServiceSpec).ports?.[0]?.nodePort;
  assert.ok(nodePort && nodePort >= 30000);
  const rv = sim.store.currentRV();
  const again = await apply(svc, 'fedsync', { force: true });
  assert.equal((again.spec as k8s.V1ServiceSpec).ports?.[0]?.nodePort, nodePort);
  assert.equal(sim.store.currentRV(), rv);
});

function jsonPatch(obj: Obj, ops: unknown[], manager = 'fedsync'): Promise<Obj> {
  return core.patchNamespacedConfigMap(
    { name: obj.metadata!.name!, namespace: 'default', body: ops, fieldManager: manager },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  ) as Promise<Obj>;
}

test('a write other than apply may set managedFields: a list replaces them, [{}] clears them, [] keeps them', async () => {
  // The object a person made, then fedsync force-applied (adopted) with one value changed.
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'mf-edit' }, data: { a: '1', b: '2' } },
    fieldManager: 'kubectl-create',
  });
  const adopted = await apply(cm('mf-edit', { a: '1', b: 'git' }, { owner: 'fedsync' }), 'fedsync', {
    force: true,
  });
  assert.deepEqual(managers(adopted), ['fedsync:Apply', 'kubectl-create:Update']);
  const others = adopted.metadata!.managedFields!.filter((m) => m.manager !== 'fedsync');
  const rv = adopted.metadata!.resourceVersion!;

  const ref = cm('mf-edit', {});
  const released = await jsonPatch(ref, [
    { op: 'remove', path: '/metadata/labels/owner' },
    { op: 'add', path: '/metadata/managedFields', value: others },
    { op: 'replace', path: '/metadata/resourceVersion', value: rv },
  ]);
  assert.deepEqual(released.data, { a: '1', b: 'git' }, 'every field stays, fedsync-only ones too');
  assert.deepEqual(released.metadata?.labels ?? {}, {});
  assert.deepEqual(managers(released), ['kubectl-create:Update'], 'no Update entry for a removal only');

  // The resourceVersion in the patch is a precondition: a stale one is 409 Conflict.
  await rejectsWith(jsonPatch(ref, [{ op: 'replace', path: '/metadata/resourceVersion', value: rv }]), 409);

  const kept = await jsonPatch(ref, [{ op: 'add', path: '/metadata/managedFields', value: [] }]);
  assert.deepEqual(managers(kept), ['kubectl-create:Update'], '[] does not reset');
  const cleared = await jsonPatch(ref, [{ op: 'add', path: '/metadata/managedFields', value: [{}] }]);
  assert.deepEqual(managers(cleared), [], '[{}] clears every entry');
  assert.deepEqual(cleared.data, { a: '1', b: 'git' });
});
