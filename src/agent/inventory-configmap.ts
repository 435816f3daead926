// Interim inventory store (until src/kube/inventory.ts lands): one ConfigMap per federation in
// namespace fedsync-system, the refKeys one per line. Written only when the set changes.
import type { KubeObject } from '../model/index.js';
import { LABEL_FEDERATION, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../model/index.js';
import type { ClusterClient } from '../kube/port.js';
import { KubeError } from '../kube/port.js';

export const INVENTORY_NAMESPACE = 'fedsync-system';

const nameOf = (federation: string): string => `fedsync-inventory-${federation}`;

/** The recorded refKeys; [] when there is no inventory yet; throws when it cannot be read. */
export async function readInventory(client: ClusterClient, federation: string): Promise<string[]> {
  const cm = await client.get({
    apiVersion: 'v1',
    group: '',
    kind: 'ConfigMap',
    namespace: INVENTORY_NAMESPACE,
    name: nameOf(federation),
  });
  const text = (cm?.data as Record<string, string> | undefined)?.keys ?? '';
  return text.split('\n').filter((k) => k.length > 0);
}

export async function writeInventory(
  client: ClusterClient,
  federation: string,
  keys: string[],
): Promise<void> {
  const labels = { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_FEDERATION]: federation };
  const ns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: INVENTORY_NAMESPACE, labels },
  };
  const cm: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: nameOf(federation), namespace: INVENTORY_NAMESPACE, labels },
    data: { keys: [...keys].sort().join('\n') },
  };
  try {
    await client.apply(cm);
  } catch (err) {
    if (!(err instanceof KubeError && err.code === 'kube.notFound')) throw err;
    await client.apply(ns);
    await client.apply(cm);
  }
}
