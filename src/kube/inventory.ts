// What fedsync applied in one cluster, kept in that cluster: ConfigMaps `fedsync-inventory-<fed>-<n>`
// in namespace fedsync-system, labelled fedsync.io/inventory=<fed>. Each shard holds
//   data.refs      sorted refKeys, one per line;
//   data.adopted   the ones of them fedsync adopted rather than created (absent in older inventories,
//                  which therefore read as "all created");
//   data.federation (shard 0 only) the federation record as JSON.
// A shard stays below 512 KiB (the object limit is ~1 MiB). A reader takes the union of all shards.
//
// Keys never move between shards: new keys go to the first shard with room, removed keys leave the
// shard they are in, and a shard left empty is deleted. A crash between two shard writes therefore
// never loses a key (it can only leave one recorded twice, which the union absorbs).
//
// Two writers (two `fedsync apply` runs, or a manual apply beside the agent) must not overwrite each
// other. A writer says what it read (`from`) and what it wants (`to`); every shard write is
// conditional on the resourceVersion it read (server-side apply with metadata.resourceVersion, a
// create that fails when the shard exists, a delete with a precondition). On a conflict the shards
// are read again and the writer's own change (keys it added, keys it removed) is merged into what is
// there now, then written again.
import { MANAGED_BY_VALUE, LABEL_MANAGED_BY } from '../model/index.js';
import type { FederationRecord, InventoryState, KubeObject } from '../model/index.js';
import { KubeError, KubeErrorCode, type ClusterClient } from './port.js';

export const INVENTORY_NAMESPACE = 'fedsync-system';
export const LABEL_INVENTORY = 'fedsync.io/inventory';
export const INVENTORY_DATA_KEY = 'refs';
export const ADOPTED_DATA_KEY = 'adopted';
export const RECORD_DATA_KEY = 'federation';
export const maxShardBytes = 512 * 1024;
/** Re-reads after a conflict before the write fails (the next reconcile tries again). */
export const inventoryWriteAttempts = 5;

export function inventoryName(federation: string, shard: number): string {
  return `fedsync-inventory-${federation}-${shard}`;
}

const shardList = (client: ClusterClient, federation: string) =>
  client.list({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: INVENTORY_NAMESPACE,
    labelSelector: `${LABEL_INVENTORY}=${federation}`,
  });

type Shard = { index: number; name: string; resourceVersion: string; data: Record<string, string> };

const lines = (text: string | undefined): string[] => (text ?? '').split('\n').filter((k) => k !== '');

function shardsOf(items: KubeObject[], federation: string): Shard[] {
  const prefix = `${inventoryName(federation, 0).slice(0, -1)}`;
  const out: Shard[] = [];
  for (const o of items) {
    const name = o.metadata.name;
    const index = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (!Number.isInteger(index) || index < 0) continue;
    const rv = o.metadata.resourceVersion;
    out.push({
      index,
      name,
      resourceVersion: typeof rv === 'string' ? rv : '',
      data: (o.data as Record<string, string> | undefined) ?? {},
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

function isRecord(value: unknown): value is FederationRecord {
  if (typeof value !== 'object' || value === null) return false;
  const clusters = (value as { clusters?: unknown }).clusters;
  return (
    Array.isArray(clusters) &&
    clusters.every(
      (c: unknown) =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as { name?: unknown }).name === 'string' &&
        typeof (c as { kubeconfigContext?: unknown }).kubeconfigContext === 'string',
    )
  );
}

function recordOf(shards: Shard[]): FederationRecord | undefined {
  const text = shards.find((s) => s.index === 0)?.data[RECORD_DATA_KEY];
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    // A record this version cannot read is ignored: it only ever adds warnings and approvals.
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function stateOf(shards: Shard[]): InventoryState {
  const keys = new Set(shards.flatMap((s) => lines(s.data[INVENTORY_DATA_KEY])));
  const adopted = new Set(shards.flatMap((s) => lines(s.data[ADOPTED_DATA_KEY])).filter((k) => keys.has(k)));
  const record = recordOf(shards);
  return { keys: [...keys].sort(), adopted: [...adopted].sort(), ...(record ? { record } : {}) };
}

/** The whole inventory; keys [] when there is none yet, null when it cannot be read. */
export async function readInventoryState(
  client: ClusterClient,
  federation: string,
): Promise<InventoryState | null> {
  try {
    const { items } = await shardList(client, federation);
    return remembered(client, federation, shardsOf(items, federation));
  } catch {
    return null;
  }
}

/** The last state read per client, by its shards' resourceVersions: unchanged shards are not parsed again. */
const lastRead = new WeakMap<ClusterClient, { at: string; state: InventoryState }>();

/**
 * The state of `shards`; the one read last time when every shard has the same resourceVersion (a
 * push that leaves the inventory alone parses none of its thousands of keys). Shared: never mutate it.
 */
function remembered(client: ClusterClient, federation: string, shards: Shard[]): InventoryState {
  if (shards.some((s) => s.resourceVersion === '')) return stateOf(shards);
  const at = `${federation}\u0000${shards.map((s) => `${s.name}@${s.resourceVersion}`).join(',')}`;
  const last = lastRead.get(client);
  if (last?.at === at) return last.state;
  const state = stateOf(shards);
  lastRead.set(client, { at, state });
  return state;
}

/** The recorded refKeys, sorted; [] when there is no inventory yet, null when it cannot be read. */
export async function readInventory(client: ClusterClient, federation: string): Promise<string[] | null> {
  return (await readInventoryState(client, federation))?.keys ?? null;
}

/** `current` with the writer's own change from `from` to `to` applied on top. */
export function mergeInventory(
  current: InventoryState,
  change: { from?: InventoryState; to: InventoryState },
): InventoryState {
  const from = change.from ?? current;
  const { to } = change;
  const applyDelta = (now: readonly string[], was: readonly string[], want: readonly string[]) => {
    const before = new Set(was);
    const after = new Set(want);
    const out = new Set(now);
    for (const k of want) if (!before.has(k)) out.add(k);
    for (const k of was) if (!after.has(k)) out.delete(k);
    return out;
  };
  const keys = applyDelta(current.keys, from.keys, to.keys);
  const adopted = [...applyDelta(current.adopted, from.adopted, to.adopted)].filter((k) => keys.has(k));
  // The record follows the writer's own change too: one it had and no longer wants goes (a leaving
  // member forgets the federation); one it never saw, another writer's, stays.
  const record = to.record ?? (from.record ? undefined : current.record);
  return { keys: [...keys].sort(), adopted: adopted.sort(), ...(record ? { record } : {}) };
}

const textOf = (keys: readonly string[]): string => (keys.length > 0 ? `${keys.join('\n')}\n` : '');

type Layout = Map<number, string[]>;

/**
 * Which shard holds which key: each key stays where it is; new keys fill the first shard with room,
 * then new shards at the lowest free index. Shard 0 also carries the record.
 */
function layoutFor(shards: Shard[], next: InventoryState, recordText: string, maxBytes: number): Layout {
  const adopted = new Set(next.adopted);
  const cost = (k: string): number => (Buffer.byteLength(k) + 1) * (adopted.has(k) ? 2 : 1);
  const wanted = new Set(next.keys);
  const placed = new Set<string>();
  const layout: Layout = new Map();
  const bytes = new Map<number, number>();
  for (const s of shards) {
    const keep = lines(s.data[INVENTORY_DATA_KEY]).filter((k) => wanted.has(k) && !placed.has(k));
    for (const k of keep) placed.add(k);
    layout.set(s.index, keep);
    bytes.set(
      s.index,
      keep.reduce((n, k) => n + cost(k), s.index === 0 ? recordText.length : 0),
    );
  }
  if (!layout.has(0)) {
    layout.set(0, []);
    bytes.set(0, recordText.length);
  }
  for (const k of next.keys) {
    if (placed.has(k)) continue;
    let target = [...layout.keys()]
      .sort((a, b) => a - b)
      .find((i) => (bytes.get(i) ?? 0) + cost(k) <= maxBytes || (layout.get(i) ?? []).length === 0);
    if (target === undefined) {
      target = 0;
      while (layout.has(target)) target++;
      layout.set(target, []);
      bytes.set(target, 0);
    }
    layout.get(target)!.push(k);
    bytes.set(target, (bytes.get(target) ?? 0) + cost(k));
    placed.add(k);
  }
  return layout;
}

function shardObject(
  federation: string,
  index: number,
  data: Record<string, string>,
  resourceVersion?: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: inventoryName(federation, index),
      namespace: INVENTORY_NAMESPACE,
      // Not the federation label: the inventory is not one of the objects it lists.
      labels: { [LABEL_INVENTORY]: federation, [LABEL_MANAGED_BY]: MANAGED_BY_VALUE },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    data,
  };
}

/** Every data key is always written (possibly empty), so an apply never leaves a stale one behind. */
function dataFor(index: number, keys: string[], adopted: Set<string>, recordText: string) {
  const sorted = [...keys].sort();
  const data: Record<string, string> = {
    [INVENTORY_DATA_KEY]: textOf(sorted),
    [ADOPTED_DATA_KEY]: textOf(sorted.filter((k) => adopted.has(k))),
  };
  if (index === 0) data[RECORD_DATA_KEY] = recordText;
  return data;
}

const sameData = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(b).every((k) => (a[k] ?? '') === b[k]);

export type InventoryWrite = { applied: number; deleted: number };

const isConflict = (err: unknown): boolean => err instanceof KubeError && err.code === KubeErrorCode.conflict;

/** One pass: read, merge, write what changed. Throws KubeError (conflict: the caller reads again). */
async function writeOnce(
  client: ClusterClient,
  federation: string,
  change: { from?: InventoryState; to: InventoryState },
  maxBytes: number,
  out: InventoryWrite,
): Promise<void> {
  const shards = shardsOf((await shardList(client, federation)).items, federation);
  const next = mergeInventory(stateOf(shards), change);
  const recordText = next.record ? JSON.stringify(next.record) : '';
  const layout = layoutFor(shards, next, recordText, maxBytes);
  const adopted = new Set(next.adopted);
  const existing = new Map(shards.map((s) => [s.index, s]));
  const empty = next.keys.length === 0 && recordText === '';
  let namespaceEnsured = false;
  for (const [index, keys] of [...layout.entries()].sort(([a], [b]) => a - b)) {
    const shard = existing.get(index);
    if (keys.length === 0 && (index > 0 || empty)) {
      if (!shard) continue;
      await client.remove(
        { apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: INVENTORY_NAMESPACE, name: shard.name },
        { resourceVersion: shard.resourceVersion },
      );
      out.deleted++;
      continue;
    }
    const data = dataFor(index, keys, adopted, recordText);
    if (shard && sameData(shard.data, data)) continue;
    if (shard) {
      await client.apply(shardObject(federation, index, data, shard.resourceVersion));
    } else {
      try {
        await client.create(shardObject(federation, index, data));
      } catch (err) {
        if (namespaceEnsured || !(err instanceof KubeError && err.code === KubeErrorCode.notFound)) throw err;
        await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: INVENTORY_NAMESPACE } });
        namespaceEnsured = true;
        await client.create(shardObject(federation, index, data));
      }
    }
    out.applied++;
  }
}

/**
 * Moves the cluster's inventory from `from` (what this writer read or last wrote; absent: whatever
 * is there) to `to`, keeping what other writers changed meanwhile. Writes only shards whose content
 * changes, so the same state twice writes nothing. Throws KubeError on failure.
 */
export async function writeInventory(
  client: ClusterClient,
  federation: string,
  change: { from?: InventoryState; to: InventoryState },
  options: { maxShardBytes?: number } = {},
): Promise<InventoryWrite> {
  const out: InventoryWrite = { applied: 0, deleted: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      await writeOnce(client, federation, change, options.maxShardBytes ?? maxShardBytes, out);
      return out;
    } catch (err) {
      if (!isConflict(err) || attempt >= inventoryWriteAttempts) throw err;
    }
  }
}
