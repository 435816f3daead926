// Per-cluster request counters by verb and resource, so tests and benchmarks can assert "zero writes".

export const readVerbs = ['get', 'list', 'watch'] as const;
export const writeVerbs = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type Verb = (typeof readVerbs)[number] | (typeof writeVerbs)[number];

export type CounterSnapshot = {
  /** Every request that reached the API (after auth), including discovery and failed ones. */
  total: number;
  reads: number;
  /** Write requests, dry runs included. */
  writes: number;
  dryRunWrites: number;
  /** Write requests that changed stored state (bumped the resourceVersion). */
  changes: number;
  /** Discovery, OpenAPI and /version requests. */
  discovery: number;
  /** `verb -> resource -> count`; resource is `plural[.group][/subresource]`. */
  byVerb: Record<string, Record<string, number>>;
};

export type RequestCounters = {
  record(verb: Verb, resource: string, opts: { dryRun: boolean }): void;
  recordDiscovery(): void;
  recordChange(): void;
  snapshot(): CounterSnapshot;
  reset(): void;
};

export function isWrite(verb: Verb): boolean {
  return (writeVerbs as readonly string[]).includes(verb);
}

function empty(): CounterSnapshot {
  return { total: 0, reads: 0, writes: 0, dryRunWrites: 0, changes: 0, discovery: 0, byVerb: {} };
}

export function requestCounters(): RequestCounters {
  let s = empty();
  return {
    record(verb, resource, { dryRun }) {
      s.total++;
      if (isWrite(verb)) {
        s.writes++;
        if (dryRun) s.dryRunWrites++;
      } else s.reads++;
      const byRes = (s.byVerb[verb] ??= {});
      byRes[resource] = (byRes[resource] ?? 0) + 1;
    },
    recordDiscovery() {
      s.total++;
      s.discovery++;
    },
    recordChange() {
      s.changes++;
    },
    snapshot: () => structuredClone(s),
    reset() {
      s = empty();
    },
  };
}
