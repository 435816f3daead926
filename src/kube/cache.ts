// The watch-backed cache of one member cluster: what fedsync manages there (by its labels, for the
// kinds it applies and keeps in its inventory) plus every Pod and Node (capacity and zones). Steady
// state costs one open watch per kind and no per-object reads; drift detection hooks onEvent.
import {
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  splitApiVersion,
  type ClusterName,
  type KubeObject,
} from '../model/index.js';
import { createFieldSetPool, leanObject, type FieldSetPool } from './lean.js';
import { startInformer, type Informer, type InformerEvent, type InformerStats } from './informer.js';
import type { ClusterClient } from './port.js';
import { retryPolicy, type RetryPolicy } from './retry.js';
import { createVersionedRecord } from './snapshot.js';

/** `managed`: only objects carrying fedsync's labels for this federation; `all`: every object. */
export type WatchedKind = { apiVersion: string; kind: string; scope: 'managed' | 'all' };

export const podsAndNodes: readonly WatchedKind[] = [
  { apiVersion: 'v1', kind: 'Pod', scope: 'all' },
  { apiVersion: 'v1', kind: 'Node', scope: 'all' },
];

/** Watch restarts back off from 1 s to 30 s with full jitter (client-node 2.x uses 1→30 s too). */
export const defaultWatchBackoff: Partial<RetryPolicy> = { baseDelayMs: 1000, maxDelayMs: 30_000 };

export function managedSelector(federation: string): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE},${LABEL_FEDERATION}=${federation}`;
}

export type CacheEvent = InformerEvent & { cluster: ClusterName };

export function isManaged(obj: KubeObject, federation: string): boolean {
  const labels = obj.metadata.labels ?? {};
  return labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE && labels[LABEL_FEDERATION] === federation;
}

export type ClusterCache = {
  readonly cluster: ClusterName;
  /** Starts list+watch for kinds not watched yet (a kind upgraded from managed to all restarts). */
  watch(kinds: readonly WatchedKind[]): void;
  /** Resolves once every kind watched so far has listed at least once. */
  synced(): Promise<void>;
  isSynced(): boolean;
  /** Every cached object by refKey. Fresh record, shared objects: never mutate them. */
  snapshot(): Record<string, KubeObject>;
  /**
   * The cached objects carrying fedsync's labels for this federation, by refKey: a read-only
   * snapshot that later changes never reach, the same record until the cache changes, and costing
   * only the changes since the last one (not the cache's size).
   */
  managed(): Readonly<Record<string, KubeObject>>;
  /** Changes whenever a cached object of the kind changes (equal: nothing of the kind changed). */
  version(apiVersion: string, kind: string): number;
  /** Cached objects of one kind (apiVersion's group + kind). */
  objectsOf(apiVersion: string, kind: string): KubeObject[];
  onEvent(listener: (event: CacheEvent) => void): () => void;
  stats(): Record<string, InformerStats & { synced: boolean; scope: WatchedKind['scope'] }>;
  stop(): void;
};

const groupKind = (apiVersion: string, kind: string): string =>
  `${splitApiVersion(apiVersion).group}/${kind}`;

let sharedPool: FieldSetPool | undefined;

/**
 * What the cache keeps of an object: by default the lean form (lean.ts), with one pool of field
 * trees shared by every cache of the process (the same object in ten clusters has the same trees).
 * `false` keeps objects whole (benchmarks compare the two).
 */
export type CacheTransform = ((object: KubeObject) => KubeObject) | false;

function defaultTransform(): (object: KubeObject) => KubeObject {
  const pool = (sharedPool ??= createFieldSetPool());
  return (o) => leanObject(o, pool);
}

export function createClusterCache(options: {
  client: ClusterClient;
  federation: string;
  kinds?: readonly WatchedKind[];
  /** Backoff between watch restarts (sleep and random injectable). */
  backoff?: Partial<RetryPolicy>;
  transform?: CacheTransform;
}): ClusterCache {
  const { client } = options;
  const transform = options.transform === false ? undefined : (options.transform ?? defaultTransform());
  const backoff = retryPolicy({ ...defaultWatchBackoff, ...options.backoff });
  const informers = new Map<string, { informer: Informer; scope: WatchedKind['scope'] }>();
  const listeners = new Set<(event: CacheEvent) => void>();
  const managed = createVersionedRecord<KubeObject>();
  let tick = 0;
  const changedAt = new Map<string, number>();
  /** Keeps `managed` in step with every informer's map (each change comes as one event). */
  const track = (event: InformerEvent): void => {
    if (event.type !== 'DELETED' && isManaged(event.object, options.federation))
      managed.set(event.key, event.object);
    else managed.delete(event.key);
  };
  let waiters: (() => void)[] = [];
  let stopped = false;

  const allSynced = (): boolean => [...informers.values()].every((i) => i.informer.synced());
  const wake = (force = false): void => {
    if (!force && !allSynced()) return;
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };

  const emit = (event: InformerEvent): void => {
    track(event);
    const e = { ...event, cluster: client.name };
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure is its own; the cache keeps serving the others.
      }
    }
  };

  const start = (k: WatchedKind): void => {
    const key = groupKind(k.apiVersion, k.kind);
    const existing = informers.get(key);
    if (existing && (existing.scope === 'all' || k.scope === 'managed')) return;
    if (existing) {
      existing.informer.stop();
      changedAt.set(key, ++tick);
      // Its objects leave the cache with it (the new informer lists them again).
      for (const k of existing.informer.objects.keys()) managed.delete(k);
    }
    const informer = startInformer({
      client,
      apiVersion: k.apiVersion,
      kind: k.kind,
      ...(k.scope === 'managed' ? { labelSelector: managedSelector(options.federation) } : {}),
      backoff,
      onEvent: (event) => {
        changedAt.set(key, ++tick);
        emit(event);
      },
      onSynced: () => wake(),
      ...(transform ? { transform } : {}),
    });
    informers.set(key, { informer, scope: k.scope });
  };

  const cache: ClusterCache = {
    cluster: client.name,
    watch(kinds) {
      if (stopped) return;
      for (const k of kinds) start(k);
    },
    synced: () =>
      new Promise<void>((resolve) => {
        if (allSynced()) return resolve();
        waiters.push(resolve);
      }),
    isSynced: allSynced,
    snapshot() {
      const out: Record<string, KubeObject> = {};
      for (const { informer } of informers.values())
        for (const [key, obj] of informer.objects) out[key] = obj;
      return out;
    },
    managed: () => managed.snapshot(),
    version: (apiVersion, kind) => changedAt.get(groupKind(apiVersion, kind)) ?? 0,
    objectsOf(apiVersion, kind) {
      return [...(informers.get(groupKind(apiVersion, kind))?.informer.objects.values() ?? [])];
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats() {
      const out: ReturnType<ClusterCache['stats']> = {};
      for (const [key, { informer, scope }] of informers)
        out[key] = { ...informer.stats(), synced: informer.synced(), scope };
      return out;
    },
    stop() {
      stopped = true;
      for (const { informer } of informers.values()) informer.stop();
      wake(true);
    },
  };
  cache.watch([...podsAndNodes, ...(options.kinds ?? [])]);
  return cache;
}
