// Client-side rate limit per member cluster: a token bucket. Each request reserves a token (the
// count may go negative, as Go's rate.Limiter reservations do) and waits once for the time that
// reservation needs, so a fake clock never spins. A Retry-After from the server holds every request
// to that cluster until then, not only the one that was told.
// An API server with API Priority and Fairness queues and sheds load fairly by itself and says so
// in response headers; once one response carries them the bucket stops limiting (as Flux does), so
// a big apply runs as fast as that server admits. Retry-After is honoured either way.
export type RateLimitOptions = {
  /** Sustained requests per second (default 50; 0 or less: no limit). */
  qps: number;
  /** Requests allowed at once after a quiet period (default 300). */
  burst: number;
  /** Stop limiting once the server announces API Priority and Fairness (default true). */
  followPriorityAndFairness: boolean;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
};

export const defaultRateLimit = { qps: 50, burst: 300, followPriorityAndFairness: true } as const;

/** Response headers an API server with API Priority and Fairness sets on the requests it classifies. */
export const priorityAndFairnessHeaders = [
  'x-kubernetes-pf-flowschema-uid',
  'x-kubernetes-pf-prioritylevel-uid',
] as const;

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type RateLimiter = {
  /** Resolves when the caller may send one request. */
  take(): Promise<void>;
  /** No request starts before `ms` from now (a server's Retry-After). */
  holdFor(ms: number): void;
  /** Headers (lower-case names) of a response from this cluster's API server. */
  observe: (headers: ResponseHeaders) => void;
  /** False once the server announced API Priority and Fairness (or when qps ≤ 0). */
  limiting(): boolean;
};

export function tokenBucket(options: Partial<RateLimitOptions> = {}): RateLimiter {
  const qps = options.qps ?? defaultRateLimit.qps;
  const burst = Math.max(1, options.burst ?? defaultRateLimit.burst);
  const follow = options.followPriorityAndFairness ?? defaultRateLimit.followPriorityAndFairness;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let tokens = burst;
  let last = now();
  let holdUntil = 0;
  let serverLimits = false;
  const limiting = (): boolean => qps > 0 && !serverLimits;
  return {
    async take() {
      const t = now();
      let forToken = 0;
      if (limiting()) {
        tokens = Math.min(burst, tokens + ((t - last) / 1000) * qps);
        last = t;
        tokens -= 1;
        forToken = tokens >= 0 ? 0 : Math.ceil((-tokens / qps) * 1000);
      }
      const wait = Math.max(forToken, holdUntil - t);
      if (wait > 0) await sleep(wait);
    },
    holdFor(ms) {
      holdUntil = Math.max(holdUntil, now() + ms);
    },
    observe: (headers) => {
      if (follow && !serverLimits) serverLimits = priorityAndFairnessHeaders.some((h) => headers[h]);
    },
    limiting,
  };
}
