// Per-cluster request counters by verb and resource, and per client (the request's User-Agent), so
// tests and benchmarks can assert "zero writes" — and "only one of two agents ever wrote".

export const readVerbs = ['get', 'list', 'watch'] as const;
export const writeVerbs = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type Verb = (typeof readVerbs)[number] | (typeof writeVerbs)[number];

/** What one client (one User-Agent) sent. */
export type ClientCounts = {
  total: number;
  reads: number;
  writes: number;
  /** Writes that changed stored state. */
  changes: number;
  /** `verb -> resource -> count`, writes only (reads would make the snapshot large). */
  writesByResource: Record<string, Record<string, number>>;
};

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
  /** Keyed by the User-Agent header as sent (`unknown` when there was none). */
  byClient: Record<string, ClientCounts>;
};

export type RequestCounters = {
  record(verb: Verb, resource: string, opts: { dryRun: boolean; client?: string }): void;
  recordDiscovery(client?: string): void;
  recordChange(client?: string): void;
  snapshot(): CounterSnapshot;
  reset(): void;
};

export function isWrite(verb: Verb): boolean {
  return (writeVerbs as readonly string[]).includes(verb);
}

function empty(): CounterSnapshot {
  return {
    total: 0,
    reads: 0,
    writes: 0,
    dryRunWrites: 0,
    changes: 0,
    discovery: 0,
    byVerb: {},
    byClient: {},
  };
}

export function requestCounters(): RequestCounters {
  let s = empty();
  const clientOf = (client: string | undefined): ClientCounts =>
    (s.byClient[client || 'unknown'] ??= { total: 0, reads: 0, writes: 0, changes: 0, writesByResource: {} });
  return {
    record(verb, resource, { dryRun, client }) {
      s.total++;
      const c = clientOf(client);
      c.total++;
      if (isWrite(verb)) {
        s.writes++;
        c.writes++;
        const mine = (c.writesByResource[verb] ??= {});
        mine[resource] = (mine[resource] ?? 0) + 1;
        if (dryRun) s.dryRunWrites++;
      } else {
        s.reads++;
        c.reads++;
      }
      const byRes = (s.byVerb[verb] ??= {});
      byRes[resource] = (byRes[resource] ?? 0) + 1;
    },
    recordDiscovery(client) {
      s.total++;
      s.discovery++;
      clientOf(client).total++;
    },
    recordChange(client) {
      s.changes++;
      clientOf(client).changes++;
    },
    snapshot: () => structuredClone(s),
    reset() {
      s = empty();
    },
  };
}
