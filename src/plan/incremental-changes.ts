// What changed between the repository a plan was made from and the one being planned now, and
// whether that change can be planned object by object at all. Pure: the incremental planner
// (incremental.ts) asks here first; anything that touches the whole federation answers "full".
import { refKey, refOf } from '../model/index.js';
import type { FederatedObject, FederationRepo, Revision } from '../model/index.js';
import { deepEqual } from './diff.js';

/** The repository objects by refKey; `duplicate` names a key defined twice (the full plan reports it). */
export function objectsByKey(repo: FederationRepo): {
  byKey: Map<string, FederatedObject>;
  duplicate?: string;
} {
  const byKey = new Map<string, FederatedObject>();
  for (const o of repo.objects) {
    const key = refKey(refOf(o.template));
    if (byKey.has(key)) return { byKey, duplicate: key };
    byKey.set(key, o);
  }
  return { byKey };
}

export type RepoChanges =
  | { ok: false; why: string }
  | {
      ok: true;
      /** refKeys of objects added or changed, in repository order. */
      changed: string[];
      byKey: Map<string, FederatedObject>;
      /** The objects of `previous` by refKey. */
      before: Map<string, FederatedObject>;
    };

/**
 * The objects of `next` that differ from `previous`. When `next` is the commit right after the one
 * `previous` was read at and says which paths it changed, only objects of those files are compared;
 * otherwise every object is. Anything beyond single objects changing or appearing is a reason for
 * a full plan: settings, registrations, a removed object (its deletes are guarded on whole counts),
 * a placement or replica scheduling that changed (it moves an object between clusters).
 */
export function repoChanges(options: {
  previous: { repo: FederationRepo; revision: Revision };
  next: { repo: FederationRepo; revision: Revision };
}): RepoChanges {
  const prev = options.previous.repo;
  const next = options.next.repo;
  if (!deepEqual(prev.federation, next.federation)) return { ok: false, why: 'fedsync.yaml changed' };
  if (!deepEqual(prev.clusters, next.clusters))
    return { ok: false, why: 'the cluster registrations changed' };
  const before = objectsByKey(prev);
  const after = objectsByKey(next);
  if (before.duplicate || after.duplicate)
    return { ok: false, why: `${after.duplicate ?? before.duplicate} is defined more than once` };
  if (after.byKey.size < before.byKey.size) return { ok: false, why: 'objects were removed from Git' };
  for (const key of before.byKey.keys())
    if (!after.byKey.has(key)) return { ok: false, why: 'objects were removed from Git' };

  const rev = options.next.revision;
  const paths =
    rev.changedPaths !== undefined && rev.parent !== undefined && rev.parent === options.previous.revision.sha
      ? new Set(rev.changedPaths)
      : undefined;
  const changed: string[] = [];
  for (const [key, o] of after.byKey) {
    const was = before.byKey.get(key);
    if (was && paths && !paths.has(o.source.file) && was.source.file === o.source.file) continue;
    if (was && deepEqual(was, o)) continue;
    if (was && !deepEqual(was.placement, o.placement))
      return { ok: false, why: `the placement of ${key} changed` };
    if (was?.replicaScheduling || o.replicaScheduling)
      return { ok: false, why: `the replica scheduling of ${key} may have changed` };
    changed.push(key);
  }
  return { ok: true, changed, byKey: after.byKey, before: before.byKey };
}
