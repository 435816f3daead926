// Request counters: every API request by collection and method, and the read/mutation split the
// Compute API quota uses (operation polling and list calls count as reads).

export type ComputeCounters = {
  total: number;
  reads: number;
  mutations: number;
  /** `<collection>.<method>`, e.g. `urlMaps.get`, `globalOperations.wait`, `backendServices.getHealth`. */
  byMethod: Record<string, number>;
};

export type Counters = {
  count(collection: string, method: string, isRead: boolean): void;
  snapshot(): ComputeCounters;
  reset(): void;
};

export function createCounters(): Counters {
  let c: ComputeCounters = { total: 0, reads: 0, mutations: 0, byMethod: {} };
  return {
    count(collection, method, isRead) {
      const k = `${collection}.${method}`;
      c.total++;
      if (isRead) c.reads++;
      else c.mutations++;
      c.byMethod[k] = (c.byMethod[k] ?? 0) + 1;
    },
    snapshot: () => ({ ...c, byMethod: { ...c.byMethod } }),
    reset() {
      c = { total: 0, reads: 0, mutations: 0, byMethod: {} };
    },
  };
}
