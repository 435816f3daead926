// The pure parts of the sync benchmark: the generated world (N simulated clusters), the generated
// federation repository (500 objects, a ConfigMap/Service/Deployment mix), and the rows it prints.
// No I/O here, so a unit test can check them without starting anything or timing anything.
import { worldSchema } from '../src/sim/world.js';
import type { World } from '../src/sim/world.js';
import type { BenchMeasured, BenchSkipped } from './types.js';

/** Where the manifests live in the generated repository: `kubectl apply -R -f` reads only this. */
export const MANIFEST_DIR = 'apps';
export const BENCH_NAMESPACE = 'bench';

const REGIONS = ['asia-east1', 'europe-west1', 'us-central1', 'us-east1', 'europe-west4'] as const;

export const clusterName = (i: number): string => `bench-c${String(i).padStart(2, '0')}`;

/** A world of `clusters` simulated clusters (no GCP part: the sync bench touches only Kubernetes). */
export function syncWorld(clusters: number): World {
  return worldSchema.parse({
    apiVersion: 'fedsync.io/v1alpha1',
    kind: 'World',
    metadata: { name: `bench-${clusters}` },
    clusters: Array.from({ length: clusters }, (_, i) => {
      const region = REGIONS[i % REGIONS.length]!;
      return { name: clusterName(i), region, zone: `${region}-a`, nodes: 3 };
    }),
  });
}

export type ObjectKind = 'ConfigMap' | 'Service' | 'Deployment';

/** 3 in 5 ConfigMaps, 1 in 5 Services, 1 in 5 Deployments. */
export function kindOf(i: number): ObjectKind {
  const r = i % 5;
  return r < 3 ? 'ConfigMap' : r === 3 ? 'Service' : 'Deployment';
}

function manifest(i: number): string {
  const name = `obj-${String(i).padStart(4, '0')}`;
  const meta = `metadata:\n  name: ${name}\n  namespace: ${BENCH_NAMESPACE}\n  labels: {app: ${name}, shard: s${i % 10}}\n`;
  switch (kindOf(i)) {
    case 'ConfigMap':
      return `apiVersion: v1\nkind: ConfigMap\n${meta}data:\n  index: "${i}"\n  app.properties: |\n    key=${i}\n    mode=prod\n`;
    case 'Service':
      return `apiVersion: v1\nkind: Service\n${meta}spec:\n  selector: {app: ${name}}\n  ports:\n    - {name: http, port: 80, targetPort: 8080, protocol: TCP}\n`;
    case 'Deployment':
      // 0 replicas (as flux-benchmark does): fedsync splits replicas across clusters while a plain
      // `kubectl apply` copies them, so only 0 gives both sides the very same objects to write.
      return (
        `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  replicas: 0\n  selector:\n    matchLabels: {app: ${name}}\n` +
        `  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n` +
        `        - name: app\n          image: registry.example.com/app:${i % 7}\n          ports:\n            - containerPort: 8080\n`
      );
  }
}

/** The federation and its cluster registrations, without manifests (the commit before the push). */
export function syncRepoBase(clusters: number): Record<string, string> {
  const files: Record<string, string> = {
    'fedsync.yaml':
      'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: bench\nspec:\n  policy:\n    selfHeal: true\n    prune: true\n    tenancy: {clusterScoped: {allow: [core/Namespace]}}\n',
  };
  for (let i = 0; i < clusters; i++) {
    const name = clusterName(i);
    files[`clusters/${name}.yaml`] =
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\n  labels: {index: "${i}"}\nspec:\n  kubeconfigContext: ${name}\n`;
  }
  return files;
}

/**
 * The pushed manifests: a Namespace (first in file order, so `kubectl apply -R` creates it before
 * what it holds) plus `objects` namespaced objects.
 */
export function syncManifests(objects: number): Record<string, string> {
  const files: Record<string, string> = {
    [`${MANIFEST_DIR}/00-namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${BENCH_NAMESPACE}\n`,
  };
  for (let i = 0; i < objects; i++) {
    files[`${MANIFEST_DIR}/${kindOf(i).toLowerCase()}-${String(i).padStart(4, '0')}.yaml`] = manifest(i);
  }
  return files;
}

/**
 * CPU seconds a side used: its client's own process (the agent, or every kubectl run) and the
 * simulated clusters serving it. On one machine both come out of the same cores.
 */
export type CpuSplit = { client: number; clusters: number };

/** What one side of a measurement did: wall time and the simulator's request counts, all clusters. */
export type SideResult = { seconds: number; reads: number; writes: number; cpu?: CpuSplit };

const requests = (r: SideResult): string =>
  `${r.reads} reads + ${r.writes} writes` +
  (r.cpu ? ` (CPU s: own ${r.cpu.client.toFixed(2)} + clusters ${r.cpu.clusters.toFixed(2)})` : '');

/** Throws (the suite prints FAILED, `npm run bench` exits 1) when a no-op cycle wrote anything. */
export function assertNoWrites(label: string, writes: Record<string, number>): void {
  const writing = Object.entries(writes).filter(([, n]) => n > 0);
  if (writing.length > 0) {
    throw new Error(
      `${label}: a no-op reconcile must write nothing, but wrote ${writing.map(([c, n]) => `${n} to ${c}`).join(', ')}`,
    );
  }
}

export type SyncRowInput = {
  clusters: number;
  objects: number;
  fedsync: SideResult;
  /** The kubectl side, or why it could not run. */
  kubectl: SideResult | { skipped: string };
};

const isSkipped = (k: SyncRowInput['kubectl']): k is { skipped: string } => 'skipped' in k;

function row(
  name: string,
  fedsync: SideResult,
  kubectl: SyncRowInput['kubectl'],
  baseline: string,
  target?: { text: string; maxRatio: number },
): (BenchMeasured | BenchSkipped)[] {
  const out: BenchMeasured = {
    kind: 'measured',
    name,
    seconds: fedsync.seconds,
    note: `fedsync ${requests(fedsync)}`,
  };
  if (isSkipped(kubectl)) {
    return [out, { kind: 'skipped', name: `${name}: kubectl baseline`, reason: kubectl.skipped }];
  }
  return [
    {
      ...out,
      baseline,
      baselineSeconds: kubectl.seconds,
      ratio: fedsync.seconds / kubectl.seconds,
      ...(target
        ? { target: { text: target.text, met: fedsync.seconds / kubectl.seconds <= target.maxRatio } }
        : {}),
      note: `${out.note}; kubectl ${requests(kubectl)}`,
    },
  ];
}

/** The push-to-converged row (plus a skipped baseline row when kubectl could not run). */
export function pushRows(input: SyncRowInput): (BenchMeasured | BenchSkipped)[] {
  return row(
    `sync: push-to-converged, ${input.clusters} clusters × ${input.objects} objects`,
    input.fedsync,
    input.kubectl,
    'kubectl apply --server-side, per cluster in sequence',
    input.clusters === 3 ? { text: '≤ 0.5×', maxRatio: 0.5 } : undefined,
  );
}

/**
 * The one-object push: one ConfigMap edited on a converged federation. Without fedsync a CI script
 * re-applies the whole tree to every cluster, so the baseline is that same `kubectl apply` again.
 * `baselineObjects`: the tree size kubectl was measured at when it is smaller than fedsync's (kubectl
 * re-applying 20,000 objects to 10 clusters takes many minutes); its time only grows with the tree,
 * so the ratio then flatters kubectl.
 */
export function oneObjectRows(
  input: SyncRowInput & { baselineObjects?: number; mode?: string },
): (BenchMeasured | BenchSkipped)[] {
  const smaller = input.baselineObjects !== undefined && input.baselineObjects !== input.objects;
  const rows = row(
    `sync: one-object push, ${input.clusters} clusters × ${input.objects} objects`,
    input.fedsync,
    input.kubectl,
    smaller
      ? `kubectl apply --server-side of the tree at ${input.baselineObjects} objects, per cluster`
      : 'kubectl apply --server-side of the tree, per cluster',
    input.clusters === 10 ? { text: '≥ 25× faster', maxRatio: 1 / 25 } : undefined,
  );
  if (!input.mode) return rows;
  return rows.map((r) => (r.kind === 'measured' ? { ...r, note: `${input.mode}; ${r.note}` } : r));
}

/** The flatness of the one-object push: its time at the largest federation ÷ at the smallest. */
export function flatnessRow(input: {
  clusters: number;
  small: { objects: number; seconds: number };
  large: { objects: number; seconds: number };
}): BenchMeasured {
  const ratio = input.large.seconds / input.small.seconds;
  return {
    kind: 'measured',
    name: `sync: one-object push flatness, ${input.clusters} clusters × ${input.large.objects} ÷ × ${input.small.objects}`,
    seconds: input.large.seconds,
    baseline: `the same push at ${input.small.objects} objects per cluster`,
    baselineSeconds: input.small.seconds,
    ratio,
    target: { text: '≤ 1.3×', met: ratio <= 1.3 },
  };
}

/** The commit of the one-object push: one ConfigMap of `syncManifests` with a changed value. */
export function oneObjectEdit(round: number): Record<string, string> {
  const path = `${MANIFEST_DIR}/configmap-0000.yaml`;
  return { [path]: manifest(0).replace('mode=prod', `mode=edit-${round}`) };
}

/** The no-op cycle row: the same commit again (fedsync must write nothing; kubectl re-applies). */
export function noopRows(input: SyncRowInput): (BenchMeasured | BenchSkipped)[] {
  return row(
    `sync: no-op cycle, ${input.clusters} clusters × ${input.objects} objects`,
    input.fedsync,
    input.kubectl,
    'the same kubectl apply again',
  );
}
