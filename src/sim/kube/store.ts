// The in-memory object store of one simulated cluster: objects per resource type, one monotonic
// resourceVersion counter, and a bounded history of change events for watches.
import type { ResourceType } from './resources.js';
import { clone, isObject, text, type JsonObject } from './json.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type StoreEvent = {
  type: EventType;
  rv: number;
  resource: ResourceType;
  object: JsonObject;
  /** MODIFIED: the object before the change (selector watches turn it into ADDED/DELETED). */
  previous?: JsonObject;
};

export type Store = {
  get(t: ResourceType, namespace: string, name: string): JsonObject | undefined;
  /** Objects of a type sorted by namespace/name, optionally in one namespace. Copies. */
  list(t: ResourceType, namespace?: string): JsonObject[];
  /** Like list, without copying: the stored objects themselves, which the caller must not modify. */
  peek(t: ResourceType, namespace?: string): readonly Readonly<JsonObject>[];
  /** Visits stored objects without copying them; `fn` must not modify them. */
  each(t: ResourceType, fn: (obj: Readonly<JsonObject>) => void): void;
  /** Writes the object with the next resourceVersion and records an event; returns the stored copy. */
  put(t: ResourceType, obj: JsonObject): JsonObject;
  remove(t: ResourceType, namespace: string, name: string): JsonObject | undefined;
  currentRV(): number;
  /** Events newer than rv, or undefined when the history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | undefined;
  /** Forgets all history (like an etcd compaction): older resourceVersions answer 410 to watches. */
  compact(): void;
  subscribe(fn: (ev: StoreEvent) => void): () => void;
};

export function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function metaOf(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
}

export function createStore(opts: { historyLimit: number }): Store {
  const objects = new Map<string, Map<string, JsonObject>>();
  let rv = 0;
  let compactedThrough = 0;
  const history: StoreEvent[] = [];
  const subscribers = new Set<(ev: StoreEvent) => void>();

  const bucket = (t: ResourceType): Map<string, JsonObject> => {
    const k = typeKey(t);
    let b = objects.get(k);
    if (!b) {
      b = new Map<string, JsonObject>();
      objects.set(k, b);
    }
    return b;
  };

  const record = (ev: StoreEvent): void => {
    history.push(ev);
    while (history.length > opts.historyLimit) {
      const dropped = history.shift();
      if (dropped) compactedThrough = dropped.rv;
    }
    for (const fn of subscribers) fn(ev);
  };

  const sorted = (t: ResourceType, namespace: string | undefined): JsonObject[] =>
    [...bucket(t).entries()]
      .filter(([, o]) => namespace === undefined || (metaOf(o).namespace ?? '') === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => o);

  return {
    get: (t, namespace, name) => {
      const o = bucket(t).get(keyOf(namespace, name));
      return o ? clone(o) : undefined;
    },
    list: (t, namespace) => sorted(t, namespace).map(clone),
    peek: (t, namespace) => sorted(t, namespace),
    each: (t, fn) => {
      for (const o of bucket(t).values()) fn(o);
    },
    put: (t, obj) => {
      const meta = metaOf(obj);
      const key = keyOf(text(meta.namespace), text(meta.name));
      const previous = bucket(t).get(key);
      rv += 1;
      meta.resourceVersion = String(rv);
      const stored = clone(obj);
      bucket(t).set(key, stored);
      record(
        previous
          ? { type: 'MODIFIED', rv, resource: t, object: clone(stored), previous }
          : { type: 'ADDED', rv, resource: t, object: clone(stored) },
      );
      return clone(stored);
    },
    remove: (t, namespace, name) => {
      const key = keyOf(namespace, name);
      const o = bucket(t).get(key);
      if (!o) return undefined;
      bucket(t).delete(key);
      rv += 1;
      const gone = clone(o);
      metaOf(gone).resourceVersion = String(rv);
      record({ type: 'DELETED', rv, resource: t, object: clone(gone) });
      return gone;
    },
    currentRV: () => rv,
    eventsSince: (since) => {
      if (since < compactedThrough) return undefined;
      return history.filter((e) => e.rv > since);
    },
    compact: () => {
      history.length = 0;
      compactedThrough = rv;
    },
    subscribe: (fn) => {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}
