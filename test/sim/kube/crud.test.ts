// Contract: @kubernetes/client-node 1.4 against the simulated API server, basic verbs and errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from '../../../src/sim/kube/cluster.js';
import { kubeConfigFor, rejectsWith, testCluster } from './helpers.js';

let sim: SimCluster;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let objs: k8s.KubernetesObjectApi;

before(async () => {
  sim = await testCluster();
  const kc = kubeConfigFor(sim);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  objs = k8s.KubernetesObjectApi.makeApiClient(kc);
});
after(() => sim.stop());

test('requests without the bearer token get 401 Unauthorized', async () => {
  const bad = kubeConfigFor(sim, 'wrong').makeApiClient(k8s.CoreV1Api);
  await assert.rejects(bad.listNamespace(), (err: k8s.ApiException<unknown>) => err.code === 401);
  const raw = await fetch(`${sim.url}/api/v1/namespaces`);
  assert.equal(raw.status, 401);
  assert.equal(((await raw.json()) as { reason: string }).reason, 'Unauthorized');
  const res = await fetch(`${sim.url}/readyz`);
  assert.equal(res.status, 200, '/readyz needs no token');
  assert.equal((await fetch(`${sim.url}/healthz`)).status, 200);
});

test('create sets uid, resourceVersion, generation and creationTimestamp; get returns it', async () => {
  const rvBefore = sim.store.currentRV();
  const created = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'crud-a', labels: { app: 'web' } }, data: { k: 'v' } },
  });
  assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(Number(created.metadata?.resourceVersion) > rvBefore);
  assert.equal(created.metadata?.generation, 1);
  assert.ok(created.metadata?.creationTimestamp instanceof Date);
  const got = await core.readNamespacedConfigMap({ namespace: 'default', name: 'crud-a' });
  assert.deepEqual(got.data, { k: 'v' });
});

test('create of an existing name is 409 AlreadyExists; get of a missing one is 404 NotFound', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'crud-dup' } } });
  const s = await rejectsWith(
    core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'crud-dup' } } }),
    409,
  );
  assert.equal(s.reason, 'AlreadyExists');
  const nf = await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'nope' }), 404);
  assert.equal(nf.reason, 'NotFound');
  assert.equal(nf.message, 'configmaps "nope" not found');
  const ns = await rejectsWith(
    core.createNamespacedConfigMap({ namespace: 'missing-ns', body: { metadata: { name: 'x' } } }),
    404,
  );
  assert.equal(ns.message, 'namespaces "missing-ns" not found');
});

test('creating an object that carries a resourceVersion fails as etcd storage fails it', async () => {
  const read = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'crud-rv' } },
  });
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'crud-rv' });
  const s = await rejectsWith(core.createNamespacedConfigMap({ namespace: 'default', body: read }), 500);
  assert.equal(s.message, 'resourceVersion should not be set on objects to be created');
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'crud-rv' }), 404);
});

test('an invalid object is 422 Invalid with field causes; a bad body is 400 BadRequest', async () => {
  const s = await rejectsWith(
    core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }),
    422,
  );
  assert.equal(s.reason, 'Invalid');
  assert.equal(s.details?.causes?.[0]?.field, 'metadata.name');
  const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
    body: '{not json',
  });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { reason: string }).reason, 'BadRequest');
});

test('update with a stale resourceVersion is 409 Conflict; a current one succeeds', async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'crud-upd' }, data: { a: '1' } },
  });
  const updated = await core.replaceNamespacedConfigMap({
    namespace: 'default',
    name: 'crud-upd',
    body: { ...cm, data: { a: '2' } },
  });
  assert.notEqual(updated.metadata?.resourceVersion, cm.metadata?.resourceVersion);
  const s = await rejectsWith(
    core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'crud-upd',
      body: { ...cm, data: { a: '3' } },
    }),
    409,
  );
  assert.equal(s.reason, 'Conflict');
  assert.match(s.message ?? '', /the object has been modified/);
});

test('an update that changes nothing writes nothing', async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'crud-noop' }, data: { a: '1' } },
  });
  const rv = sim.store.currentRV();
  const same = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'crud-noop', body: cm });
  assert.equal(same.metadata?.resourceVersion, cm.metadata?.resourceVersion);
  assert.equal(sim.store.currentRV(), rv);
});

test('generation bumps on spec changes only', async () => {
  const body: k8s.V1Deployment = {
    metadata: { name: 'gen', labels: { a: '1' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'gen' } },
      template: {
        metadata: { labels: { app: 'gen' } },
        spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
      },
    },
  };
  const d = await apps.createNamespacedDeployment({ namespace: 'default', body });
  assert.equal(d.metadata?.generation, 1);
  const labelled = await apps.patchNamespacedDeployment(
    { namespace: 'default', name: 'gen', body: { metadata: { labels: { a: '2' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  assert.equal(labelled.metadata?.generation, 1);
  const scaled = await apps.patchNamespacedDeployment(
    { namespace: 'default', name: 'gen', body: { spec: { replicas: 1 } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  assert.equal(scaled.metadata?.generation, 2);
});

test('list filters by label and field selectors and pages with limit/continue', async () => {
  await core.createNamespace({ body: { metadata: { name: 'listing' } } });
  for (const n of ['l1', 'l2', 'l3', 'l4']) {
    await core.createNamespacedConfigMap({
      namespace: 'listing',
      body: { metadata: { name: n, labels: { tier: n === 'l4' ? 'db' : 'web' } } },
    });
  }
  const web = await core.listNamespacedConfigMap({ namespace: 'listing', labelSelector: 'tier=web' });
  assert.deepEqual(
    web.items.map((i) => i.metadata?.name),
    ['l1', 'l2', 'l3'],
  );
  const notWeb = await core.listNamespacedConfigMap({
    namespace: 'listing',
    labelSelector: 'tier notin (web)',
  });
  assert.deepEqual(
    notWeb.items.map((i) => i.metadata?.name),
    ['l4'],
  );
  const byName = await core.listConfigMapForAllNamespaces({
    fieldSelector: 'metadata.name=l2,metadata.namespace=listing',
  });
  assert.deepEqual(
    byName.items.map((i) => i.metadata?.name),
    ['l2'],
  );
  const page1 = await core.listNamespacedConfigMap({ namespace: 'listing', limit: 3 });
  assert.equal(page1.items.length, 3);
  assert.ok(page1.metadata?._continue);
  assert.ok(page1.metadata?.resourceVersion);
  const page2 = await core.listNamespacedConfigMap({
    namespace: 'listing',
    limit: 3,
    _continue: page1.metadata?._continue,
  });
  assert.deepEqual(
    page2.items.map((i) => i.metadata?.name),
    ['l4'],
  );
  assert.equal(page2.metadata?._continue, undefined);
  await rejectsWith(core.listNamespacedConfigMap({ namespace: 'listing', fieldSelector: 'data.x=1' }), 400);
});

test('merge, JSON and strategic-merge patches', async () => {
  const objsCm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'crud-patch', namespace: 'default' },
  };
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'crud-patch' }, data: { a: '1', b: '2' } },
  });
  const merged = await objs.patch(
    { ...objsCm, data: { a: null, c: '3' } } as unknown as k8s.KubernetesObject,
    undefined,
    undefined,
    'tester',
    undefined,
    k8s.PatchStrategy.MergePatch,
  );
  assert.deepEqual((merged as k8s.V1ConfigMap).data, { b: '2', c: '3' });
  const jp = await core.patchNamespacedConfigMap(
    {
      namespace: 'default',
      name: 'crud-patch',
      body: [
        { op: 'replace', path: '/data/b', value: 'x' },
        { op: 'remove', path: '/data/c' },
      ],
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  assert.deepEqual(jp.data, { b: 'x' });
  const pod = await core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: { name: 'smp' },
      spec: {
        containers: [
          { name: 'a', image: 'x:1' },
          { name: 'b', image: 'y:1' },
        ],
      },
    },
  });
  assert.equal(pod.spec?.containers.length, 2);
  const smp = await core.patchNamespacedPod(
    { namespace: 'default', name: 'smp', body: { spec: { containers: [{ name: 'b', image: 'y:2' }] } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
  );
  assert.deepEqual(
    smp.spec?.containers.map((c) => `${c.name}=${c.image}`),
    ['a=x:1', 'b=y:2'],
    'containers merge by name',
  );
  const stale = await rejectsWith(
    core.patchNamespacedConfigMap(
      {
        namespace: 'default',
        name: 'crud-patch',
        body: { metadata: { resourceVersion: '1' }, data: { z: '1' } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    ),
    409,
  );
  assert.equal(stale.reason, 'Conflict');
});

test('dryRun=All validates and answers but stores nothing', async () => {
  const rv = sim.store.currentRV();
  const dry = await core.createNamespacedConfigMap({
    namespace: 'default',
    dryRun: 'All',
    body: { metadata: { name: 'dry' }, data: { a: '1' } },
  });
  assert.equal(dry.metadata?.name, 'dry');
  // Simulated controllers may write meanwhile; what matters is that nothing was stored for `dry`.
  const writesTo = (since: number, name: string) =>
    (sim.store.eventsSince(since) ?? []).filter(
      (e) => (e.object.metadata as { name?: string } | undefined)?.name === name,
    );
  assert.deepEqual(writesTo(rv, 'dry'), [], 'a dry-run create stores nothing');
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'dry' }), 404);
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'dry2' }, data: { a: '1' } },
  });
  const rv2 = sim.store.currentRV();
  await core.replaceNamespacedConfigMap({
    namespace: 'default',
    name: 'dry2',
    dryRun: 'All',
    body: { metadata: { name: 'dry2' }, data: { a: '2' } },
  });
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'dry2', dryRun: 'All' });
  assert.deepEqual((await core.readNamespacedConfigMap({ namespace: 'default', name: 'dry2' })).data, {
    a: '1',
  });
  assert.deepEqual(
    writesTo(rv2, 'dry2').filter((e) => e.rv > rv2),
    [],
    'dry-run replace and delete store nothing',
  );
  await rejectsWith(
    core.createNamespacedConfigMap({
      namespace: 'default',
      dryRun: 'All',
      body: { metadata: { name: 'Bad!' } },
    }),
    422,
  );
});

test('delete answers a Status, honours finalizers and deletionTimestamp', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'del-a' } } });
  const st = await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'del-a' });
  assert.equal(st.status, 'Success');
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'del-a' }), 404);
  await rejectsWith(core.deleteNamespacedConfigMap({ namespace: 'default', name: 'del-a' }), 404);

  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'del-f', finalizers: ['example.com/hold'] } },
  });
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'del-f' });
  const held = await core.readNamespacedConfigMap({ namespace: 'default', name: 'del-f' });
  assert.ok(held.metadata?.deletionTimestamp, 'object with a finalizer stays, marked for deletion');
  await core.patchNamespacedConfigMap(
    { namespace: 'default', name: 'del-f', body: { metadata: { finalizers: null } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'del-f' }), 404);
});

test('deleting a namespace removes its objects; deleting an owner removes its dependents', async () => {
  await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
  await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } });
  const ns = await core.deleteNamespace({ name: 'doomed' });
  assert.ok(ns);
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'doomed', name: 'x' }), 404);
  await rejectsWith(core.readNamespace({ name: 'doomed' }), 404);

  const owner = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'owner' } },
  });
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' };
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'dep', ownerReferences: [ref] } },
  });
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'orphan-owner' } },
  });
  await core.deleteNamespacedConfigMap({
    namespace: 'default',
    name: 'owner',
    propagationPolicy: 'Background',
  });
  await rejectsWith(core.readNamespacedConfigMap({ namespace: 'default', name: 'dep' }), 404);

  const owner2 = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'owner2' } },
  });
  const ref2 = { ...ref, name: 'owner2', uid: owner2.metadata?.uid ?? '' };
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'dep2', ownerReferences: [ref2] } },
  });
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'owner2', propagationPolicy: 'Orphan' });
  const kept = await core.readNamespacedConfigMap({ namespace: 'default', name: 'dep2' });
  assert.deepEqual(kept.metadata?.ownerReferences ?? [], []);
});

test('discovery lists every built-in group-version and openapi v3 has a PATCH per kind', async () => {
  const get = async (p: string): Promise<Record<string, unknown>> =>
    (await (
      await fetch(`${sim.url}${p}`, { headers: { authorization: `Bearer ${sim.token}` } })
    ).json()) as Record<string, unknown>;
  const groups = (await get('/apis')) as { groups: { name: string }[] };
  assert.deepEqual(
    groups.groups.map((g) => g.name),
    ['apps', 'discovery.k8s.io', 'networking.k8s.io', 'coordination.k8s.io', 'rbac.authorization.k8s.io'],
  );
  const net = (await get('/apis/networking.k8s.io/v1')) as { resources: { name: string; kind: string }[] };
  assert.ok(net.resources.some((r) => r.name === 'ingresses' && r.kind === 'Ingress'));
  const index = (await get('/openapi/v3')) as { paths: Record<string, { serverRelativeURL: string }> };
  const url = index.paths['apis/apps/v1']?.serverRelativeURL ?? '';
  const doc = (await get(url)) as {
    paths: Record<string, { patch: { 'x-kubernetes-group-version-kind': { kind: string } } }>;
  };
  const kinds = Object.values(doc.paths).map((p) => p.patch['x-kubernetes-group-version-kind'].kind);
  assert.deepEqual(kinds.sort(), ['Deployment', 'ReplicaSet']);
  assert.equal(((await get('/version')) as { major: string }).major, '1');
});

test('a Table is served when asked for, for lists, single objects and watches', async () => {
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
  const headers = { authorization: `Bearer ${sim.token}`, accept };
  const list = (await (await fetch(`${sim.url}/api/v1/nodes`, { headers })).json()) as {
    kind: string;
    columnDefinitions: { name: string }[];
    rows: { cells: unknown[]; object: { metadata: { name: string } } }[];
  };
  assert.equal(list.kind, 'Table');
  assert.deepEqual(
    list.columnDefinitions.map((c) => c.name),
    ['Name', 'Status', 'Roles', 'Age', 'Version'],
  );
  assert.equal(list.rows[0]?.cells[1], 'Ready');
  assert.equal(list.rows[0]?.object.metadata.name, 'test-cluster-node-1');
  const one = (await (await fetch(`${sim.url}/api/v1/namespaces/default`, { headers })).json()) as {
    rows: unknown[];
  };
  assert.equal(one.rows.length, 1);
  const ac = new AbortController();
  const res = await fetch(`${sim.url}/api/v1/nodes?watch=true`, { headers, signal: ac.signal });
  const reader = res.body?.getReader();
  const chunk = await reader?.read();
  ac.abort();
  const first = JSON.parse(
    new TextDecoder().decode(chunk?.value as Uint8Array | undefined).split('\n')[0] ?? '{}',
  ) as {
    type: string;
    object: { kind: string };
  };
  assert.deepEqual([first.type, first.object.kind], ['ADDED', 'Table']);
});

test('the /status subresource changes only status, and the main resource leaves status alone', async () => {
  const svc = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'st' }, spec: { ports: [{ port: 80 }] } },
  });
  const withStatus = await core.replaceNamespacedServiceStatus({
    namespace: 'default',
    name: 'st',
    body: {
      ...svc,
      spec: { ...svc.spec, sessionAffinity: 'ClientIP' },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    },
  });
  assert.equal(withStatus.status?.loadBalancer?.ingress?.[0]?.ip, '1.2.3.4');
  assert.equal(withStatus.spec?.sessionAffinity, 'None', 'a status write ignores spec');
  const main = await core.replaceNamespacedService({
    namespace: 'default',
    name: 'st',
    body: { ...withStatus, status: { loadBalancer: {} } },
  });
  assert.equal(
    main.status?.loadBalancer?.ingress?.[0]?.ip,
    '1.2.3.4',
    'a main-resource write ignores status',
  );
});

test('Leases support optimistic concurrency for leader election', async () => {
  const coord = kubeConfigFor(sim).makeApiClient(k8s.CoordinationV1Api);
  const lease = await coord.createNamespacedLease({
    namespace: 'default',
    body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
  });
  await coord.replaceNamespacedLease({
    namespace: 'default',
    name: 'leader',
    body: { ...lease, spec: { holderIdentity: 'b' } },
  });
  const lost = await rejectsWith(
    coord.replaceNamespacedLease({
      namespace: 'default',
      name: 'leader',
      body: { ...lease, spec: { holderIdentity: 'c' } },
    }),
    409,
  );
  assert.equal(lost.reason, 'Conflict');
  assert.equal(
    (await coord.readNamespacedLease({ namespace: 'default', name: 'leader' })).spec?.holderIdentity,
    'b',
  );
});
