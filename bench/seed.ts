// Seeds a simulated federation with what fedsync would have applied, without fedsync's writes over
// HTTP: a push of 10 × 20,000 objects through the API would take minutes, so the big one-object-push
// and memory rows start from clusters filled in-process. The objects are the planner's own (a full
// plan against empty clusters), sent through the simulator's server-side apply as fedsync's field
// manager, so the labels, annotations and managedFields are those a real push leaves. The inventory
// is left to fedsync: the first reconcile finds every object unchanged and records them.
import { FIELD_MANAGER } from '../src/model/index.js';
import type { FederationRepo } from '../src/model/index.js';
import { planRevision } from '../src/plan/plan-revision.js';
import { PatchTypes } from '../src/sim/kube/api.js';
import type { RunningWorld } from '../src/sim/run-world.js';
import { unobservedClusters } from './planner-inputs.js';

/** Applies every object a full plan would create to each simulated cluster; returns how many. */
export async function seedWorld(running: RunningWorld, repo: FederationRepo): Promise<number> {
  const empty = unobservedClusters(repo);
  const plan = planRevision({
    revision: { sha: '0'.repeat(40) },
    repo,
    clusters: empty,
    now: new Date().toISOString(),
  });
  let applied = 0;
  for (const t of plan.targets) {
    if (t.kind !== 'cluster') continue;
    const sim = running.cluster(t.name);
    if (!sim) throw new Error(`seed: no simulated cluster ${t.name}`);
    for (const a of t.actions) {
      if (a.action !== 'create') continue;
      const { apiVersion, kind, metadata } = a.object;
      sim.api.patch(
        sim.resource(apiVersion, kind),
        metadata.namespace ?? '',
        metadata.name,
        { type: PatchTypes.apply, body: JSON.stringify(a.object) },
        { fieldManager: FIELD_MANAGER, force: true },
      );
      applied++;
    }
    // Lets the controllers (Deployments → ReplicaSets) catch up cluster by cluster.
    await sim.settle();
  }
  return applied;
}
