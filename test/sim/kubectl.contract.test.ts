// The real kubectl against a world started by startWorld, through the kubeconfig it writes.
// Skipped, visibly, when kubectl is not on the PATH.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { startWorld, type RunningWorld } from '../../src/sim/run-world.js';
import { parseWorld } from '../../src/sim/world.js';
import { waitFor } from '../helpers/wait-for.js';

const kubectlPath = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'kubectl'))
  .find((p) => existsSync(p));
const skip = kubectlPath
  ? false
  : 'kubectl not on PATH: skipping the kubectl contract checks against the simulator';

let world: RunningWorld;
let dir: string;

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'fedsync-kubectl-'));
  world = await startWorld({
    world: parseWorld(
      'apiVersion: fedsync.io/v1alpha1\nkind: World\nmetadata: {name: k}\ngcp: {project: kubectl-test}\n' +
        'clusters:\n  - {name: gce-asia-east1a, region: asia-east1, zone: asia-east1-a, nodes: 2, capacity: 4}\n' +
        '  - {name: gce-us-central1c, region: us-central1, zone: us-central1-c, nodes: 1}\n',
    ),
    outDir: join(dir, 'sim'),
    tickMs: 5,
  });
});
after(async () => {
  if (skip) return;
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };

function kubectl(args: string[], context = 'gce-asia-east1a'): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      kubectlPath ?? 'kubectl',
      [`--context=${context}`, ...args],
      { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: world.files?.kubeconfig }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function ok(args: string[], context?: string): Promise<string> {
  const r = await kubectl(args, context);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function manifest(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const ingressYaml = (host: string): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
spec:
  rules:
    - host: ${host}
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`;

test('kubectl get -o json lists the nodes of the chosen context', { skip }, async () => {
  const asia = JSON.parse(await ok(['get', 'nodes', '-o', 'json'])) as {
    items: { metadata: { name: string; labels: Record<string, string> }; spec: { providerID: string } }[];
  };
  assert.deepEqual(
    asia.items.map((n) => n.metadata.name),
    ['gce-asia-east1a-node-1', 'gce-asia-east1a-node-2'],
  );
  assert.equal(asia.items[0]?.spec.providerID, 'gce://kubectl-test/asia-east1-a/gce-asia-east1a-node-1');
  const us = JSON.parse(await ok(['get', 'nodes', '-o', 'json'], 'gce-us-central1c')) as { items: unknown[] };
  assert.equal(us.items.length, 1);
});

test(
  'kubectl apply --server-side creates, re-applies without a write, and diff --server-side shows changes',
  { skip },
  async () => {
    const cluster = world.cluster('gce-asia-east1a');
    assert.ok(cluster);
    const v1 = await manifest('ing-v1.yaml', ingressYaml('a.example.com'));
    assert.match(await ok(['apply', '--server-side', '-f', v1]), /serverside-applied/);
    const rv = cluster.store.currentRV();
    await ok(['apply', '--server-side', '-f', v1]);
    assert.equal(cluster.store.currentRV(), rv, 'unchanged re-apply writes nothing');
    const same = await kubectl(['diff', '--server-side', '-f', v1]);
    assert.equal(same.code, 0, same.stderr);
    const v2 = await manifest('ing-v2.yaml', ingressYaml('b.example.com'));
    const changed = await kubectl(['diff', '--server-side', '-f', v2]);
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /\+ {2}- host: b\.example\.com/);
    assert.equal(cluster.store.currentRV(), rv, 'diff is a dry run');
    const conflict = await kubectl(['apply', '--server-side', '--field-manager=other', '-f', v2]);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict with "kubectl"/);
    await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', v2]);
    const live = JSON.parse(await ok(['get', 'ingress', 'web', '-o', 'json'])) as {
      spec: { rules: { host: string }[] };
    };
    assert.equal(live.spec.rules[0]?.host, 'b.example.com');
  },
);

test('kubectl client-side apply creates, then strategic-merges an existing object', { skip }, async () => {
  const deployment = (containers: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: csa, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: csa}}
  template:
    metadata: {labels: {app: csa}}
    spec:
      containers:
${containers}`;
  const first = await manifest(
    'csa1.yaml',
    deployment('        - {name: web, image: "nginx:1.26"}\n        - {name: side, image: "busybox:1"}\n'),
  );
  assert.match(await ok(['apply', '-f', first]), /created/);
  const second = await manifest('csa2.yaml', deployment('        - {name: web, image: "nginx:1.27"}\n'));
  assert.match(await ok(['apply', '-f', second]), /configured/);
  const live = JSON.parse(await ok(['get', 'deployment', 'csa', '-o', 'json'])) as {
    metadata: { annotations: Record<string, string>; generation: number };
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
  assert.deepEqual(
    live.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`),
    ['web=nginx:1.27'],
  );
  assert.ok(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  assert.equal(live.metadata.generation, 2);
  assert.match(await ok(['apply', '-f', second]), /unchanged/);
});

test('kubectl get prints table columns: pods beyond capacity show Pending', { skip }, async () => {
  const file = await manifest(
    'cap.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: cap, namespace: default}
spec:
  replicas: 6
  selector: {matchLabels: {app: cap}}
  template:
    metadata: {labels: {app: cap}}
    spec: {containers: [{name: c, image: "busybox:1"}]}
`,
  );
  await ok(['apply', '-f', file]);
  await world.cluster('gce-asia-east1a')?.settle();
  const out = await ok(['get', 'pods', '-l', 'app=cap']);
  assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  const rows = out.trim().split('\n').slice(1);
  assert.equal(rows.length, 6);
  // Capacity is 4 pods for the whole cluster, so at least two of six stay Pending.
  const pending = rows.filter((r) => /\sPending\s/.test(r)).length;
  const running = rows.filter((r) => /\s1\/1\s+Running\s/.test(r)).length;
  assert.equal(pending + running, 6);
  assert.ok(pending >= 2, out);
  assert.match(await ok(['get', 'deployment', 'cap']), new RegExp(`cap\\s+${running}/6`));
  await ok(['delete', '-f', file]);
});

test('kubectl delete removes the object', { skip }, async () => {
  const file = await manifest(
    'del.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone, namespace: default}\n',
  );
  await ok(['apply', '-f', file]);
  assert.match(await ok(['delete', '-f', file]), /deleted/);
  const after = await kubectl(['get', 'configmap', 'gone']);
  assert.notEqual(after.code, 0);
  assert.match(after.stderr, /NotFound|not found/);
});

test('kubectl scale changes a ReplicaSet through the scale subresource', { skip }, async () => {
  const file = await manifest(
    'scale.yaml',
    'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: scaleme, namespace: default}\n' +
      'spec: {replicas: 2, selector: {matchLabels: {app: scaleme}}, template: {metadata: {labels: {app: scaleme}}, ' +
      'spec: {containers: [{name: c, image: i}]}}}\n',
  );
  await ok(['apply', '--server-side', '-f', file]);
  assert.match(await ok(['scale', 'replicaset', 'scaleme', '--replicas=1']), /scaled/);
  assert.equal((await ok(['get', 'replicaset', 'scaleme', '-o', 'jsonpath={.spec.replicas}'])).trim(), '1');
});

test('kubectl get --watch streams changes', { skip }, async () => {
  const cluster = world.cluster('gce-asia-east1a');
  assert.ok(cluster);
  const child = spawn(
    kubectlPath ?? 'kubectl',
    ['--context=gce-asia-east1a', 'get', 'configmaps', '--watch', '-o', 'name'],
    {
      env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: world.files?.kubeconfig },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor('kubectl to open its watch', () => cluster.counters.snapshot().byVerb.watch?.configmaps, {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    // Created only once the watch is open, so the line can only have come through the watch, not
    // from kubectl's initial list.
    cluster.api.create(cluster.resource('v1', 'ConfigMap'), 'default', { metadata: { name: 'watched' } });
    await waitFor(
      'the watch event in kubectl output',
      () => {
        if (!out.includes('configmap/watched'))
          throw new Error(`kubectl printed so far: ${JSON.stringify(out)}`);
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
  } finally {
    child.kill();
  }
});

test('kubectl creates a Lease with MicroTime fields and shows its holder', { skip }, async () => {
  const file = await manifest(
    'lease.yaml',
    'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: kubectl-lease, namespace: default}\n' +
      'spec: {holderIdentity: agent-7, leaseDurationSeconds: 15, renewTime: "2026-01-02T03:04:05.123456Z"}\n',
  );
  await ok(['create', '-f', file]);
  const table = await ok(['get', 'lease', 'kubectl-lease']);
  assert.match(table, /^NAME\s+HOLDER\s+AGE/m);
  assert.match(table, /kubectl-lease\s+agent-7\s/);
  const got = JSON.parse(await ok(['get', 'lease', 'kubectl-lease', '-o', 'json'])) as {
    spec: { renewTime: string };
  };
  assert.equal(got.spec.renewTime, '2026-01-02T03:04:05.123456Z');
});
