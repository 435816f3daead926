// Which objects whose desired copies follow live state must be planned again. A replica-scheduled
// workload reads its observed status in every cluster (workloadSignals: whether the live object
// exists, ready and spec replicas, when pods became unschedulable, and the clock once any pod is
// unschedulable); a Service behind a federated Ingress reads the nodePorts the clusters allocated
// (pinNodePorts, which renders each Service together with every Ingress naming it). Each such
// object is planned again only when those inputs differ between the observation the basis was
// planned from and this one; anything else keeps the basis's decision, as a static object does.
// Pure: compares the two observations key by key, never the whole federation.
import type { KubeObject, ObservedCluster, ObservedWorkload } from '../model/index.js';
import type { RepoIndex } from './incremental-changes.js';

/** What workloadSignals reads of one workload in one cluster (undefined: it does not count there). */
const counted = (c: ObservedCluster, key: string): ObservedWorkload | undefined =>
  c.objects[key] ? c.workloads[key] : undefined;

function sameWorkload(a: ObservedWorkload | undefined, b: ObservedWorkload | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.readyReplicas !== b.readyReplicas || a.specReplicas !== b.specReplicas) return false;
  const x = a.unschedulableSince;
  const y = b.unschedulableSince;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * True when `moved` holds for some cluster's state now and on `before`, or a cluster is new: the
 * object's plan may then differ from the one made on `before`.
 */
function movedOnAnyCluster(
  before: ReadonlyMap<string, ObservedCluster>,
  after: readonly ObservedCluster[],
  moved: (now: ObservedCluster, was: ObservedCluster) => boolean,
): boolean {
  for (const now of after) {
    const was = before.get(now.name);
    if (!was || moved(now, was)) return true;
  }
  return false;
}

/** True when the replica plan of `key` may differ from the one made on `before`. */
function signalsMoved(
  key: string,
  before: ReadonlyMap<string, ObservedCluster>,
  after: readonly ObservedCluster[],
): boolean {
  return movedOnAnyCluster(before, after, (now, was) => {
    const w = counted(now, key);
    // A pending pod turns into lost capacity as time passes: the clock is an input then.
    if (w && w.unschedulableSince.length > 0) return true;
    return !sameWorkload(w, counted(was, key));
  });
}

/**
 * The allocated nodePorts of a live Service, or undefined when some port has none (or the object is
 * absent): then pinNodePorts may choose a fresh one, which reads every Service everywhere.
 */
function nodePorts(obj: KubeObject | undefined): string | undefined {
  if (!obj) return undefined;
  const ports = (obj.spec as { ports?: unknown } | undefined)?.ports;
  if (!Array.isArray(ports)) return undefined;
  let out = '';
  for (const p of ports as { port?: unknown; nodePort?: unknown }[]) {
    if (typeof p.nodePort !== 'number') return undefined;
    out += `${String(p.port)}:${p.nodePort},`;
  }
  return out;
}

function portsMoved(
  key: string,
  before: ReadonlyMap<string, ObservedCluster>,
  after: readonly ObservedCluster[],
): boolean {
  return movedOnAnyCluster(before, after, (now, was) => {
    const live = now.objects[key];
    if (live === was.objects[key] && live !== undefined) return false;
    const ports = nodePorts(live);
    return ports === undefined || ports !== nodePorts(was.objects[key]);
  });
}

/**
 * The keys to plan again because of live state: scheduled workloads whose signals moved, and every
 * Ingress group (Ingresses sharing a backend Service, with those Services) that holds a Service
 * whose nodePorts moved or any of `seeds` (the keys planned again anyway: pins are computed per
 * group, so a group is planned whole or not at all). A changed Ingress's former backends (in
 * `previous`) lose or keep their pins by their group too.
 */
export function liveDependentKeys(options: {
  /** The repository being planned. */
  index: RepoIndex;
  /** The repository the basis was planned from. */
  previous: RepoIndex;
  before: readonly ObservedCluster[];
  after: readonly ObservedCluster[];
  seeds: ReadonlySet<string>;
}): string[] {
  const { after, seeds } = options;
  const before = new Map(options.before.map((c) => [c.name, c]));
  const out = new Set<string>();
  for (const key of options.index.scheduled) if (signalsMoved(key, before, after)) out.add(key);
  const ingresses = [...options.index.ingresses].map(([key, services]) => ({ key, services }));
  if (ingresses.length === 0) return [...out];

  const touched = new Set<string>(seeds);
  for (const key of seeds) {
    // A former backend loses its pins, or keeps them through another Ingress of its group.
    for (const s of options.previous.ingresses.get(key) ?? []) {
      touched.add(s);
      out.add(s);
    }
  }
  const byService = new Map<string, number[]>();
  ingresses.forEach((ing, i) => {
    for (const s of ing.services) byService.set(s, [...(byService.get(s) ?? []), i]);
  });
  for (const s of byService.keys()) if (portsMoved(s, before, after)) touched.add(s);

  // Walk every group that holds a touched key: Ingress → its Services → the Ingresses naming them.
  const queued = new Set<number>();
  const queue: number[] = [];
  const enqueue = (i: number): void => {
    if (queued.has(i)) return;
    queued.add(i);
    queue.push(i);
  };
  ingresses.forEach((ing, i) => {
    if (touched.has(ing.key) || ing.services.some((s) => touched.has(s))) enqueue(i);
  });
  while (queue.length > 0) {
    const ing = ingresses[queue.pop()!]!;
    out.add(ing.key);
    for (const s of ing.services) {
      out.add(s);
      for (const j of byService.get(s) ?? []) enqueue(j);
    }
  }
  return [...out];
}
