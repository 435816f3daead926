// Drift: live fields fedsync owns that differ from Git, e.g. after someone ran `kubectl edit`.
// What fedsync did about it is an action result in the shared vocabulary: the correction is an
// `update` (a `create` when the object was deleted) that is done or failed, or a `skip` with why
// it was only reported (self-heal off, correction budget spent).
import type { ClusterName, ObjectRef } from './kube.js';
import type { ActionResult } from './outcome.js';
import type { FieldChange } from './plan.js';

export type Drift = ActionResult & {
  cluster: ClusterName;
  ref: ObjectRef;
  /** Changed fields, desired (`to`) against live (`from`); Secret values masked. */
  fields: FieldChange[];
  /** ISO-8601, when the watch event arrived. */
  detectedAt: string;
  /** The field manager of the newest non-fedsync managedFields entry, when the server said. */
  manager?: string;
};
