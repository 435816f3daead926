// Drift: live fields fedsync owns that differ from Git, e.g. after someone ran `kubectl edit`.
import type { ClusterName, ObjectRef } from './kube.js';
import type { FieldChange } from './plan.js';

export const DriftAction = { corrected: 'corrected', reported: 'reported', failed: 'failed' } as const;
export type DriftAction = (typeof DriftAction)[keyof typeof DriftAction];

export type Drift = {
  cluster: ClusterName;
  ref: ObjectRef;
  /** Changed fields, desired (`to`) against live (`from`); Secret values masked. */
  fields: FieldChange[];
  /** ISO-8601, when the watch event arrived. */
  detectedAt: string;
  /** The field manager of the newest non-fedsync managedFields entry, when the server said. */
  manager?: string;
  /** What fedsync did about it: corrected (self-heal on), reported (off), failed (correction failed). */
  action: DriftAction;
  /** Present when action is failed. */
  error?: string;
  /** Why a drift was only reported although self-heal is on (e.g. correction paused). */
  reason?: string;
};
