// What the watch cache keeps of each object: what fedsync reads, and no more (client-go's informer
// transform does the same). The heavy part of a live object is metadata.managedFields: one fieldsV1
// tree per field manager, often as big as the object. fedsync reads those trees (the diff: fields
// its own manager applied; drift attribution: fields another manager now owns) and each entry's
// manager, operation, subresource and time (the drift judge), so every entry keeps exactly those.
// What goes is each entry's apiVersion and fieldsType (always FieldsV1), and the copies: objects of
// one shape (every ConfigMap a generator made, every Pod of one ReplicaSet) have the same trees, and
// the cache holds one shared tree for all of them. Node images (the largest part of a Node's status,
// never read) go too.
import type { KubeObject } from '../model/index.js';
import type { FieldSet } from '../plan/managed-fields.js';

type Entry = {
  manager?: unknown;
  operation?: unknown;
  subresource?: unknown;
  time?: unknown;
  fieldsType?: unknown;
  fieldsV1?: unknown;
};

/** One shared tree per distinct fieldsV1 content; entries are dropped once no object holds the tree. */
export type FieldSetPool = {
  intern(set: FieldSet): FieldSet;
  /** Distinct trees held now (tests, benchmarks). */
  size(): number;
};

export function createFieldSetPool(): FieldSetPool {
  const trees = new Map<string, WeakRef<FieldSet>>();
  const gone = new FinalizationRegistry<string>((key) => {
    if (trees.get(key)?.deref() === undefined) trees.delete(key);
  });
  return {
    intern(set) {
      const key = JSON.stringify(set);
      const held = trees.get(key)?.deref();
      if (held) return held;
      trees.set(key, new WeakRef(set));
      gone.register(set, key);
      return set;
    },
    size: () => trees.size,
  };
}

const isSet = (v: unknown): v is FieldSet => typeof v === 'object' && v !== null && !Array.isArray(v);

function leanEntry(e: Entry, pool: FieldSetPool): Entry {
  const out: Entry = {};
  if (e.manager !== undefined) out.manager = e.manager;
  if (e.operation !== undefined) out.operation = e.operation;
  if (e.subresource !== undefined && e.subresource !== '') out.subresource = e.subresource;
  if (e.time !== undefined) out.time = e.time;
  // Another fields format would be read as absent; keep its type so readers can tell.
  if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') out.fieldsType = e.fieldsType;
  if (isSet(e.fieldsV1)) out.fieldsV1 = pool.intern(e.fieldsV1);
  return out;
}

/**
 * The cached form of a live object: a shallow copy with compact managedFields (and, for a Node, no
 * image list). Every field fedsync reads is the same as in `obj`. Shared trees: never mutate them.
 */
export function leanObject(obj: KubeObject, pool: FieldSetPool): KubeObject {
  const entries = obj.metadata.managedFields;
  const isNode = obj.kind === 'Node' && obj.apiVersion === 'v1';
  if (!Array.isArray(entries) && !isNode) return obj;
  const out: KubeObject = { ...obj, metadata: { ...obj.metadata } };
  if (Array.isArray(entries))
    out.metadata.managedFields = (entries as Entry[]).map((e) => (isSet(e) ? leanEntry(e, pool) : e));
  const status = (obj as { status?: unknown }).status;
  if (isNode && isSet(status) && 'images' in status) {
    const { images: _images, ...rest } = status as Record<string, unknown>;
    (out as { status?: unknown }).status = rest;
  }
  return out;
}
