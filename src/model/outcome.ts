// The one outcome vocabulary. Every word fedsync uses for "what a plan does to a thing" and "what
// happened when it tried" is defined here, once, for every kind of target (a member cluster's
// objects, a load balancer's Google Cloud resources). The planner, apply, drift, the summaries and
// every renderer (text, Markdown, JSON) use these words and the counts derived below.

/** What a plan does to one thing of a target. */
export const Action = {
  /** In Git, missing live: create it. */
  create: 'create',
  /** Live differs from Git in fields fedsync owns: change it in place. */
  update: 'update',
  /** Exists live without fedsync's marks: take it over (then like update). */
  adopt: 'adopt',
  /** A field that cannot change in place differs: delete and create again (e.g. a forwarding rule's IP). */
  replace: 'replace',
  /** No longer desired here: delete it. */
  delete: 'delete',
  /** A dangerous delete a safety guard holds until it is approved in the repository. */
  held: 'held',
  /** Already as Git says: nothing to do. */
  unchanged: 'unchanged',
  /** Deliberately left alone (reconcile disabled, owned by someone else, pruning off, …), with why. */
  skip: 'skip',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Every action, in the order reports list them. */
export const ACTIONS: readonly Action[] = Object.values(Action);

/** Actions that write something when applied. */
export const WRITING_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  Action.create,
  Action.update,
  Action.adopt,
  Action.replace,
  Action.delete,
]);

/** What applying one planned action did. */
export const Outcome = {
  /** The write happened (a delete that found the thing already gone counts as done). */
  done: 'done',
  failed: 'failed',
  /** Not attempted: an earlier phase failed, the target failed, or a deadline passed. */
  notRun: 'notRun',
  /** Nothing to do: unchanged, skip and held actions. */
  noop: 'noop',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A failure as data: a stable code and a message that never carries a request body or a Secret. */
export type ActionError = { code: string; message: string };

/** The result of one planned action. `key` identifies the thing inside its target. */
export type ActionResult = {
  key: string;
  /** Human name, e.g. `Ingress/default/myingress` or `urlMaps/k8s-um-default-myingress--0123…`. */
  subject: string;
  action: Action;
  outcome: Outcome;
  error?: ActionError;
  /** Why it was not run, or why it was skipped or held. */
  reason?: string;
};

/**
 * The one counts type: how many things each action touches, plus how many failed or were not run.
 * Counted from a plan (failed and notRun stay 0) or from apply results (an action is counted only
 * when it was done or was a no-op).
 */
export type Counts = Record<Action | 'failed' | 'notRun', number>;

export function emptyCounts(): Counts {
  const c = { failed: 0, notRun: 0 } as Counts;
  for (const a of ACTIONS) c[a] = 0;
  return c;
}

/** Counts planned actions, or results when they carry an outcome. */
export function countOutcomes(items: Iterable<{ action: Action; outcome?: Outcome }>): Counts {
  const c = emptyCounts();
  for (const item of items) {
    if (item.outcome === Outcome.failed) c.failed++;
    else if (item.outcome === Outcome.notRun) c.notRun++;
    else c[item.action]++;
  }
  return c;
}

export function addCounts(a: Counts, b: Counts): Counts {
  const c = emptyCounts();
  for (const k of Object.keys(c) as (keyof Counts)[]) c[k] = a[k] + b[k];
  return c;
}

/** The plan summary everyone knows from `terraform plan`: a replace is one to add and one to destroy. */
export type ChangeSummary = { add: number; change: number; destroy: number; held: number };

export function changeSummary(c: Counts): ChangeSummary {
  return {
    add: c.create + c.replace,
    change: c.update + c.adopt,
    destroy: c.delete + c.replace,
    held: c.held,
  };
}

/** True when applying the plan would write anything or needs an approval. */
export function hasChanges(c: Counts): boolean {
  const s = changeSummary(c);
  return s.add + s.change + s.destroy + s.held > 0;
}

/** The symbol a plan line starts with, per action (`terraform plan` style). */
export const ACTION_SYMBOL: Record<Action, string> = {
  create: '+',
  update: '~',
  adopt: '±',
  replace: '-/+',
  delete: '-',
  held: '!',
  unchanged: ' ',
  skip: '#',
};

/**
 * What became of a drift, in the words reports use. The fact is the correction's Outcome (see
 * Drift.correction); this is its one name in the status branch and in text.
 */
export const DriftHandling = { corrected: 'corrected', reported: 'reported', failed: 'failed' } as const;
export type DriftHandling = (typeof DriftHandling)[keyof typeof DriftHandling];

/** done → corrected, failed → failed, notRun (only reported) → reported. */
export function driftHandling(correction: Exclude<Outcome, 'noop'>): DriftHandling {
  return correction === Outcome.done
    ? DriftHandling.corrected
    : correction === Outcome.failed
      ? DriftHandling.failed
      : DriftHandling.reported;
}

/** How a whole reconcile ended. */
export const ReconcileStatus = {
  /** Every Ready target now matches the commit: nothing failed, nothing held back. */
  converged: 'converged',
  /** Nothing failed, but something is held by a guard or a plan problem kept it from converging. */
  incomplete: 'incomplete',
  /** A read or a write failed. */
  failed: 'failed',
} as const;
export type ReconcileStatus = (typeof ReconcileStatus)[keyof typeof ReconcileStatus];
