// Deletion: finalizers and deletionTimestamp, cascading to dependents through ownerReferences
// (Background/Foreground delete them, Orphan strips the reference), and namespace termination.
import { clone, isObject, text, type JsonObject } from './json.js';
import type { ResourceRegistry, ResourceType } from './resources.js';
import type { Store } from './store.js';

export type DeletionDeps = {
  registry: ResourceRegistry;
  store: Store;
  now: () => string;
  /** Stores a changed object through the normal write path (no-op detection, finalizer removal). */
  update: (t: ResourceType, old: JsonObject, next: JsonObject) => JsonObject;
};

function meta(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
}

const nsOf = (obj: JsonObject): string => text(meta(obj).namespace);
const nameOf = (obj: JsonObject): string => text(meta(obj).name);

export function deletion(deps: DeletionDeps): {
  /** Removes the object now; a terminating namespace left empty goes too. */
  finishRemoval: (t: ResourceType, obj: JsonObject) => JsonObject;
  /** Deletes obj with its dependents; returns what the DELETE request answers. */
  removeTree: (t: ResourceType, obj: JsonObject, policy: string, dryRun: boolean) => JsonObject;
} {
  const { registry, store, now } = deps;
  const nsType = registry.byPath('', 'v1', 'namespaces');
  if (!nsType) throw new Error('namespaces resource missing');

  const finishRemoval = (t: ResourceType, obj: JsonObject): JsonObject => {
    const gone = store.remove(t, nsOf(obj), nameOf(obj)) ?? obj;
    if (t.namespaced) maybeFinishNamespace(nsOf(obj));
    return gone;
  };

  const maybeFinishNamespace = (namespace: string): void => {
    const ns = store.get(nsType, '', namespace);
    if (!ns || !meta(ns).deletionTimestamp) return;
    let left = false;
    for (const rt of registry.all()) {
      if (!rt.namespaced) continue;
      store.each(rt, (o) => {
        if (isObject(o.metadata) && o.metadata.namespace === namespace) left = true;
      });
    }
    if (!left) store.remove(nsType, '', namespace);
  };

  const removeTree = (t: ResourceType, obj: JsonObject, policy: string, dryRun: boolean): JsonObject => {
    const m = meta(obj);
    const hasFinalizers = Array.isArray(m.finalizers) && m.finalizers.length > 0;
    const uid = m.uid;
    if (!dryRun) {
      for (const rt of registry.all()) {
        const dependents: JsonObject[] = [];
        store.each(rt, (o) => {
          const refs = isObject(o.metadata) ? o.metadata.ownerReferences : undefined;
          if (Array.isArray(refs) && refs.some((r) => isObject(r) && r.uid === uid))
            dependents.push(clone(o));
        });
        for (const dep of dependents) {
          const refs = meta(dep).ownerReferences;
          if (!Array.isArray(refs)) continue;
          if (policy === 'Orphan') {
            const next = clone(dep);
            meta(next).ownerReferences = refs.filter((r) => !(isObject(r) && r.uid === uid));
            store.put(rt, next);
          } else {
            removeTree(rt, dep, 'Background', false);
          }
        }
      }
    }
    if (t.kind === 'Namespace' && t.group === '') {
      const next = clone(obj);
      meta(next).deletionTimestamp ??= now();
      next.status = { ...(isObject(next.status) ? next.status : {}), phase: 'Terminating' };
      if (dryRun) return next;
      store.put(t, next);
      for (const rt of registry.all()) {
        if (!rt.namespaced) continue;
        for (const o of store.list(rt, nameOf(obj))) removeTree(rt, o, 'Background', false);
      }
      maybeFinishNamespace(nameOf(obj));
      return next;
    }
    if (hasFinalizers) {
      const next = clone(obj);
      if (!m.deletionTimestamp) {
        meta(next).deletionTimestamp = now();
        meta(next).deletionGracePeriodSeconds = 0;
      }
      return dryRun ? next : deps.update(t, obj, next);
    }
    if (dryRun) return obj;
    return finishRemoval(t, obj);
  };

  return { finishRemoval, removeTree };
}
