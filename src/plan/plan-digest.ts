// Plan.digest: a fingerprint of what a plan decides (not of the revision it was computed at), so
// two revisions with the same effect share a digest. Secret values are masked before hashing.
import type { KubeAction, Plan } from '../model/index.js';
import { refKey } from '../model/index.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from './digest.js';
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

/** Streams the facts into one sha256 (no single huge string for 10 × 5,000 actions). */
export function planDigest(plan: Plan): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ federation: plan.federation, guards: plan.guards }));
  for (const c of plan.clusters) {
    hash.update(`\ncluster ${c.cluster} ${c.health}\n`);
    for (const a of c.actions) {
      hash.update(
        a.op === 'unchanged' ? `unchanged ${refKey(a.ref)}\n` : `${canonicalJson(actionFacts(a))}\n`,
      );
    }
  }
  for (const p of plan.problems)
    hash.update(`${canonicalJson([p.code, p.severity, p.object, p.cluster, p.message])}\n`);
  return `sha256:${hash.digest('hex')}`;
}
