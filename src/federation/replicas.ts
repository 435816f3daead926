// The federation/kubefed replica planner (docs/planner.md, "Replica scheduling"): minimums, kept replicas
// (rebalance off), weighted fill with maximums, capacity and overflow. One deliberate fix: weighted
// shares use largest-remainder rounding, so 10 over three equal clusters is 4/3/3 (not 4/4/2).
// Ties go by FNV-1 32 of cluster name + key, as upstream.
import type { ClusterName, ClusterReplicaPreference, ReplicaScheduling } from '../model/index.js';
import { fnv1_32 } from './fnv.js';

export type ReplicaPlanInput = {
  scheduling: ReplicaScheduling;
  /** Selected ready clusters that may receive replicas. */
  available: ClusterName[];
  /** Replicas running per cluster, only where the member object exists. */
  current: Record<ClusterName, number>;
  /** Estimated replicas a cluster can run, only where some pods are unschedulable. */
  capacity: Record<ClusterName, number>;
  /** `namespace/name` of the workload: the tie-break salt. */
  key: string;
};

export type ReplicaPlan = {
  /** spec.replicas per participating cluster (plan + overflow); clusters absent get no copy. */
  replicas: Record<ClusterName, number>;
  /** Replicas kept pending on a congested cluster on top of its capacity (already in `replicas`). */
  overflow: Record<ClusterName, number>;
  /** Replicas of the total that no cluster took. */
  unplaced: number;
};

type Participant = { name: ClusterName; pref: ClusterReplicaPreference; hash: number };

/** The preference that applies to `cluster`: an exact entry (no inheritance from `*`), else `*`. */
export function preferenceFor(
  scheduling: ReplicaScheduling,
  cluster: ClusterName,
): ClusterReplicaPreference | undefined {
  return scheduling.clusters[cluster] ?? scheduling.clusters['*'];
}

/** Weight descending, then hash ascending, then name (hash collisions). */
function orderParticipants(input: ReplicaPlanInput): Participant[] {
  const out: Participant[] = [];
  for (const name of input.available) {
    const pref = preferenceFor(input.scheduling, name);
    if (pref) out.push({ name, pref, hash: fnv1_32(name + input.key) });
  }
  return out.sort(
    (a, b) =>
      b.pref.weight - a.pref.weight || a.hash - b.hash || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** Splits `amount` by weight: floors first, the rest one each by largest remainder, ties in order. */
export function largestRemainder(amount: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((amount * w) / total));
  let left = amount - shares.reduce((s, v) => s + v, 0);
  const byRemainder = weights
    .map((w, i) => ({ i, rem: (amount * w) % total }))
    .filter((e) => weights[e.i]! > 0)
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i] = shares[i]! + 1;
    left--;
  }
  return shares;
}

/** Plans `scheduling.totalReplicas` over the available clusters. Pure and deterministic. */
export function planReplicas(input: ReplicaPlanInput): ReplicaPlan {
  const { scheduling, current, capacity } = input;
  const order = orderParticipants(input);
  const plan: Record<ClusterName, number> = {};
  const overflow: Record<ClusterName, number> = {};
  let remaining = Math.max(0, scheduling.totalReplicas);

  // 1. Minimums, in order, capped by what is left and by capacity.
  for (const p of order) {
    const min = Math.min(p.pref.minReplicas, remaining, capacity[p.name] ?? Infinity);
    plan[p.name] = Math.max(0, min);
    remaining -= plan[p.name]!;
  }

  // 2. Without rebalance, keep what already runs (up to max and capacity).
  if (!scheduling.rebalance) {
    for (const p of order) {
      const running = current[p.name] ?? 0;
      const planned = plan[p.name]!;
      if (running <= planned) continue;
      const target = Math.min(running, p.pref.maxReplicas ?? Infinity, capacity[p.name] ?? Infinity);
      const extra = Math.min(Math.max(target - planned, 0), remaining);
      plan[p.name] = planned + extra;
      remaining -= extra;
    }
  }

  // 3. Weighted passes until nothing is left or nothing changes. Each pass splits the weighted
  // pool of the open clusters (what is left plus what they already hold beyond their minimum,
  // kept replicas included) by largest remainder, and gives each cluster what it lacks of its
  // share; a cluster hitting its maximum or capacity closes. Upstream instead rounds every share
  // of the remainder up, which front-loads the first clusters (4/4/2 for 10 over three).
  const minimum: Record<ClusterName, number> = { ...plan };
  let open = order;
  let modified = true;
  while (remaining > 0 && modified) {
    modified = false;
    const weights = open.map((p) => p.pref.weight);
    if (weights.reduce((s, w) => s + w, 0) <= 0) break;
    const held = (p: Participant) => plan[p.name]! - minimum[p.name]!;
    const pool = remaining + open.reduce((s, p) => s + held(p), 0);
    const targets = largestRemainder(pool, weights);
    const stillOpen: Participant[] = [];
    open.forEach((p, i) => {
      const start = plan[p.name]!;
      const want = Math.min(Math.max(targets[i]! - held(p), 0), remaining);
      let total = start + want;
      let full = false;
      if (p.pref.maxReplicas !== undefined && total > p.pref.maxReplicas) {
        total = Math.max(p.pref.maxReplicas, start);
        full = true;
      }
      const cap = capacity[p.name];
      if (cap !== undefined && total > cap) {
        overflow[p.name] = total - Math.max(cap, start);
        total = Math.max(cap, start);
        full = true;
      }
      if (!full) stillOpen.push(p);
      remaining -= total - start;
      plan[p.name] = total;
      if (total > start || full) modified = true;
    });
    open = stillOpen;
  }

  // 4. Without rebalance, overflow never exceeds what is still unplaced (upstream rule).
  if (!scheduling.rebalance) {
    for (const name of Object.keys(overflow)) {
      const clipped = Math.min(overflow[name]!, remaining);
      if (clipped > 0) overflow[name] = clipped;
      else delete overflow[name];
    }
  }

  const replicas: Record<ClusterName, number> = {};
  for (const p of order) replicas[p.name] = plan[p.name]! + (overflow[p.name] ?? 0);
  return { replicas, overflow, unplaced: remaining };
}
