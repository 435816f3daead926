// Reads what the replica planner needs from observed workloads: replicas running, capacity from
// pods unschedulable for longer than the threshold, and when the next pending pod crosses it.
import type { ClusterName, ObservedCluster } from '../model/index.js';

/** A pod counts against a cluster's capacity once it has been unschedulable this long (upstream). */
export const UNSCHEDULABLE_THRESHOLD_SECONDS = 60;

export type WorkloadSignals = {
  current: Record<ClusterName, number>;
  capacity: Record<ClusterName, number>;
  /** Seconds until the next still-young unschedulable pod crosses the threshold, if any. */
  requeueAfterSeconds?: number;
};

/**
 * Signals for the workload `key` (a refKey) across `clusters` (only Ready ones should be passed).
 * A cluster counts as having the workload only when its live object exists.
 */
export function workloadSignals(options: {
  key: string;
  clusters: ObservedCluster[];
  now: string;
}): WorkloadSignals {
  const nowMs = Date.parse(options.now);
  const out: WorkloadSignals = { current: {}, capacity: {} };
  for (const cluster of options.clusters) {
    const observed = cluster.workloads[options.key];
    if (!observed || !cluster.objects[options.key]) continue;
    out.current[cluster.name] = Math.max(0, observed.readyReplicas);
    let stuck = 0;
    for (const since of observed.unschedulableSince) {
      const ageSeconds = (nowMs - Date.parse(since)) / 1000;
      if (!Number.isFinite(ageSeconds)) continue;
      if (ageSeconds >= UNSCHEDULABLE_THRESHOLD_SECONDS) {
        stuck++;
      } else {
        const wait = Math.max(1, Math.ceil(UNSCHEDULABLE_THRESHOLD_SECONDS - ageSeconds));
        out.requeueAfterSeconds = Math.min(out.requeueAfterSeconds ?? Infinity, wait);
      }
    }
    if (stuck > 0) out.capacity[cluster.name] = Math.max(0, observed.specReplicas - stuck);
  }
  return out;
}
