// Plan.digest: a fingerprint of what a plan decides (not of the revision it was computed at), so
// two revisions with the same effect share a digest. Secret values are masked before hashing.
import type { KubeAction, LoadBalancerAction, Plan } from '../model/index.js';
import { actionKey } from '../model/index.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from './digest.js';
import { maskObject } from './mask.js';

function kubeFacts(a: KubeAction): unknown {
  const key = actionKey(a);
  switch (a.action) {
    case 'create':
      return [a.action, key, maskObject(a.object)];
    case 'update':
    case 'adopt':
      return [a.action, key, maskObject(a.object), a.changes];
    case 'delete':
      return [a.action, key];
    case 'held':
      return [a.action, key, a.heldBy];
    case 'skip':
      return [a.action, key, a.reason];
    case 'unchanged':
      return [a.action, key];
  }
}

/** What a load-balancer action decides: the call and its request (never a key: it is not in `body`). */
function loadBalancerFacts(a: LoadBalancerAction): unknown {
  return [a.action, a.subject, a.call ?? null, a.body ?? null, a.changes, a.heldBy ?? [], a.drift ?? false];
}

/** Streams the facts into one sha256 (no single huge string for 10 × 5,000 actions). */
export function planDigest(plan: Plan): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ federation: plan.federation, guards: plan.guards }));
  for (const t of plan.targets) {
    if (t.kind === 'cluster') {
      hash.update(`\ncluster ${t.name} ${t.health}\n`);
      for (const a of t.actions)
        hash.update(
          a.action === 'unchanged' ? `unchanged ${actionKey(a)}\n` : `${canonicalJson(kubeFacts(a))}\n`,
        );
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
