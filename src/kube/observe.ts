// The observe step for one cluster: the planner's ObservedCluster from the cache (managed objects,
// Pods), the inventory and the health monitor's verdict. The only per-object reads are GETs of
// desired objects the cache does not hold: not created yet, or not adopted yet (no labels).
import {
  ClusterHealth,
  parseRefKey,
  refKey,
  refOf,
  type ClusterName,
  type KubeObject,
  type ObjectRef,
  type ObservedCluster,
} from '../model/index.js';
import { isManaged } from './cache.js';
import type { ClusterCache, WatchedKind } from './cache.js';
import { valuesOf, withEntries } from './snapshot.js';
import { readInventoryState } from './inventory.js';
import { KubeError, KubeErrorCode, type ClusterClient } from './port.js';
import { observeWorkloads, readyEndpointsByNodePort } from './workloads.js';
import { apiVersionFor } from './api-versions.js';

/** A desired object's identity; `key` (its refKey) and `groupKind` when the caller already has them. */
export type DesiredRef = ObjectRef & { apiVersion: string; key?: string; groupKind?: string };

export const defaultSyncTimeoutMs = 30_000;

export { isManaged };

/** The kinds of inventory entries, per inventory read (an unchanged inventory is the same array). */
const inventoryKinds = new WeakMap<readonly string[], Map<string, WatchedKind>>();

function kindsOfInventory(inventory: readonly string[]): Map<string, WatchedKind> {
  let kinds = inventoryKinds.get(inventory);
  if (kinds) return kinds;
  kinds = new Map();
  const seen = new Set<string>();
  for (const key of inventory) {
    const slash = key.indexOf('/', key.indexOf('/') + 1);
    const gk = key.slice(0, slash);
    if (seen.has(gk)) continue;
    seen.add(gk);
    const ref = parseRefKey(key);
    const apiVersion = apiVersionFor(ref);
    kinds.set(gk, { apiVersion: apiVersion ?? '', kind: ref.kind, scope: 'managed' });
  }
  inventoryKinds.set(inventory, kinds);
  return kinds;
}

/** Kinds to watch with fedsync's selector: those of desired objects and of inventory entries. */
export function watchedKinds(desired: readonly DesiredRef[], inventory: readonly string[]): WatchedKind[] {
  const byGroupKind = new Map<string, WatchedKind>();
  const groupVersions = new Map<string, string>();
  for (const d of desired) {
    const gk = d.groupKind ?? `${d.group}/${d.kind}`;
    if (byGroupKind.get(gk)?.apiVersion === d.apiVersion) {
      groupVersions.set(d.group, d.apiVersion);
      continue;
    }
    groupVersions.set(d.group, d.apiVersion);
    byGroupKind.set(gk, { apiVersion: d.apiVersion, kind: d.kind, scope: 'managed' });
  }
  for (const [gk, k] of kindsOfInventory(inventory)) {
    if (byGroupKind.has(gk)) continue;
    const group = gk.slice(0, gk.indexOf('/'));
    const apiVersion = groupVersions.get(group) ?? k.apiVersion;
    // An unknown group is not watched: its objects look absent, so nothing of it is pruned (safe).
    if (apiVersion) byGroupKind.set(gk, { ...k, apiVersion });
  }
  return [...byGroupKind.values()];
}

function withTimeout<T>(p: Promise<T>, ms: number, cluster: ClusterName): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KubeError({
            code: KubeErrorCode.timeout,
            cluster,
            message: `cache of ${cluster} not synced in ${ms} ms`,
          }),
        ),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Above this many uncached objects of one kind, one list of the kind is cheaper than a GET each. */
export const listInsteadOfGets = 3;

const absentWhenUnserved = (err: unknown): undefined => {
  // A kind the cluster does not serve (CRD not installed yet): the object is simply absent.
  if (err instanceof KubeError && err.code === KubeErrorCode.unknownKind) return undefined;
  throw err;
};

/**
 * Live copies (or absence) of desired objects the cache does not hold: a GET each, or one list of
 * the kind when many are missing (a first apply of many new objects, an adoption of many).
 */
async function fetchMissing(
  client: ClusterClient,
  missing: readonly DesiredRef[],
  cached: () => Record<string, KubeObject>,
): Promise<(readonly [string, KubeObject | undefined])[]> {
  const byKind = new Map<string, DesiredRef[]>();
  for (const d of missing) {
    const kind = `${d.apiVersion}/${d.kind}`;
    const refs = byKind.get(kind);
    if (refs) refs.push(d);
    else byKind.set(kind, [d]);
  }
  const out: (readonly [string, KubeObject | undefined])[] = [];
  await Promise.all(
    [...byKind.values()].map(async (refs) => {
      const first = refs[0]!;
      // Pods and Nodes are cached whole: no request needed to know one is absent.
      if (first.group === '' && (first.kind === 'Pod' || first.kind === 'Node')) {
        const snapshot = cached();
        for (const d of refs) out.push([refKey(d), snapshot[refKey(d)]]);
        return;
      }
      if (refs.length > listInsteadOfGets) {
        const listed = await client
          .list({ apiVersion: first.apiVersion, kind: first.kind })
          .catch(absentWhenUnserved);
        const live = new Map((listed?.items ?? []).map((o) => [refKey(refOf(o)), o]));
        for (const d of refs) out.push([refKey(d), live.get(refKey(d))]);
        return;
      }
      for (const d of refs) out.push([refKey(d), await client.get(d).catch(absentWhenUnserved)]);
    }),
  );
  return out;
}

type Signals = Pick<ObservedCluster, 'workloads'> & { readyEndpoints: Record<string, number> };

/** The last signals of each cache and the kinds' versions they were computed at. */
const lastSignals = new WeakMap<ClusterCache, { at: string; signals: Signals }>();

/**
 * Workload and endpoint signals from the snapshot and the Pods; the previous ones again while no
 * workload, Service or Pod changed (a push that edits a ConfigMap reads none of them).
 */
function signalsOf(cache: ClusterCache, objects: Record<string, KubeObject>, fetched: boolean): Signals {
  const at = [
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'ReplicaSet'],
    ['v1', 'Service'],
    ['v1', 'Pod'],
  ]
    .map(([apiVersion, kind]) => cache.version(apiVersion!, kind!))
    .join(',');
  const last = lastSignals.get(cache);
  if (!fetched && last?.at === at) return last.signals;
  const pods = cache.objectsOf('v1', 'Pod');
  const signals = {
    workloads: observeWorkloads(valuesOf(objects), pods),
    readyEndpoints: readyEndpointsByNodePort(valuesOf(objects), pods),
  };
  if (!fetched) lastSignals.set(cache, { at, signals });
  return signals;
}

/**
 * Observes one cluster. Offline clusters are not contacted (cached objects, inventory null).
 * Throws KubeError when the cache cannot sync or a GET fails: the cycle must then not prune.
 */
export async function observeCluster(options: {
  client: ClusterClient;
  cache: ClusterCache;
  federation: string;
  health: ClusterHealth;
  desired: readonly DesiredRef[];
  syncTimeoutMs?: number;
}): Promise<ObservedCluster> {
  const { client, cache } = options;
  if (options.health === ClusterHealth.Offline) {
    return {
      name: client.name,
      health: options.health,
      objects: cache.managed(),
      inventory: null,
      workloads: {},
    };
  }
  const state = await readInventoryState(client, options.federation);
  const inventory = state?.keys ?? null;
  cache.watch(watchedKinds(options.desired, inventory ?? []));
  await withTimeout(cache.synced(), options.syncTimeoutMs ?? defaultSyncTimeoutMs, client.name);

  // The planner's input: the cache's read-only snapshot of this moment (watch events arriving while
  // the cycle runs never reach it), plus what had to be fetched beside it.
  const managed = cache.managed();
  const missing = options.desired.filter((d) => managed[d.key ?? refKey(d)] === undefined);
  const fetched = missing.length > 0 ? await fetchMissing(client, missing, () => cache.snapshot()) : [];
  const objects = withEntries(
    managed,
    fetched.filter((f): f is readonly [string, KubeObject] => f[1] !== undefined),
  );
  const { workloads, readyEndpoints } = signalsOf(cache, objects, fetched.length > 0);
  return {
    name: client.name,
    health: options.health,
    objects,
    inventory,
    ...(state && state.adopted.length > 0 ? { adopted: state.adopted } : {}),
    ...(state?.record ? { record: state.record } : {}),
    workloads,
    nodes: cache
      .objectsOf('v1', 'Node')
      .map((n) => {
        const providerID = (n.spec as { providerID?: unknown } | undefined)?.providerID;
        return { name: n.metadata.name, ...(typeof providerID === 'string' ? { providerID } : {}) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    readyEndpoints,
  };
}
