// Safety guards: deletes that need a person's approval in the repository before they run.
import type { Approval, GuardSummary, HeldRecord, Problem, Revision, TargetKind } from '../model/index.js';
import { sha256 } from './digest.js';
import { heldAt } from './held-record.js';

export const GuardCode = {
  emptyRender: 'guard.emptyRender',
  massPrune: 'guard.massPrune',
  namespaceDelete: 'guard.namespaceDelete',
  lbFrontendDelete: 'guard.lbFrontendDelete',
  /** Google Cloud: deleting a forwarding rule takes its IP off the Internet. */
  lbForwardingRuleDelete: 'guard.lbForwardingRuleDelete',
  /** Google Cloud: a forwarding rule deleted and created again (a short outage on its port). */
  lbForwardingRuleReplace: 'guard.lbForwardingRuleReplace',
  /** Google Cloud: releasing an address fedsync reserved (the IP is gone for good). */
  lbAddressRelease: 'guard.lbAddressRelease',
  /** A member marked leaving: everything fedsync manages there is deleted. */
  memberLeaving: 'guard.memberLeaving',
} as const;
export type GuardCode = (typeof GuardCode)[keyof typeof GuardCode];

/** One action that one or more guards hold: `target` is the cluster's name or the load balancer's id. */
export type GuardedDelete = {
  target: string;
  /** Absent: a cluster. */
  targetKind?: TargetKind;
  key: string;
  subject: string;
  guards: GuardCode[];
  /** Held because these held objects (subjects) use it: it keeps them working. */
  heldWith?: string[];
  /** The part of `guards` it has only from the objects in `heldWith`. */
  inherited?: GuardCode[];
};

/** The mass-prune threshold of a large inventory: more deletes than this in one cluster need approval. */
export function massPruneLimit(managedObjects: number): number {
  return Math.max(10, Math.floor(managedObjects / 10));
}

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** A kind that runs the application (a refKey's group and kind). */
export const isWorkloadKind = (group: string, kind: string): boolean =>
  group === 'apps' && WORKLOAD_KINDS.has(kind);

/**
 * Whether the prune of one cluster is a mass prune: more than max(10, 10 %) of what fedsync manages
 * there, more than half of it (so a small federation is guarded too), or every workload it runs.
 */
export function isMassPrune(options: {
  managed: number;
  deletes: number;
  workloadsManaged: number;
  workloadsDeleted: number;
}): boolean {
  const { managed, deletes, workloadsManaged, workloadsDeleted } = options;
  if (deletes === 0) return false;
  return (
    deletes > massPruneLimit(managed) ||
    deletes * 2 > managed ||
    (workloadsManaged > 0 && workloadsDeleted === workloadsManaged)
  );
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
    'this would delete every workload fedsync runs here, more than half of the objects it manages here, or more than max(10 objects, 10 %) of them',
  [GuardCode.namespaceDelete]: 'deleting a Namespace deletes everything in it',
  [GuardCode.lbFrontendDelete]: 'this deletes a load-balancer frontend (its address stops serving)',
  [GuardCode.lbForwardingRuleDelete]: 'deleting a forwarding rule takes its IP off the Internet',
  [GuardCode.lbForwardingRuleReplace]:
    'a forwarding rule is deleted and created again (its IP does not answer on that port meanwhile)',
  [GuardCode.lbAddressRelease]: 'releasing an address fedsync reserved: the IP users know is gone for good',
  [GuardCode.memberLeaving]:
    'the cluster is leaving the federation (spec.leaving: true): every object fedsync manages there is deleted',
};

/** The revision being planned, as far as approvals by commit need it. */
export type GuardRevision = Pick<Revision, 'sha' | 'parent' | 'changedPaths'>;

const FEDSYNC_FILES = new Set(['fedsync.yaml', 'fedsync.yml']);

/**
 * Why an approval naming `commit` does not apply to this revision, or undefined when it does. It
 * applies in exactly one place: the commit that adds it, made directly on top of the named commit
 * and changing nothing but fedsync.yaml, so the deletes it releases are the ones the named commit's
 * plan held (a commit cannot name itself; anything else changed since would slip through).
 */
function commitApprovalGap(commit: string, revision: GuardRevision | undefined): string | undefined {
  const c = commit.toLowerCase();
  if (!revision) return 'the revision being planned is unknown';
  if (revision.sha.toLowerCase().startsWith(c)) return 'a commit cannot approve itself';
  if (revision.parent === undefined) return `the parent of ${short(revision.sha)} is unknown`;
  if (!revision.parent.toLowerCase().startsWith(c))
    return `it only applies in the commit directly on top of ${short(c)}, and ${short(revision.sha)} is not`;
  if (revision.changedPaths === undefined)
    return `what ${short(revision.sha)} changed is unknown (shallow history)`;
  const other = revision.changedPaths.filter((p) => !FEDSYNC_FILES.has(p));
  if (other.length > 0) return `${short(revision.sha)} also changes ${other.slice(0, 3).join(', ')}`;
  return undefined;
}

const short = (sha: string): string => sha.slice(0, 12);

/** The two entries that approve `guard`, ready to paste under spec.policy.approvals. */
export function approvalEntries(digest: string, guard: string, sha: string | undefined): string {
  const byDigest = `{digest: "${digest}", guards: ["${guard}"], reason: "…"}`;
  if (sha === undefined) return byDigest;
  const byCommit = `{commit: "${sha}", guards: ["${guard}"], reason: "…"}`;
  return `either ${byDigest} (these exact deletes, in any later commit) or ${byCommit} (in a commit directly on top of ${short(sha)} that changes only fedsync.yaml)`;
}

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
 * Why an approval of `commit` does not bind to the deletes held now, or undefined when it does: the
 * records must remember what the guards held at that commit, and it must be exactly this set.
 */
function commitBindingGap(
  commit: string,
  recorded: readonly HeldRecord[],
  now: { digest: string; count: number },
): string | undefined {
  const then = heldAt(recorded, commit);
  if (then.length === 0)
    return `no member's record says what the guards held at ${short(commit)} (only an applied plan records it)`;
  const other = then.find((e) => e.digest !== now.digest);
  if (other === undefined) return undefined;
  return `it approved what was held at ${short(commit)}, ${other.count} delete(s) (${other.digest}), but ${now.count} are held now (${now.digest})`;
}

/**
 * Decides which guards the approvals in the repository release. An approval releases the guards
 * it lists (all when it lists none) when its digest equals the digest of the held deletes, or when
 * it names a commit, this revision is where that approval applies (see commitApprovalGap), and
 * what is held now is what the records say was held at that commit (see commitBindingGap).
 */
export function evaluateGuards(options: {
  held: GuardedDelete[];
  approvals: Approval[];
  revision?: GuardRevision;
  /** What earlier applied plans held, by commit (from the members' records). */
  recorded?: readonly HeldRecord[];
}): GuardOutcome {
  const { held, approvals, revision, recorded = [] } = options;
  const problems: Problem[] = [];
  if (held.length === 0) {
    for (const a of approvals) {
      problems.push({
        code: 'approval.unused',
        severity: 'warning',
        message: `approval ${a.digest ?? `of commit ${a.commit ?? ''}`} matches no held change and can be removed`,
      });
    }
    return { released: new Set(), problems };
  }
  const digest = guardDigest(held);
  const fired = [...new Set(held.flatMap((h) => h.guards))].sort();
  const released = new Set<string>();
  const unbound: string[] = [];
  const commitApplies = (a: Approval): boolean => {
    if (a.commit === undefined) return false;
    const gap = commitApprovalGap(a.commit, revision);
    const binding =
      gap === undefined ? commitBindingGap(a.commit, recorded, { digest, count: held.length }) : undefined;
    if (gap === undefined && binding === undefined) return true;
    if (binding !== undefined) unbound.push(`the approval of commit ${a.commit} does not apply: ${binding}`);
    problems.push({
      code: gap === undefined ? 'approval.commitHeldChanged' : 'approval.commitNotApplicable',
      severity: 'warning',
      message: `approval of commit ${a.commit} releases nothing here: ${gap ?? binding}; approve by the digest instead`,
    });
    return false;
  };
  const matching = approvals.filter(
    (a) => (a.digest !== undefined && normaliseDigest(a.digest) === digest) || commitApplies(a),
  );
  for (const a of matching)
    for (const g of a.guards ?? fired) if (fired.includes(g as GuardCode)) released.add(g);
  const stale = approvals.filter((a) => a.digest !== undefined && normaliseDigest(a.digest) !== digest);
  const approvedBy = (a: Approval): string => a.digest ?? `commit ${a.commit ?? ''}`;

  for (const guard of fired) {
    const mine = held.filter((h) => h.guards.includes(guard));
    const targets = [...new Set(mine.map((h) => h.target))].sort();
    const one = targets.length === 1 ? targets[0] : undefined;
    const name = (h: GuardedDelete) => (one === undefined ? `${h.subject}@${h.target}` : h.subject);
    const listed = (list: GuardedDelete[]): string =>
      list.slice(0, 5).map(name).join(', ') + (list.length > 5 ? `, … (${list.length} in all)` : '');
    // Objects held only because held ones use them are named apart: the guard's reason is not theirs.
    const withThem = mine.filter((h) => h.inherited?.includes(guard));
    const direct = mine.filter((h) => !h.inherited?.includes(guard));
    const sample = (verb: string): string =>
      listed(direct) +
      (withThem.length > 0
        ? `; and ${withThem.length} object(s) they use, ${verb} with them: ${listed(withThem)}`
        : '');
    const inLoadBalancer = mine.every((h) => h.targetKind === 'loadBalancer');
    const where = inLoadBalancer
      ? ` in the load balancer of project ${targets.join(', ')}`
      : one === undefined
        ? ` in ${targets.length} clusters`
        : '';
    const scope: { cluster?: string } = one === undefined || inLoadBalancer ? {} : { cluster: one };
    if (released.has(guard)) {
      const by = matching.find((a) => a.guards === undefined || a.guards.includes(guard));
      const reason = by?.reason;
      problems.push({
        code: guard,
        severity: 'warning',
        message: `${direct.length} delete(s)${where} approved in the repository (${by ? approvedBy(by) : digest}${reason ? `: ${reason}` : ''}): ${sample('released')}`,
        ...scope,
      });
    } else {
      const notes = [
        ...(stale.length > 0
          ? [`the approval naming ${stale[0]!.digest} no longer matches: the held deletes changed`]
          : []),
        ...unbound.slice(0, 1),
      ];
      const staleNote = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      problems.push({
        code: guard,
        severity: 'error',
        message: `${direct.length} delete(s)${where} held: ${GUARD_TEXT[guard]}: ${sample('held')}. To allow them, add to fedsync.yaml spec.policy.approvals ${approvalEntries(digest, guard, revision?.sha)}${staleNote}`,
        ...scope,
      });
    }
  }
  return { summary: { digest, guards: fired, released: [...released].sort() }, released, problems };
}
