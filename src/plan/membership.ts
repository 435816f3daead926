// Who belongs to the federation, as the planner sees it. The repository registers the members; the
// record every apply leaves in each member's inventory remembers them too, so a cluster whose
// registration is removed while it still holds managed objects is not forgotten silently: every
// later plan names it, with how many objects it still holds (the adapter reads that cluster's own
// inventory when it can reach it). A member marked leaving stays in the record until its inventory
// is empty; after that its registration can go without a warning.
import type {
  DepartedCluster,
  FederationRecord,
  FederationRepo,
  ObservedCluster,
  Problem,
  RecordedCluster,
} from '../model/index.js';

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Clusters any observed record remembers that the repository no longer registers, sorted. */
export function recordedDepartures(
  repo: Pick<FederationRepo, 'clusters'>,
  observed: readonly ObservedCluster[],
): RecordedCluster[] {
  const registered = new Set(repo.clusters.map((c) => c.name));
  const out = new Map<string, RecordedCluster>();
  for (const o of observed)
    for (const c of o.record?.clusters ?? [])
      if (!registered.has(c.name) && !out.has(c.name))
        out.set(c.name, { name: c.name, kubeconfigContext: c.kubeconfigContext });
  return [...out.values()].sort(byName);
}

/**
 * The departed clusters with what this run knows of them: the adapter's facts when it gave them,
 * otherwise an unknown count.
 */
export function departedClusters(
  repo: Pick<FederationRepo, 'clusters'>,
  observed: readonly ObservedCluster[],
  facts: readonly DepartedCluster[] | undefined,
): DepartedCluster[] {
  return recordedDepartures(repo, observed).map(
    (c) =>
      facts?.find((f) => f.name === c.name) ?? {
        ...c,
        managed: null,
        cause: 'this run did not look at it',
      },
  );
}

/** A member whose inventory is known to be empty and that is leaving: nothing is left to forget. */
function forgotten(name: string, observed: readonly ObservedCluster[]): boolean {
  const o = observed.find((c) => c.name === name);
  return o?.health === 'Ready' && o.inventory !== null && o.inventory.length === 0;
}

/**
 * The record every Ready member gets: the registered clusters (a leaving one until it is empty) and
 * the departed ones that may still hold objects (an empty one is dropped: forgotten).
 */
export function nextRecord(
  repo: Pick<FederationRepo, 'clusters'>,
  observed: readonly ObservedCluster[],
  departed: readonly DepartedCluster[],
): FederationRecord {
  const clusters: RecordedCluster[] = repo.clusters
    .filter((c) => !(c.leaving && forgotten(c.name, observed)))
    .map((c) => ({ name: c.name, kubeconfigContext: c.kubeconfigContext }));
  for (const d of departed)
    if (d.managed !== 0) clusters.push({ name: d.name, kubeconfigContext: d.kubeconfigContext });
  return { clusters: clusters.sort(byName) };
}

/** One warning per departed cluster that still holds (or may hold) objects fedsync manages. */
export function departureProblems(departed: readonly DepartedCluster[]): Problem[] {
  const how =
    'they keep running, outside the federation; to take them down, register it again with spec.leaving: true';
  return departed
    .filter((d) => d.managed !== 0)
    .map((d): Problem => ({
      code: 'cluster.removed',
      severity: 'warning',
      cluster: d.name,
      message:
        d.managed === null
          ? `no longer registered in clusters/, and may still hold objects fedsync manages: its inventory could not be read (context "${d.kubeconfigContext}": ${d.cause ?? 'unknown'}); ${how}`
          : `no longer registered in clusters/, but still holds ${d.managed} object(s) fedsync manages (by its inventory, context "${d.kubeconfigContext}"); ${how}`,
    }));
}

/** What a leaving member's plan says about it. */
export function leavingProblem(name: string, managed: number | null, deletes: number): Problem {
  const message =
    managed === 0
      ? 'leaving (spec.leaving: true) and holds no object fedsync manages any more: it is forgotten, and its registration can be removed'
      : `leaving (spec.leaving: true): nothing is scheduled here and its load-balancer backends are removed; ${deletes} object(s) fedsync manages here are deleted (guard.memberLeaving holds them until approved), then it is forgotten`;
  return { code: 'cluster.leaving', severity: 'warning', cluster: name, message };
}
