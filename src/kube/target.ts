// A member cluster as a target of the reconciler: observe (health, watch cache, inventory, reads of
// uncached desired objects) and apply (its plan, bracketed by inventory writes), with the drift
// detector told about fedsync's own writes and handed the desired state afterwards.
import { refKey, refOf } from '../model/index.js';
import type { ClusterHealth, ClusterName, FederationRepo, ObservedCluster } from '../model/index.js';
import { placedClusters } from '../federation/placement.js';
import type { ApplyProgress, Target } from '../reconcile/target-port.js';
import { applyClusterPlan } from './apply.js';
import type { ApplyHooks, ClusterApplyResult, InventoryWriter } from './apply.js';
import type { ClusterCache } from './cache.js';
import type { DriftHooks } from './drift.js';
import { observeCluster } from './observe.js';
import type { DesiredRef } from './observe.js';
import type { ClusterClient } from './port.js';

export type ClusterTargetOptions = {
  client: ClusterClient;
  cache: ClusterCache;
  federation: string;
  /** The cluster's health now (a health monitor's verdict, or probes). */
  health: () => Promise<ClusterHealth> | ClusterHealth;
  writeInventory: InventoryWriter;
  /** Long-lived agent: drift detection hears fedsync's writes and gets the desired state. */
  drift?: DriftHooks;
  syncTimeoutMs?: number;
  objectConcurrency?: number;
};

/** The desired objects placed in `cluster` (GETs for adoption are only made for these). */
function desiredRefsFor(repo: FederationRepo, cluster: ClusterName): DesiredRef[] {
  return repo.objects
    .filter((o) => placedClusters(o.placement, repo.clusters).includes(cluster))
    .map((o) => ({ ...refOf(o.template), apiVersion: o.template.apiVersion }));
}

function hooksFor(drift: DriftHooks | undefined, progress: ApplyProgress | undefined): ApplyHooks {
  return {
    started: (c) => drift?.applyStarted(c),
    objectApplied: (c, desired, live) => drift?.objectApplied(c, desired, live),
    objectDeleted: (c, ref) => drift?.objectDeleted(c, ref),
    actionFinished: (c, r) => progress?.actionFinished?.(c, r),
  };
}

export function clusterTarget(options: ClusterTargetOptions): Target<'cluster'> {
  const { client, drift } = options;
  const name = client.name;
  // What the last observe saw: the plan was made from it, so apply starts from its inventory.
  let observed: ObservedCluster | undefined;
  return {
    kind: 'cluster',
    name,
    async observe({ repo }) {
      const health = await options.health();
      try {
        observed = await observeCluster({
          client,
          cache: options.cache,
          federation: options.federation,
          health,
          desired: desiredRefsFor(repo, name),
          ...(options.syncTimeoutMs ? { syncTimeoutMs: options.syncTimeoutMs } : {}),
        });
      } catch {
        // Answered a probe but could not be observed (list, watch or inventory failed): it still
        // counts as Ready for scheduling until the health check says otherwise, but with an unknown
        // inventory nothing is written or pruned there this cycle (apply reports it).
        observed = { name, health, objects: {}, inventory: null, workloads: {} };
      }
      return observed;
    },
    async apply(plan, context): Promise<ClusterApplyResult> {
      const result = await applyClusterPlan(plan, {
        client,
        inventory: observed?.inventory,
        writeInventory: options.writeInventory,
        ...(observed ? { live: observed.objects } : {}),
        ...(options.objectConcurrency ? { objectConcurrency: options.objectConcurrency } : {}),
        hooks: hooksFor(drift, context.progress),
      });
      if (drift) {
        // Only objects now in line with Git: a failed apply or a skip must not be "corrected" in a loop.
        const inLine = new Set(
          result.results.filter((r) => r.outcome === 'done' || r.action === 'unchanged').map((r) => r.key),
        );
        const desired = context.desired.filter((o) => inLine.has(refKey(refOf(o))));
        drift.setDesired(name, desired, { selfHeal: context.policy.selfHeal });
      }
      context.progress?.targetFinished?.(name, result);
      return result;
    },
  };
}
