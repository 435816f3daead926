// Safety guards: deletes that need a person's approval in the repository before they run.
import type { Approval, GuardSummary, Problem } from '../model/index.js';
import { sha256 } from './digest.js';

export const GuardCode = {
  emptyRender: 'guard.emptyRender',
  massPrune: 'guard.massPrune',
  namespaceDelete: 'guard.namespaceDelete',
  lbFrontendDelete: 'guard.lbFrontendDelete',
} as const;
export type GuardCode = (typeof GuardCode)[keyof typeof GuardCode];

/** One delete that one or more guards hold. `target` is a cluster name (the LB issue adds `loadbalancer`). */
export type GuardedDelete = { target: string; key: string; subject: string; guards: GuardCode[] };

/** The mass-prune threshold: more deletes than this in one cluster need approval. */
export function massPruneLimit(managedObjects: number): number {
  return Math.max(10, Math.floor(managedObjects / 10));
}

/** Digest over exactly what the guards hold, independent of the revision and of approvals. */
export function guardDigest(held: GuardedDelete[]): string {
  const lines = held.flatMap((h) => h.guards.map((g) => `${g}\t${h.target}\t${h.key}`)).sort();
  return sha256(lines.join('\n'));
}

const GUARD_TEXT: Record<GuardCode, string> = {
  [GuardCode.emptyRender]:
    'the repository renders nothing for this cluster while it still holds objects fedsync manages',
  [GuardCode.massPrune]:
    'this would delete more than max(10 objects, 10 %) of the objects fedsync manages here',
  [GuardCode.namespaceDelete]: 'deleting a Namespace deletes everything in it',
  [GuardCode.lbFrontendDelete]: 'this deletes a load-balancer frontend (its address stops serving)',
};

export type GuardOutcome = {
  summary?: GuardSummary;
  /** Guards released by an approval; deletes held only by these may run. */
  released: Set<string>;
  problems: Problem[];
};

function normaliseDigest(d: string): string {
  const lower = d.trim().toLowerCase();
  return lower.startsWith('sha256:') ? lower : `sha256:${lower}`;
}

/**
 * Decides which guards the approvals in the repository release. An approval releases the guards
 * it lists (all when it lists none) only when its digest equals the digest of the held deletes.
 */
export function evaluateGuards(options: { held: GuardedDelete[]; approvals: Approval[] }): GuardOutcome {
  const { held, approvals } = options;
  const problems: Problem[] = [];
  for (const a of approvals) {
    if (a.commit !== undefined && a.digest === undefined) {
      problems.push({
        code: 'approval.commitNotSupported',
        severity: 'warning',
        message: `approval by commit ${a.commit} releases nothing: name the digest the plan prints instead (an approval cannot name the commit that contains it)`,
      });
    }
  }
  if (held.length === 0) {
    for (const a of approvals) {
      if (a.digest !== undefined) {
        problems.push({
          code: 'approval.unused',
          severity: 'warning',
          message: `approval ${a.digest} matches no held change and can be removed`,
        });
      }
    }
    return { released: new Set(), problems };
  }
  const digest = guardDigest(held);
  const fired = [...new Set(held.flatMap((h) => h.guards))].sort();
  const released = new Set<string>();
  const matching = approvals.filter((a) => a.digest !== undefined && normaliseDigest(a.digest) === digest);
  for (const a of matching)
    for (const g of a.guards ?? fired) if (fired.includes(g as GuardCode)) released.add(g);
  const stale = approvals.filter((a) => a.digest !== undefined && normaliseDigest(a.digest) !== digest);

  for (const guard of fired) {
    const mine = held.filter((h) => h.guards.includes(guard));
    const targets = [...new Set(mine.map((h) => h.target))].sort();
    const one = targets.length === 1 ? targets[0] : undefined;
    const name = (h: GuardedDelete) => (one === undefined ? `${h.subject}@${h.target}` : h.subject);
    const sample =
      mine.slice(0, 5).map(name).join(', ') + (mine.length > 5 ? `, … (${mine.length} in all)` : '');
    const where = one === undefined ? ` in ${targets.length} clusters` : '';
    const scope: { cluster?: string } = one === undefined ? {} : { cluster: one };
    if (released.has(guard)) {
      const reason = matching.find((a) => a.guards === undefined || a.guards.includes(guard))?.reason;
      problems.push({
        code: guard,
        severity: 'warning',
        message: `${mine.length} delete(s)${where} approved in the repository (${digest}${reason ? `: ${reason}` : ''}): ${sample}`,
        ...scope,
      });
    } else {
      const staleNote =
        stale.length > 0
          ? ` (the approval naming ${stale[0]!.digest} no longer matches: the held deletes changed)`
          : '';
      problems.push({
        code: guard,
        severity: 'error',
        message: `${mine.length} delete(s)${where} held: ${GUARD_TEXT[guard]}: ${sample}. To allow them, add to fedsync.yaml spec.policy.approvals: {digest: "${digest}", guards: ["${guard}"], reason: "…"}${staleNote}`,
        ...scope,
      });
    }
  }
  return { summary: { digest, guards: fired, released: [...released].sort() }, released, problems };
}
