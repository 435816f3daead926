// What changed between the repository a plan was made from and the one being planned now, and
// whether that change can be planned object by object at all. Pure: the incremental planner
// (incremental.ts) asks here first; anything that touches the whole federation answers "full".
import { refKey, refOf } from '../model/index.js';
import type { FederatedObject, FederationRepo, KubeObject, Revision } from '../model/index.js';
import { ingressBackends, isIngress } from '../federation/ingress-backends.js';
import { deepEqual } from './diff.js';

const serviceKey = (namespace: string, name: string): string =>
  refKey({ group: '', kind: 'Service', namespace, name });

/** The Service keys an Ingress sends traffic to. */
function backendKeys(ingress: KubeObject): string[] {
  return ingressBackends(ingress).map((b) => serviceKey(b.namespace, b.service));
}

/** What the incremental planner looks objects up by; kept on the basis, updated with each change. */
export type RepoIndex = {
  /** The repository objects by refKey. */
  byKey: ReadonlyMap<string, FederatedObject>;
  /** Keys of the replica-scheduled objects. */
  scheduled: readonly string[];
  /** Each Ingress's key with the Service keys it sends traffic to. */
  ingresses: ReadonlyMap<string, readonly string[]>;
};

/** Indexes a repository; `duplicate` names a key defined twice (the full plan reports it). */
export function indexRepo(repo: FederationRepo): { index: RepoIndex; duplicate?: string } {
  const byKey = new Map<string, FederatedObject>();
  const scheduled: string[] = [];
  const ingresses = new Map<string, string[]>();
  let duplicate: string | undefined;
  for (const o of repo.objects) {
    const key = refKey(refOf(o.template));
    if (byKey.has(key)) duplicate ??= key;
    else byKey.set(key, o);
    if (o.replicaScheduling) scheduled.push(key);
    if (isIngress(o.template)) ingresses.set(key, backendKeys(o.template));
  }
  return { index: { byKey, scheduled, ingresses }, ...(duplicate ? { duplicate } : {}) };
}

export type RepoChanges =
  | { ok: false; why: string }
  | {
      ok: true;
      /** refKeys of objects added or changed, in repository order. */
      changed: string[];
      /** The index of `next`. */
      index: RepoIndex;
      /** The index of `previous`. */
      before: RepoIndex;
    };

/** Why object `key` cannot be planned on its own after changing from `was` to `now`, if it cannot. */
function objectGap(key: string, was: FederatedObject | undefined, now: FederatedObject): string | undefined {
  if (was && !deepEqual(was.placement, now.placement)) return `the placement of ${key} changed`;
  if (was?.replicaScheduling || now.replicaScheduling)
    return `the replica scheduling of ${key} may have changed`;
  return undefined;
}

/**
 * The changes when the commit names the paths it changed: only the objects of those files are
 * looked at, and the next index is the previous one with them replaced. Unchanged files hold the
 * same objects as before, so a key can only vanish or be defined twice through a changed file.
 */
function changesInPaths(
  prev: FederationRepo,
  next: FederationRepo,
  before: RepoIndex,
  paths: ReadonlySet<string>,
): RepoChanges {
  const after = new Map<string, FederatedObject>();
  for (const o of next.objects) {
    if (!paths.has(o.source.file)) continue;
    const key = refKey(refOf(o.template));
    const elsewhere = before.byKey.get(key);
    if (after.has(key) || (elsewhere && !paths.has(elsewhere.source.file)))
      return { ok: false, why: `${key} is defined more than once` };
    after.set(key, o);
  }
  for (const o of prev.objects)
    if (paths.has(o.source.file) && !after.has(refKey(refOf(o.template))))
      return { ok: false, why: 'objects were removed from Git' };

  const changed: string[] = [];
  for (const [key, o] of after) {
    const was = before.byKey.get(key);
    if (was && deepEqual(was, o)) continue;
    const gap = objectGap(key, was, o);
    if (gap) return { ok: false, why: gap };
    changed.push(key);
  }
  if (changed.length === 0) return { ok: true, changed, index: before, before };
  const byKey = new Map(before.byKey);
  let ingresses: Map<string, readonly string[]> | undefined;
  for (const key of changed) {
    const o = after.get(key)!;
    byKey.set(key, o);
    const was = before.byKey.get(key);
    if (isIngress(o.template) || (was && isIngress(was.template))) {
      ingresses ??= new Map(before.ingresses);
      if (isIngress(o.template)) ingresses.set(key, backendKeys(o.template));
      else ingresses.delete(key);
    }
  }
  // Scheduling never changes here (objectGap): the scheduled keys stay the same.
  return {
    ok: true,
    changed,
    index: { byKey, scheduled: before.scheduled, ingresses: ingresses ?? before.ingresses },
    before,
  };
}

/**
 * The objects of `next` that differ from `previous`. When `next` is the commit right after the one
 * `previous` was read at and says which paths it changed, only objects of those files are compared;
 * otherwise every object is. Anything beyond single objects changing or appearing is a reason for
 * a full plan: settings, registrations, a removed object (its deletes are guarded on whole counts),
 * a placement or replica scheduling that changed (it moves an object between clusters).
 */
export function repoChanges(options: {
  previous: { repo: FederationRepo; revision: Revision; index?: RepoIndex };
  next: { repo: FederationRepo; revision: Revision };
}): RepoChanges {
  const prev = options.previous.repo;
  const next = options.next.repo;
  if (!deepEqual(prev.federation, next.federation)) return { ok: false, why: 'fedsync.yaml changed' };
  if (!deepEqual(prev.clusters, next.clusters))
    return { ok: false, why: 'the cluster registrations changed' };
  const indexed = options.previous.index ? { index: options.previous.index } : indexRepo(prev);
  if (indexed.duplicate) return { ok: false, why: `${indexed.duplicate} is defined more than once` };
  const before = indexed.index;

  const rev = options.next.revision;
  if (
    rev.changedPaths !== undefined &&
    rev.parent !== undefined &&
    rev.parent === options.previous.revision.sha
  )
    return changesInPaths(prev, next, before, new Set(rev.changedPaths));

  const after = indexRepo(next);
  if (after.duplicate) return { ok: false, why: `${after.duplicate} is defined more than once` };
  if (after.index.byKey.size < before.byKey.size) return { ok: false, why: 'objects were removed from Git' };
  for (const key of before.byKey.keys())
    if (!after.index.byKey.has(key)) return { ok: false, why: 'objects were removed from Git' };
  const changed: string[] = [];
  for (const [key, o] of after.index.byKey) {
    const was = before.byKey.get(key);
    if (was && deepEqual(was, o)) continue;
    const gap = objectGap(key, was, o);
    if (gap) return { ok: false, why: gap };
    changed.push(key);
  }
  return { ok: true, changed, index: after.index, before };
}
