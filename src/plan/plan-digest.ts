// Plan.digest: a fingerprint of what a plan decides (not of the revision it was computed at), so
// two revisions with the same effect share a digest. Secret values are masked before hashing.
import type { ClusterName, LoadBalancerAction, Plan } from '../model/index.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from './digest.js';
import { blockLines, digestBlocks } from './digest-blocks.js';
import type { DigestBlocks } from './digest-blocks.js';

/** What a load-balancer action decides: the call and its request (never a key: it is not in `body`). */
function loadBalancerFacts(a: LoadBalancerAction): unknown {
  return [a.action, a.subject, a.call ?? null, a.body ?? null, a.changes, a.heldBy ?? [], a.drift ?? false];
}

/**
 * Streams the facts into one sha256: each cluster's actions by their digest blocks (digest-blocks.ts),
 * taken from `blocks` when the caller kept them (an incremental plan), else hashed here.
 */
export function planDigest(
  plan: Plan,
  options: { blocks?: ReadonlyMap<ClusterName, DigestBlocks> } = {},
): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ federation: plan.federation, guards: plan.guards }));
  for (const t of plan.targets) {
    if (t.kind === 'cluster') {
      hash.update(`\ncluster ${t.name} ${t.health}\n`);
      hash.update(blockLines(options.blocks?.get(t.name) ?? digestBlocks(t.actions)));
    } else {
      hash.update(`\nloadBalancer ${t.name} ${t.uid}\n`);
      for (const a of t.actions)
        hash.update(
          a.action === 'unchanged' ? `unchanged ${a.subject}\n` : `${canonicalJson(loadBalancerFacts(a))}\n`,
        );
      for (const o of t.orphans) hash.update(`orphan ${o.subject}\n`);
    }
  }
  for (const p of plan.problems)
    hash.update(`${canonicalJson([p.code, p.severity, p.object, p.cluster, p.message])}\n`);
  return `sha256:${hash.digest('hex')}`;
}
