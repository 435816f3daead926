// In-memory resource store: one map per collection, keyed by scope (`global`, `zones/<z>`) and name.
import type { CollectionName } from './collections.js';
import type { ScopeKey } from './names.js';

/** A stored resource: the JSON object the API returns (minus fields computed at read time). */
export type Resource = Record<string, unknown> & { name: string };

export type Store = {
  get(collection: CollectionName, scope: ScopeKey, name: string): Resource | undefined;
  put(collection: CollectionName, scope: ScopeKey, resource: Resource): void;
  delete(collection: CollectionName, scope: ScopeKey, name: string): boolean;
  /** Sorted by name, as the real API lists. */
  list(collection: CollectionName, scope: ScopeKey): Resource[];
  /** Every scope that holds at least one resource of the collection. */
  scopes(collection: CollectionName): ScopeKey[];
  nextId(): string;
};

export function createStore(): Store {
  const data = new Map<CollectionName, Map<ScopeKey, Map<string, Resource>>>();
  let id = 1000;
  const scopeMap = (c: CollectionName, s: ScopeKey, create: boolean) => {
    let byScope = data.get(c);
    if (!byScope) {
      if (!create) return undefined;
      byScope = new Map();
      data.set(c, byScope);
    }
    let byName = byScope.get(s);
    if (!byName && create) {
      byName = new Map();
      byScope.set(s, byName);
    }
    return byName;
  };
  return {
    get: (c, s, n) => scopeMap(c, s, false)?.get(n),
    put: (c, s, r) => void scopeMap(c, s, true)!.set(r.name, r),
    delete: (c, s, n) => scopeMap(c, s, false)?.delete(n) ?? false,
    list: (c, s) => [...(scopeMap(c, s, false)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    scopes: (c) => [...(data.get(c)?.entries() ?? [])].filter(([, m]) => m.size > 0).map(([s]) => s),
    nextId: () => String(++id) + String(Math.floor(Math.random() * 1e9)).padStart(9, '0'),
  };
}
