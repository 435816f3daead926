// What fedsync keeps in every member cluster besides the objects themselves: which objects it
// manages there, whether it created or adopted each, and what the last apply there knew about the
// federation as a whole. The cluster adapter stores it (src/kube/inventory.ts); the planner reads it
// from ObservedCluster and says what it should become in ClusterPlan.

/** A cluster the federation had, as a record remembers it. */
export type RecordedCluster = { name: string; kubeconfigContext: string };

/**
 * What the last apply in a cluster knew about the federation. Every Ready cluster gets the same
 * record from one plan; it changes only when the membership or the held deletes change, so a no-op
 * reconcile writes nothing.
 */
export type FederationRecord = {
  /**
   * The clusters registered then, plus clusters no longer registered that may still hold objects
   * fedsync manages (so a later plan can still say so). Sorted by name.
   */
  clusters: RecordedCluster[];
  /**
   * What the guards held at each recent commit a plan was applied for (oldest first, at most
   * HELD_RECORD_LIMIT): what an approval naming that commit approves, and nothing else.
   */
  held?: HeldRecord[];
};

/** The deletes one plan's guards held (before approvals), as their guard digest and how many. */
export type HeldRecord = { commit: string; digest: string; count: number };

/** How many commits' held sets a record remembers. */
export const HELD_RECORD_LIMIT = 20;

/**
 * A cluster a record remembers that the repository no longer registers, as this run found it: how
 * many objects fedsync manages there by its own inventory (null: it could not be read, `cause` says
 * why). 0 means it is empty and can be forgotten.
 */
export type DepartedCluster = RecordedCluster & { managed: number | null; cause?: string };

/** One cluster's inventory as a value: what the adapter reads and writes. */
export type InventoryState = {
  /** refKeys of every object fedsync manages there, sorted. */
  keys: string[];
  /** The subset fedsync adopted (it existed before fedsync applied it); the rest fedsync created. */
  adopted: string[];
  record?: FederationRecord;
};
