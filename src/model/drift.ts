// Drift: live fields fedsync owns that differ from Git, e.g. after someone ran `kubectl edit`.
import type { ClusterName, ObjectRef } from './kube.js';
import type { Outcome } from './outcome.js';
import type { FieldChange } from './plan.js';

export type Drift = {
  cluster: ClusterName;
  ref: ObjectRef;
  /** Changed fields, desired (`to`) against live (`from`); Secret values masked. */
  fields: FieldChange[];
  /** ISO-8601, when the watch event arrived. */
  detectedAt: string;
  /** The field manager of the newest non-fedsync managedFields entry, when the server said. */
  manager?: string;
  /**
   * What became of the correction: done (corrected), failed, or notRun (only reported: self-heal
   * is off, or `reason` says why it was not corrected).
   */
  correction: Exclude<Outcome, 'noop'>;
  /** Present when the correction failed. */
  error?: string;
  /** Why a drift was only reported although self-heal is on (e.g. correction budget spent). */
  reason?: string;
};
