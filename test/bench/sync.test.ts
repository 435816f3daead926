// The sync benchmark's pure parts: the generated world and repository are valid and what they claim
// to be, and its rows print with the baseline (or the reason it is missing). Nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFederation } from '../../src/manifests/load.js';
import { formatTable } from '../../bench/runner.js';
import { SUITES } from '../../bench/suites.js';
import {
  BENCH_NAMESPACE,
  MANIFEST_DIR,
  assertNoWrites,
  flatnessRow,
  kindOf,
  noopRows,
  oneObjectEdit,
  oneObjectRows,
  pushRows,
  syncManifests,
  syncRepoBase,
  syncWorld,
} from '../../bench/sync-fixtures.js';

test('the generated world has N uniquely named clusters and passes the world schema', () => {
  for (const n of [3, 10]) {
    const world = syncWorld(n);
    assert.equal(world.clusters.length, n);
    assert.equal(new Set(world.clusters.map((c) => c.name)).size, n);
    assert.equal(world.gcp, undefined);
  }
});

test('the generated repository is a valid federation: N clusters, a Namespace and 500 objects', () => {
  const files = { ...syncRepoBase(10), ...syncManifests(500) };
  const loaded = loadFederation(Object.entries(files).map(([path, text]) => ({ path, text })));
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems.slice(0, 3)));
  assert.deepEqual(
    loaded.value.clusters.map((c) => [c.name, c.kubeconfigContext]),
    syncWorld(10).clusters.map((c) => [c.name, c.name]),
    'each registration names the context the simulated world writes for its cluster',
  );
  const kinds: Record<string, number> = {};
  for (const o of loaded.value.objects) kinds[o.template.kind] = (kinds[o.template.kind] ?? 0) + 1;
  assert.deepEqual(kinds, { Namespace: 1, ConfigMap: 300, Service: 100, Deployment: 100 });
  for (const o of loaded.value.objects) {
    if (o.template.kind !== 'Namespace') assert.equal(o.template.metadata.namespace, BENCH_NAMESPACE);
  }
});

test('manifests live under one directory, the Namespace first in file order (kubectl -R order)', () => {
  const paths = Object.keys(syncManifests(20)).sort();
  assert.ok(paths.every((p) => p.startsWith(`${MANIFEST_DIR}/`)));
  assert.equal(paths[0], `${MANIFEST_DIR}/00-namespace.yaml`);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(kindOf), [
    'ConfigMap',
    'ConfigMap',
    'ConfigMap',
    'Service',
    'Deployment',
    'ConfigMap',
  ]);
  assert.equal(Object.keys(syncRepoBase(3)).filter((p) => p.startsWith(`${MANIFEST_DIR}/`)).length, 0);
});

test('rows carry the kubectl baseline and ratio, or a skipped baseline row with the reason', () => {
  const fedsync = { seconds: 2, reads: 18, writes: 0 };
  const withBaseline = noopRows({
    clusters: 3,
    objects: 500,
    fedsync,
    kubectl: { seconds: 8, reads: 9, writes: 1503 },
  });
  assert.equal(withBaseline.length, 1);
  assert.deepEqual(withBaseline[0], {
    kind: 'measured',
    name: 'sync: no-op cycle, 3 clusters × 500 objects',
    seconds: 2,
    baseline: 'the same kubectl apply again',
    baselineSeconds: 8,
    ratio: 0.25,
    note: 'fedsync 18 reads + 0 writes; kubectl 9 reads + 1503 writes',
  });

  const skipped = pushRows({
    clusters: 10,
    objects: 500,
    fedsync,
    kubectl: { skipped: 'kubectl is missing' },
  });
  assert.deepEqual(
    skipped.map((r) => r.kind),
    ['measured', 'skipped'],
  );
  assert.equal(skipped[0]!.kind === 'measured' && skipped[0]!.ratio, undefined);
  const lines = formatTable(skipped);
  assert.match(lines[2]!, /^sync: push-to-converged, 10 clusters × 500 objects\s+2\.000\s+fedsync 18 reads/);
  assert.match(
    lines[3]!,
    /^sync: push-to-converged, 10 clusters × 500 objects: kubectl baseline\s+skipped\s+kubectl is missing$/,
  );
});

test('the one-object push and the 3-cluster push are held to their targets', () => {
  const kubectl = { seconds: 10, reads: 30, writes: 5010 };
  const fast = oneObjectRows({
    clusters: 10,
    objects: 500,
    fedsync: { seconds: 0.3, reads: 10, writes: 10 },
    kubectl,
  });
  const slow = oneObjectRows({
    clusters: 10,
    objects: 500,
    fedsync: { seconds: 0.5, reads: 10, writes: 10 },
    kubectl,
  });
  const target = (rows: typeof fast) => (rows[0]?.kind === 'measured' ? rows[0].target : undefined);
  assert.deepEqual(target(fast), { text: '≥ 25× faster', met: true });
  assert.deepEqual(target(slow), { text: '≥ 25× faster', met: false });
  const three = pushRows({
    clusters: 3,
    objects: 500,
    fedsync: { seconds: 6, reads: 1, writes: 1 },
    kubectl,
  });
  assert.deepEqual(target(three), { text: '≤ 0.5×', met: false });
  assert.equal(target(pushRows({ clusters: 10, objects: 500, fedsync: kubectl, kubectl })), undefined);
});

test('a one-object push at a bigger federation names the smaller tree kubectl was measured at', () => {
  const [big] = oneObjectRows({
    clusters: 10,
    objects: 20000,
    fedsync: { seconds: 0.2, reads: 20, writes: 10 },
    kubectl: { seconds: 15, reads: 30, writes: 5010 },
    baselineObjects: 500,
    mode: 'incremental, 3 re-planned',
  });
  assert.equal(big?.kind, 'measured');
  if (big?.kind !== 'measured') return;
  assert.equal(big.name, 'sync: one-object push, 10 clusters × 20000 objects');
  assert.match(big.baseline ?? '', /at 500 objects/);
  assert.match(big.note ?? '', /^incremental, 3 re-planned; fedsync 20 reads \+ 10 writes/);
  const [same] = oneObjectRows({
    clusters: 10,
    objects: 500,
    fedsync: { seconds: 0.2, reads: 20, writes: 10 },
    kubectl: { seconds: 15, reads: 30, writes: 5010 },
    baselineObjects: 500,
  });
  assert.doesNotMatch(same?.kind === 'measured' ? (same.baseline ?? '') : '', /at 500/);
});

test('the flatness row divides the largest federation by the smallest and holds it to 1.3×', () => {
  const flat = flatnessRow({
    clusters: 10,
    small: { objects: 500, seconds: 0.2 },
    large: { objects: 20000, seconds: 0.25 },
  });
  assert.equal(flat.ratio, 1.25);
  assert.deepEqual(flat.target, { text: '≤ 1.3×', met: true });
  assert.match(flat.name, /10 clusters × 20000 ÷ × 500/);
  const steep = flatnessRow({
    clusters: 10,
    small: { objects: 500, seconds: 0.2 },
    large: { objects: 20000, seconds: 2 },
  });
  assert.deepEqual(steep.target, { text: '≤ 1.3×', met: false });
});

test('the one-object edit changes exactly one generated manifest, and only its value', () => {
  const all = syncManifests(500);
  const edit = oneObjectEdit(1);
  assert.deepEqual(Object.keys(edit), [`${MANIFEST_DIR}/configmap-0000.yaml`]);
  const [path, text] = Object.entries(edit)[0]!;
  assert.notEqual(text, all[path]);
  assert.equal(text.replace('mode=edit-1', 'mode=prod'), all[path]);
});

test('a no-op cycle that writes fails loudly, naming the clusters; zero writes passes', () => {
  assert.doesNotThrow(() => assertNoWrites('fedsync', { a: 0, b: 0 }));
  assert.throws(
    () => assertNoWrites('fedsync, 3 clusters', { a: 0, b: 2, c: 1 }),
    /fedsync, 3 clusters: a no-op reconcile must write nothing, but wrote 2 to b, 1 to c/,
  );
});

test('the sync suite is registered', () => {
  assert.ok(SUITES.some((s) => s.name === 'sync'));
});
