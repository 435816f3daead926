// A keyed collection that changes a little at a time (a watch cache) and is handed out as read-only
// snapshots (the planner's input must not move under it). A snapshot is a shared base map plus the
// changes made since that base, so taking one costs the changes, not the size: a one-object push on
// a cluster of 20,000 objects copies a handful of entries. The base is rebuilt once the changes
// outgrow a fraction of it, which keeps lookups fast and the amortised cost per change constant.
// Snapshots are records (lookups, Object.keys/values/entries, JSON) that refuse every write.

const GONE: unique symbol = Symbol('gone');
type Slot<T> = T | typeof GONE;

/** Rebuild the base when the changes since it exceed this many, plus an eighth of its size. */
const MIN_OVERLAY = 256;

export type VersionedRecord<T> = {
  set(key: string, value: T): void;
  delete(key: string): void;
  get(key: string): T | undefined;
  /** The entries now; the same record until something changes. Never mutate it (writes throw). */
  snapshot(): Readonly<Record<string, T>>;
  readonly size: number;
};

/**
 * A base and the changes made since, oldest first. Neither the base nor a delta is ever changed once
 * a snapshot holds it; deltas are merged pairwise as they grow (like a binary counter), so there are
 * few of them and each change is copied a logarithmic number of times.
 */
type Layers<T> = { base: ReadonlyMap<string, T>; deltas: readonly ReadonlyMap<string, Slot<T>>[] };

function slotOf<T>(layers: Layers<T>, key: string): Slot<T> | undefined {
  for (let i = layers.deltas.length - 1; i >= 0; i--) {
    const o = layers.deltas[i]!.get(key);
    if (o !== undefined) return o;
  }
  return layers.base.get(key);
}

function lookup<T>(layers: Layers<T>, key: string): T | undefined {
  const s = slotOf(layers, key);
  return s === GONE ? undefined : s;
}

function* entriesOf<T>(layers: Layers<T>): Generator<[string, T]> {
  if (layers.deltas.length === 0) {
    yield* layers.base;
    return;
  }
  for (const [k, v] of layers.base) {
    const s = slotOf(layers, k);
    if (s !== GONE) yield [k, s === undefined ? v : s];
  }
  const seen = new Set<string>();
  for (let i = layers.deltas.length - 1; i >= 0; i--)
    for (const k of layers.deltas[i]!.keys()) {
      if (layers.base.has(k) || seen.has(k)) continue;
      seen.add(k);
      const s = slotOf(layers, k);
      if (s !== undefined && s !== GONE) yield [k, s];
    }
}

const refuse = (): never => {
  throw new TypeError('a cache snapshot is read-only');
};

/** A read-only record over the layers (a Proxy: nothing is copied). */
function view<T>(layers: Layers<T>): Readonly<Record<string, T>> {
  let keys: string[] | undefined;
  const handler: ProxyHandler<Record<string, T>> = {
    get: (_, k) => (typeof k === 'string' ? lookup(layers, k) : undefined),
    has: (_, k) => typeof k === 'string' && lookup(layers, k) !== undefined,
    ownKeys: () => (keys ??= [...entriesOf(layers)].map(([k]) => k)).slice(),
    getOwnPropertyDescriptor: (_, k) => {
      const value = typeof k === 'string' ? lookup(layers, k) : undefined;
      return value === undefined
        ? undefined
        : { value, writable: false, enumerable: true, configurable: true };
    },
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
    setPrototypeOf: refuse,
  };
  return new Proxy<Record<string, T>>({}, handler);
}

const layersOf = new WeakMap<object, Layers<unknown>>();

function remember<T>(layers: Layers<T>): Readonly<Record<string, T>> {
  const v = view(layers);
  layersOf.set(v, layers);
  return v;
}

/** A snapshot with some entries added or replaced (e.g. objects fetched beside the cache's). */
export function withEntries<T>(
  record: Readonly<Record<string, T>>,
  extra: Iterable<readonly [string, T]>,
): Readonly<Record<string, T>> {
  const delta = new Map<string, Slot<T>>(extra);
  if (delta.size === 0) return record;
  const layers = layersOf.get(record) as Layers<T> | undefined;
  if (!layers) return remember({ base: new Map(Object.entries(record)), deltas: [delta] });
  return remember({ base: layers.base, deltas: [...layers.deltas, delta] });
}

/** Every value of a record, without the per-key descriptor lookups a snapshot's Object.values makes. */
export function valuesOf<T>(record: Readonly<Record<string, T>>): Iterable<T> {
  const layers = layersOf.get(record) as Layers<T> | undefined;
  if (!layers) return Object.values(record);
  return (function* () {
    for (const [, v] of entriesOf(layers)) yield v;
  })();
}

export function createVersionedRecord<T>(): VersionedRecord<T> {
  let base = new Map<string, T>();
  let deltas: Map<string, Slot<T>>[] = [];
  let pending = new Map<string, Slot<T>>();
  let size = 0;
  let current: Readonly<Record<string, T>> | undefined;

  const get = (key: string): T | undefined => {
    const p = pending.get(key);
    if (p !== undefined) return p === GONE ? undefined : p;
    return lookup({ base, deltas }, key);
  };
  const put = (key: string, slot: Slot<T>): void => {
    const had = get(key) !== undefined;
    if (slot === GONE && !had) return;
    if (slot === GONE) size--;
    else if (!had) size++;
    pending.set(key, slot);
    current = undefined;
  };
  return {
    set: (key, value) => put(key, value),
    delete: (key) => put(key, GONE),
    get,
    get size() {
      return size;
    },
    snapshot() {
      if (current) return current;
      if (pending.size > 0) {
        let delta = pending;
        pending = new Map();
        while (deltas.length > 0 && deltas[deltas.length - 1]!.size <= delta.size * 2) {
          const merged = new Map(deltas.pop());
          for (const [k, v] of delta) merged.set(k, v);
          delta = merged;
        }
        deltas.push(delta);
        const changed = deltas.reduce((n, d) => n + d.size, 0);
        if (changed > MIN_OVERLAY + base.size / 8) {
          // Older snapshots keep the old base: it is replaced, never changed.
          base = new Map(entriesOf({ base, deltas }));
          deltas = [];
        }
      }
      current = remember({ base, deltas: deltas.slice() });
      return current;
    },
  };
}
