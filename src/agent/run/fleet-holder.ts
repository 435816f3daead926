// The member clusters of a long-lived agent, following the repository: the fleet is built at the
// first good read and rebuilt when `clusters/` changes (a cluster added, removed or pointed at
// another context), so a registration change needs no restart. It also remembers what the last
// observation saw, for the status endpoints and readiness ("caches synced").
import type { Fleet } from '../../kube/fleet.js';
import type { HealthDetail } from '../../kube/health.js';
import type { ClusterRegistration, FederationRepo, ObservedCluster } from '../../model/index.js';
import type { Targets } from '../reconcile-once.js';

export type FleetHolder = {
  /** The cluster target port, delegating to the current fleet. */
  readonly port: Targets['cluster'];
  current(): Fleet | undefined;
  /** The newest observation (every registered cluster), and the repository it was made for. */
  lastObserved(): { at: string; clusters: ObservedCluster[]; repo: FederationRepo } | undefined;
  healthDetails(): HealthDetail[];
  /** True once an observation of every cluster has completed (each cache listed once). */
  synced(): boolean;
  stop(): Promise<void>;
};

const keyOf = (regs: readonly ClusterRegistration[], federation: string): string =>
  JSON.stringify([federation, ...regs.map((r) => [r.name, r.kubeconfigContext]).sort()]);

export function createFleetHolder(options: {
  build: (repo: FederationRepo) => Promise<Fleet>;
  /** A cluster that left the federation: its metric series go away. */
  onClusterRemoved?: (cluster: string) => void;
  now?: () => Date;
}): FleetHolder {
  const now = options.now ?? (() => new Date());
  let fleet: Fleet | undefined;
  let key = '';
  let building: Promise<Fleet> | undefined;
  let observed: ReturnType<FleetHolder['lastObserved']>;
  // Reconciles writing now: a fleet built meanwhile takes its writer locks for them too.
  let writing = 0;

  const fleetFor = async (repo: FederationRepo): Promise<Fleet> => {
    const wanted = keyOf(repo.clusters, repo.federation.name);
    if (fleet && wanted === key) return fleet;
    // One rebuild at a time; a reconcile is never concurrent with another, drift corrections are.
    building ??= (async () => {
      const previous = fleet;
      const next = await options.build(repo);
      for (let i = 0; i < writing; i++) next.beginWriting();
      fleet = next;
      key = wanted;
      if (previous) {
        const kept = new Set(repo.clusters.map((c) => c.name));
        for (const name of previous.clients.keys()) if (!kept.has(name)) options.onClusterRemoved?.(name);
        await previous.stop();
      }
      return next;
    })().finally(() => (building = undefined));
    return building;
  };

  const port: Targets['cluster'] = {
    async observe({ repo }) {
      const f = await fleetFor(repo);
      const clusters = await f.observe({ repo });
      observed = { at: now().toISOString(), clusters, repo };
      return clusters;
    },
    async apply(plan, opts) {
      if (!fleet) throw new Error('no fleet: apply before observe');
      return fleet.apply(plan, opts);
    },
    takeDrift: () => fleet?.takeDrift() ?? [],
    departed: () => fleet?.departed() ?? [],
    // The fleet is built at the first observe: a reconcile that begins before then is counted there.
    beginWriting: () => {
      writing++;
      fleet?.beginWriting();
    },
    endWriting: async () => {
      writing--;
      await fleet?.endWriting();
    },
  };

  return {
    port,
    current: () => fleet,
    lastObserved: () => observed,
    healthDetails: () => fleet?.healthDetails() ?? [],
    synced: () => observed !== undefined,
    async stop() {
      await building?.catch(() => undefined);
      await fleet?.stop();
      fleet = undefined;
    },
  };
}
