// Reading plans in tests: a delete is a delete whether a guard holds it or not; `blockedBy` lists
// the guards holding it ([] when it runs).
import { refKey, refOf, subject } from '../../src/model/index.js';
import type { AnyAction, ClusterAction, Drift, KubeObject, ObjectRef } from '../../src/model/index.js';

export function isDelete(a: AnyAction): boolean {
  return a.action === 'delete' || (a.action === 'held' && a.would === 'delete');
}

export function blockedBy(a: AnyAction): string[] {
  return a.action === 'held' ? a.guards : [];
}

/** The identity fields of a planned action for `ref`. */
export function about(ref: ObjectRef): { key: string; subject: string; ref: ObjectRef } {
  return { key: refKey(ref), subject: subject(ref), ref };
}

export const create = (o: KubeObject, reason = 'test'): ClusterAction => ({
  action: 'create',
  ...about(refOf(o)),
  object: o,
  reason,
});

/** A delete, or a held one when guards are given. */
export const del = (o: KubeObject | ObjectRef, guards: string[] = [], reason = 'test'): ClusterAction => {
  const ref = 'metadata' in o ? refOf(o) : o;
  return guards.length > 0
    ? { action: 'held', ...about(ref), would: 'delete', guards, reason }
    : { action: 'delete', ...about(ref), reason };
};

/** What fedsync did about a drift, in three words: corrected, failed (the correction), reported. */
export function verdict(d: Drift): 'corrected' | 'failed' | 'reported' {
  if (d.outcome === 'done') return 'corrected';
  if (d.outcome === 'failed') return 'failed';
  return 'reported';
}
