// Plan.digest: a fingerprint of what a plan decides (not of the revision it was computed at), so
// two revisions with the same effect share a digest. It covers every target the same way: each
// action by (target, key) with what it would write. Secret values are masked before hashing.
import type { AnyAction, Plan, TargetPlan } from '../model/index.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from './digest.js';
import { maskObject } from './mask.js';

function payload(t: TargetPlan, object: unknown): unknown {
  // Only cluster objects can hold Secret values; load-balancer requests never carry key material.
  return t.kind === 'cluster' ? maskObject(object as Parameters<typeof maskObject>[0]) : object;
}

function actionFacts(t: TargetPlan, a: AnyAction): unknown {
  switch (a.action) {
    case 'create':
      return [a.action, a.key, payload(t, a.object)];
    case 'update':
    case 'adopt':
    case 'replace':
      return [a.action, a.key, payload(t, a.object), a.changes];
    case 'delete':
      return [a.action, a.key];
    case 'held':
      return [a.action, a.key, a.would, a.guards];
    case 'skip':
      return [a.action, a.key, a.reason];
    case 'unchanged':
      return [a.action, a.key];
  }
}

function targetLine(t: TargetPlan): string {
  return t.kind === 'cluster' ? `\ncluster ${t.target} ${t.health}\n` : `\n${t.kind} ${t.target}\n`;
}

/** Streams the facts into one sha256 (no single huge string for 10 × 5,000 actions). */
export function planDigest(plan: Plan): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ federation: plan.federation, guards: plan.guards }));
  for (const t of plan.targets) {
    hash.update(targetLine(t));
    for (const a of t.actions) {
      hash.update(
        a.action === 'unchanged' ? `unchanged ${a.key}\n` : `${canonicalJson(actionFacts(t, a))}\n`,
      );
    }
  }
  for (const p of plan.problems)
    hash.update(`${canonicalJson([p.code, p.severity, p.object, p.cluster, p.message])}\n`);
  return `sha256:${hash.digest('hex')}`;
}
