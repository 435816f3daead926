// What fedsync applied in one cluster, kept in that cluster: ConfigMaps `fedsync-inventory-<fed>-<n>`
// in namespace fedsync-system, labelled fedsync.io/inventory=<fed>, data.refs = sorted refKeys, one
// per line, each shard below 512 KiB (the object limit is ~1 MiB). A reader takes the union of all
// shards, so a crash between writing shards and deleting surplus ones leaves a superset: prune
// candidates are never lost. The executor writes old ∪ new before applying and new after pruning.
import { MANAGED_BY_VALUE, LABEL_MANAGED_BY, type KubeObject } from '../model/index.js';
import { KubeError, KubeErrorCode, type ClusterClient } from './port.js';

export const INVENTORY_NAMESPACE = 'fedsync-system';
export const LABEL_INVENTORY = 'fedsync.io/inventory';
export const INVENTORY_DATA_KEY = 'refs';
export const maxShardBytes = 512 * 1024;

export function inventoryName(federation: string, shard: number): string {
  return `fedsync-inventory-${federation}-${shard}`;
}

/** Sorted, de-duplicated keys cut into shards of at most `maxBytes` (newline-joined, UTF-8). */
export function shardKeys(keys: Iterable<string>, maxBytes = maxShardBytes): string[][] {
  const shards: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const key of [...new Set(keys)].sort()) {
    const bytes = Buffer.byteLength(key) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push(key);
    size += bytes;
  }
  if (current.length > 0) shards.push(current);
  return shards;
}

const shardList = (client: ClusterClient, federation: string) =>
  client.list({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: INVENTORY_NAMESPACE,
    labelSelector: `${LABEL_INVENTORY}=${federation}`,
  });

function keysOf(shard: KubeObject): string[] {
  const text = (shard.data as Record<string, string> | undefined)?.[INVENTORY_DATA_KEY] ?? '';
  return text.split('\n').filter((k) => k !== '');
}

/** The recorded refKeys, sorted; [] when there is no inventory yet, null when it cannot be read. */
export async function readInventory(client: ClusterClient, federation: string): Promise<string[] | null> {
  try {
    const { items } = await shardList(client, federation);
    return [...new Set(items.flatMap(keysOf))].sort();
  } catch {
    return null;
  }
}

function shardObject(federation: string, n: number, keys: readonly string[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: inventoryName(federation, n),
      namespace: INVENTORY_NAMESPACE,
      // Not the federation label: the inventory is not one of the objects it lists.
      labels: { [LABEL_INVENTORY]: federation, [LABEL_MANAGED_BY]: MANAGED_BY_VALUE },
    },
    data: { [INVENTORY_DATA_KEY]: keys.length > 0 ? `${keys.join('\n')}\n` : '' },
  };
}

export type InventoryWrite = { applied: number; deleted: number };

/**
 * Records `keys` as the cluster's inventory. Writes only the shards whose content changed, then
 * deletes surplus shards; creates the namespace when it is missing. Throws KubeError on failure.
 */
export async function writeInventory(
  client: ClusterClient,
  federation: string,
  keys: Iterable<string>,
): Promise<InventoryWrite> {
  const { items } = await shardList(client, federation);
  const existing = new Map(items.map((o) => [o.metadata.name, o.data as Record<string, string> | undefined]));
  const wanted = shardKeys(keys);
  const out: InventoryWrite = { applied: 0, deleted: 0 };
  let namespaceEnsured = false;
  for (const [n, shardKeysN] of wanted.entries()) {
    const obj = shardObject(federation, n, shardKeysN);
    const current = existing.get(obj.metadata.name)?.[INVENTORY_DATA_KEY];
    if (current === (obj.data as Record<string, string>)[INVENTORY_DATA_KEY]) continue;
    try {
      await client.apply(obj);
    } catch (err) {
      if (namespaceEnsured || !(err instanceof KubeError && err.code === KubeErrorCode.notFound)) throw err;
      await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: INVENTORY_NAMESPACE } });
      namespaceEnsured = true;
      await client.apply(obj);
    }
    out.applied++;
  }
  const keep = new Set(wanted.map((_, n) => inventoryName(federation, n)));
  for (const name of [...existing.keys()].sort()) {
    if (keep.has(name)) continue;
    await client.remove({
      apiVersion: 'v1',
      group: '',
      kind: 'ConfigMap',
      namespace: INVENTORY_NAMESPACE,
      name,
    });
    out.deleted++;
  }
  return out;
}
