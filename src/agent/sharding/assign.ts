// Which replica of the agent writes to which member cluster, by rendezvous (highest random weight)
// hashing: each cluster goes to the shard whose hash of (cluster, shard) is highest. Adding or
// removing a cluster moves no other cluster; going from N to N+1 replicas moves only the clusters the
// new shard wins, about 1/(N+1) of them. Pure: the same inputs give the same answer on every replica,
// which is what lets replicas agree without talking to each other.
import { createHash } from 'node:crypto';

export type ShardSpec = {
  /** How many replicas share the clusters (1 = no sharding). */
  replicas: number;
  /** This replica's shard, 0 ≤ index < replicas. */
  index: number;
};

/** The rendezvous score of a cluster on a shard: the first 8 bytes of SHA-256, as a bigint. */
function score(cluster: string, shard: number): bigint {
  return createHash('sha256').update(`${shard}\u0000${cluster}`).digest().readBigUInt64BE(0);
}

function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new RangeError(`shard replicas must be a whole number ≥ 1, got ${replicas}`);
}

/** The shard (0-based) that owns `cluster` when `replicas` replicas share the fleet. */
export function shardOf(cluster: string, replicas: number): number {
  checkReplicas(replicas);
  let best = 0;
  let bestScore = -1n;
  for (let shard = 0; shard < replicas; shard++) {
    const s = score(cluster, shard);
    // Ties are astronomically unlikely; the lower shard wins so the answer stays deterministic.
    if (s > bestScore) {
      best = shard;
      bestScore = s;
    }
  }
  return best;
}

/** Every cluster's shard. */
export function assignShards(clusters: readonly string[], replicas: number): Map<string, number> {
  checkReplicas(replicas);
  return new Map(clusters.map((c) => [c, shardOf(c, replicas)]));
}

/** The clusters this replica owns, in the order given. */
export function clustersOfShard(clusters: readonly string[], spec: ShardSpec): string[] {
  checkReplicas(spec.replicas);
  if (!Number.isInteger(spec.index) || spec.index < 0 || spec.index >= spec.replicas)
    throw new RangeError(`shard index must be in 0..${spec.replicas - 1}, got ${spec.index}`);
  return clusters.filter((c) => shardOf(c, spec.replicas) === spec.index);
}

/**
 * The Lease a shard's replicas elect a leader on: the agent's lease name itself without sharding,
 * `<name>-shard-<index>` with it. The replica count is not in the name on purpose: during a rollout
 * that changes it, old and new replicas of one index contend for the same Lease instead of both
 * leading. (Two shards may still both claim a cluster while the count changes; the per-cluster
 * writer lock is what keeps that cluster to one writer.)
 */
export function shardLeaseName(leaseName: string, spec: ShardSpec): string {
  return spec.replicas <= 1 ? leaseName : `${leaseName}-shard-${spec.index}`;
}
