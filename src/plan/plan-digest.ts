// Plan.digest: a fingerprint of what a plan decides (not of the revision it was computed at), so
// two revisions with the same effect share a digest. Secret values are masked before hashing.
import type { KubeAction, Plan } from '../model/index.js';
import { refKey } from '../model/index.js';
import { canonicalJson, sha256 } from './digest.js';
import { maskObject } from './mask.js';

function actionFacts(a: KubeAction): unknown {
  const key = refKey(a.ref);
  switch (a.op) {
    case 'create':
      return [a.op, key, maskObject(a.object)];
    case 'update':
    case 'adopt':
      return [a.op, key, maskObject(a.object), a.changes];
    case 'delete':
      return [a.op, key, a.blockedBy];
    case 'skip':
      return [a.op, key, a.reason];
    case 'unchanged':
      return [a.op, key];
  }
}

export function planDigest(plan: Plan): string {
  return sha256(
    canonicalJson({
      federation: plan.federation,
      clusters: plan.clusters.map((c) => ({
        cluster: c.cluster,
        health: c.health,
        actions: c.actions.map(actionFacts),
      })),
      problems: plan.problems.map((p) => [p.code, p.severity, p.object, p.cluster, p.message]),
      guards: plan.guards,
    }),
  );
}
