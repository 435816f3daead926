// Which registered clusters an object is placed in (before cluster health is considered).
import type { ClusterName, ClusterRegistration, Placement } from '../model/index.js';
import { matchesSelector } from './selector.js';

/**
 * Names of the registered clusters `placement` selects, in registration order. An explicit
 * `clusters` list wins over `selector` even when empty (kubefed rule); with neither, every cluster.
 * Names in `clusters` that are not registered are ignored (the caller reports them).
 */
export function placedClusters(placement: Placement, registrations: ClusterRegistration[]): ClusterName[] {
  if (placement.clusters !== undefined) {
    const wanted = new Set(placement.clusters);
    return registrations.filter((c) => wanted.has(c.name)).map((c) => c.name);
  }
  const selector = placement.selector;
  if (selector === undefined) return registrations.map((c) => c.name);
  return registrations.filter((c) => matchesSelector(c.labels, selector)).map((c) => c.name);
}

/** Names in an explicit `clusters` list that no registration has. */
export function unknownPlacementClusters(
  placement: Placement,
  registrations: ClusterRegistration[],
): ClusterName[] {
  const known = new Set(registrations.map((c) => c.name));
  return (placement.clusters ?? []).filter((name) => !known.has(name));
}
