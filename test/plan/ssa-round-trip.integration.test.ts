// Diff normalisation against the cluster simulator's real server-side apply: every object the
// planner renders (the demo repository plus harder shapes) is applied exactly as fedsync's adapter
// applies it, read back with its managedFields, and must show no difference (no false drift).
// Then a field changed live by another manager, and a field dropped from Git, must show exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FederationRepo, KubeObject, ObservedCluster, Revision } from '../../src/model/index.js';
import { refKey, refOf } from '../../src/model/index.js';
import { readFederation } from '../../src/source/read-federation.js';
import { renderCluster } from '../../src/plan/render-cluster.js';
import { diffObject } from '../../src/plan/diff.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import { cloneJson } from '../../src/federation/member-object.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { testCluster } from '../sim/kube/helpers.js';
import { fedObject } from '../helpers/federation.js';
import { clusterPlans } from '../../src/model/index.js';

const CLUSTER = 'gce-europe-west1b';
const NOW = '2026-01-01T00:00:00Z';
const NS = 'roundtrip';

let sim: SimCluster;
let repo: FederationRepo;
let revision: Revision;
/** What the planner wants in CLUSTER, in apply order. */
let desired: KubeObject[];

// ---- the harder objects, as a person would write them in Git ----

const extraTemplates: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { team: 'shop' } } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: NS, labels: { app: 'shop' } },
    data: { a: '1', b: 'two', 'config.yaml': 'x: 1\ny: [1, 2]\n' },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop', namespace: NS, labels: { app: 'shop' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'shop' } },
      template: {
        metadata: { labels: { app: 'shop' }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              args: ['--port', '8080'],
              ports: [
                { name: 'http', containerPort: 8080 },
                { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
              ],
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'EMPTY', value: '' },
              ],
              // YAML `cpu: 0.5` is a number; the server stores the canonical "500m".
              resources: {
                requests: { cpu: 0.5, memory: '128Mi' },
                limits: { cpu: '1', memory: '0.5Gi', 'ephemeral-storage': '0.1Gi' },
              },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 10 },
              volumeMounts: [{ name: 'settings', mountPath: '/etc/shop' }],
            },
            {
              name: 'sidecar',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'sleep infinity'],
              resources: { requests: { cpu: '0.0005', memory: '1.5e6' } },
            },
          ],
          volumes: [
            { name: 'settings', configMap: { name: 'settings' } },
            { name: 'scratch', emptyDir: { sizeLimit: '1.5Gi' } },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'shop-internal', namespace: NS },
    // NodePort without a nodePort: the server allocates one, which fedsync does not own.
    spec: {
      type: 'NodePort',
      selector: { app: 'shop' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'shop', namespace: NS },
    spec: {
      type: 'NodePort',
      selector: { app: 'shop' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30100 }],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: NS, annotations: { 'kubernetes.io/ingress.class': 'fedsync' } },
    spec: {
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } },
              {
                path: '/api',
                pathType: 'ImplementationSpecific',
                backend: { service: { name: 'shop', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  },
  {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'gadget', namespace: NS },
    spec: { size: 3, ratio: 0.25, tags: ['a', 'b'], nested: { enabled: true, items: [{ name: 'x', n: 1 }] } },
  },
];

// ---- talking to the simulator the way fedsync's adapter does: raw HTTP ----

function pathOf(obj: KubeObject): string {
  const t = sim.resource(obj.apiVersion, obj.kind);
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced ? `/namespaces/${obj.metadata.namespace ?? 'default'}` : '';
  return `${base}${ns}/${t.plural}/${encodeURIComponent(obj.metadata.name)}`;
}

async function request(
  obj: KubeObject,
  init: { method: string; contentType?: string; body?: unknown; query?: string },
): Promise<KubeObject> {
  const res = await fetch(`${sim.url}${pathOf(obj)}${init.query ? `?${init.query}` : ''}`, {
    method: init.method,
    headers: {
      authorization: `Bearer ${sim.token}`,
      accept: 'application/json',
      ...(init.contentType ? { 'content-type': init.contentType } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  assert.ok(res.ok, `${init.method} ${obj.kind}/${obj.metadata.name}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as KubeObject;
}

/** Server-side apply as fedsync: field manager `fedsync`, force, apply-patch+yaml with a JSON body. */
const apply = (obj: KubeObject): Promise<KubeObject> =>
  request(obj, {
    method: 'PATCH',
    contentType: 'application/apply-patch+yaml',
    body: obj,
    query: 'fieldManager=fedsync&force=true',
  });

/** The live object as the cache sees it (with managedFields). */
const get = (obj: KubeObject): Promise<KubeObject> => request(obj, { method: 'GET' });

/** `kubectl edit`-style change by another manager. */
const editLive = (obj: KubeObject, patch: unknown): Promise<KubeObject> =>
  request(obj, {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: patch,
    query: 'fieldManager=kubectl-edit',
  });

const byKind = (kind: string, name: string): KubeObject => {
  const found = desired.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered for ${CLUSTER}`);
  return found;
};

async function liveState(): Promise<Record<string, KubeObject>> {
  const out: Record<string, KubeObject> = {};
  for (const o of desired) out[refKey(refOf(o))] = await get(o);
  return out;
}

before(async () => {
  sim = await testCluster({
    customResources: [{ group: 'example.com', version: 'v1', kind: 'Widget', namespaced: true }],
  });
  const read = await readFederation({ repo: 'fixtures/repos/demo' });
  assert.ok(read.result.ok, JSON.stringify(read.result));
  const demo = read.result.value;
  revision = read.revision;
  repo = {
    ...demo,
    objects: [
      ...demo.objects,
      ...extraTemplates.map((t) => fedObject(t, { file: `extra/${t.metadata.name}.yaml` })),
    ],
  };
  const rendered = renderCluster(repo, CLUSTER, { sha: revision.sha, now: NOW });
  assert.deepEqual(rendered.problems, []);
  desired = rendered.objects;
  const kinds = new Set(desired.map((o) => o.kind));
  for (const k of [
    'Namespace',
    'ConfigMap',
    'Secret',
    'Service',
    'ReplicaSet',
    'Deployment',
    'Ingress',
    'Widget',
  ])
    assert.ok(kinds.has(k), `${k} rendered`);
  for (const o of desired) await apply(o);
});
after(() => sim.stop());

test('every rendered object, applied with SSA and read back, shows no difference', async () => {
  for (const o of desired) {
    const live = await get(o);
    const managers = (live.metadata.managedFields ?? []) as { manager?: string; operation?: string }[];
    assert.ok(managers.some((m) => m.manager === 'fedsync' && m.operation === 'Apply'));
    assert.deepEqual(diffObject(o, live), [], `${o.kind}/${o.metadata.name} shows false drift`);
  }
});

test('the server really did default, allocate and canonicalise (the round trip is not trivial)', async () => {
  const deploy = (await get(byKind('Deployment', 'shop'))) as KubeObject & {
    spec: { template: { spec: { containers: { resources: unknown }[]; volumes: unknown[] } } };
  };
  const [web, sidecar] = deploy.spec.template.spec.containers;
  assert.deepEqual(web!.resources, {
    requests: { cpu: '500m', memory: '128Mi' },
    limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '107374182400m' },
  });
  assert.deepEqual(sidecar!.resources, { requests: { cpu: '500u', memory: '1500e3' } });
  assert.deepEqual(deploy.spec.template.spec.volumes[1], {
    name: 'scratch',
    emptyDir: { sizeLimit: '1536Mi' },
  });
  // Re-applying `cpu: 0.5` over the stored `500m` is a no-op, as on a real server.
  const again = await apply(byKind('Deployment', 'shop'));
  assert.equal(again.metadata.resourceVersion, deploy.metadata.resourceVersion);
  const svc = (await get(byKind('Service', 'shop-internal'))) as KubeObject & {
    spec: { clusterIP?: string; ports: { nodePort?: number }[] };
  };
  assert.equal(typeof svc.spec.ports[0]!.nodePort, 'number', 'nodePort allocated by the server');
  assert.equal(typeof svc.spec.clusterIP, 'string');
  const pinned = (await get(byKind('Service', 'shop'))) as KubeObject & {
    spec: { ports: { nodePort?: number }[] };
  };
  assert.equal(pinned.spec.ports[0]!.nodePort, 30100);
});

test('planRevision over the live objects: every action in the cluster is unchanged', async () => {
  const objects = await liveState();
  const others: ObservedCluster[] = repo.clusters
    .filter((c) => c.name !== CLUSTER)
    .map((c) => ({ name: c.name, health: 'Ready', objects: {}, inventory: [], workloads: {} }));
  const plan = planRevision({
    revision,
    repo,
    clusters: [
      { name: CLUSTER, health: 'Ready', objects, inventory: Object.keys(objects), workloads: {} },
      ...others,
    ],
    now: NOW,
  });
  const mine = clusterPlans(plan).find((c) => c.name === CLUSTER);
  assert.ok(mine);
  assert.equal(mine.actions.length, desired.length);
  assert.deepEqual(
    mine.actions.filter((a) => a.action !== 'unchanged'),
    [],
  );
  assert.deepEqual(
    plan.problems.filter((p) => p.cluster === CLUSTER || p.cluster === undefined),
    [],
  );
});

test('a field changed live by another manager is reported, and only that field', async () => {
  const cm = byKind('ConfigMap', 'settings');
  await editLive(cm, { data: { a: 'edited' } });
  assert.deepEqual(diffObject(cm, await get(cm)), [{ path: 'data.a', from: 'edited', to: '1' }]);

  const deploy = byKind('Deployment', 'shop');
  await editLive(deploy, { spec: { replicas: 5 } });
  assert.deepEqual(diffObject(deploy, await get(deploy)), [{ path: 'spec.replicas', from: 5, to: 2 }]);

  // fedsync's next apply (force) takes the fields back, and the drift is gone.
  await apply(cm);
  await apply(deploy);
  assert.deepEqual(diffObject(cm, await get(cm)), []);
  assert.deepEqual(diffObject(deploy, await get(deploy)), []);
});

test('a field fedsync applied before and Git no longer has is reported as a removal', async () => {
  const cm = cloneJson(byKind('ConfigMap', 'settings'));
  delete (cm.data as Record<string, string>).b;
  assert.deepEqual(diffObject(cm, await get(cm)), [{ path: 'data.b', from: 'two' }]);

  const deploy = cloneJson(byKind('Deployment', 'shop'));
  const web = (deploy.spec as { template: { spec: { containers: { env: { name: string }[] }[] } } }).template
    .spec.containers[0]!;
  web.env = web.env.filter((e) => e.name !== 'POD');
  assert.deepEqual(diffObject(deploy, await get(deploy)), [
    {
      path: 'spec.template.spec.containers[name=web].env[name=POD]',
      from: { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    },
  ]);

  // Applying the shorter object removes the field, and then there is nothing left to report.
  await apply(cm);
  await apply(deploy);
  const liveCm = await get(cm);
  assert.equal((liveCm.data as Record<string, string>).b, undefined);
  assert.deepEqual(diffObject(cm, liveCm), []);
  assert.deepEqual(diffObject(deploy, await get(deploy)), []);
});
