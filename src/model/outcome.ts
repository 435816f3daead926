// The one outcome vocabulary. Every word fedsync uses for "what a plan does to one thing of a
// target" and "what happened when it tried" is defined here, for every kind of target (a member
// cluster's objects, the load balancer's Google Cloud resources). The planner, apply, drift, the
// reconcile result and every renderer (text, Markdown, JSON) use these words, and counts are derived
// from them in one function (`tally`).

/** What a plan does to one thing of a target. */
export const Action = {
  /** Desired, missing live: create it. */
  create: 'create',
  /** Live differs from desired in fields fedsync owns: change it in place. */
  update: 'update',
  /** Exists live without fedsync's ownership marks: take it over (written like an update). */
  adopt: 'adopt',
  /**
   * A field that cannot change in place differs: delete it and create it again (a Google Cloud
   * forwarding rule's address, an SSL certificate's key pair).
   */
  replace: 'replace',
  /** No longer desired here: delete it. */
  delete: 'delete',
  /** A dangerous change (a delete or a replace) a safety guard holds until it is approved. */
  held: 'held',
  /** Already as desired: nothing to do. */
  unchanged: 'unchanged',
  /** Deliberately left alone (reconcile disabled, owned elsewhere, pruning off, …), with why. */
  skip: 'skip',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Every action, in the order reports list them. */
export const ACTIONS: readonly Action[] = Object.values(Action);

/** The actions a guard may hold back: what a held action would do once approved. */
export type HeldAction = Extract<Action, 'delete' | 'replace'>;

/** Actions that write to the target when applied. */
export function writes(action: Action): boolean {
  switch (action) {
    case 'create':
    case 'update':
    case 'adopt':
    case 'replace':
    case 'delete':
      return true;
    case 'held':
    case 'unchanged':
    case 'skip':
      return false;
  }
}

/** What applying one planned action did. */
export const Outcome = {
  /** The write happened (a delete that found the thing already gone counts as done). */
  done: 'done',
  /** The write was tried and failed; `error` says why. */
  failed: 'failed',
  /** Not tried: an earlier phase failed, the target failed, or the target could not be reached. */
  notRun: 'notRun',
  /** Nothing to write: unchanged, skip and held actions. */
  noop: 'noop',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A failure as data: a stable code and a message that never holds a request or response body. */
export type Failure = { code: string; message: string };

/** The result of one planned action: the one per-action record apply, drift and reports share. */
export type ActionResult = {
  /** The thing's identity inside its target (a refKey for a cluster object). */
  key: string;
  /** How people name it: `Kind/namespace/name`, `urlMaps/<name>`. */
  subject: string;
  action: Action;
  outcome: Outcome;
  /** Present when outcome is failed. */
  error?: Failure;
  /** Why it was skipped, held or not run. */
  reason?: string;
};

/**
 * How many of each: every action by kind, plus the results that failed or were not run. A plan's
 * counts have failed = notRun = 0; a result's action counts hold only what was done or needed
 * nothing (a failed create counts as failed, not as create).
 */
export type Counts = Record<Action, number> & { failed: number; notRun: number };

export function emptyCounts(): Counts {
  const out = { failed: 0, notRun: 0 } as Counts;
  for (const a of ACTIONS) out[a] = 0;
  return out;
}

/** The one place counts are derived: planned actions (no outcome) or action results. */
export function tally(entries: Iterable<{ action: Action; outcome?: Outcome }>): Counts {
  const n = emptyCounts();
  for (const e of entries) {
    if (e.outcome === 'failed') n.failed++;
    else if (e.outcome === 'notRun') n.notRun++;
    else n[e.action]++;
  }
  return n;
}

/** Sums counts (per target → whole plan or reconcile). */
export function addCounts(all: Iterable<Counts>): Counts {
  const n = emptyCounts();
  for (const c of all) for (const k of Object.keys(n) as (keyof Counts)[]) n[k] += c[k];
  return n;
}

/** Counts that mean something changes (or would, once approved). */
export function changes(n: Counts): number {
  return n.create + n.update + n.adopt + n.replace + n.delete + n.held;
}

/** How one reconcile ended. */
export const ReconcileStatus = {
  /** Every Ready target now matches the revision: nothing failed, nothing held back. */
  converged: 'converged',
  /** Nothing failed, but something is held, or the plan has error problems. */
  incomplete: 'incomplete',
  /** The revision could not be read or planned, or a write failed. */
  failed: 'failed',
} as const;
export type ReconcileStatus = (typeof ReconcileStatus)[keyof typeof ReconcileStatus];
