// Client-side rate limit per member cluster: a token bucket. Each request reserves a token (the
// count may go negative, as Go's rate.Limiter reservations do) and waits once for the time that
// reservation needs, so a fake clock never spins. A Retry-After from the server holds every request
// to that cluster until then, not only the one that was told.
export type RateLimitOptions = {
  /** Sustained requests per second (default 50). */
  qps: number;
  /** Requests allowed at once after a quiet period (default 100). */
  burst: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
};

export const defaultRateLimit = { qps: 50, burst: 100 } as const;

export type RateLimiter = {
  /** Resolves when the caller may send one request. */
  take(): Promise<void>;
  /** No request starts before `ms` from now (a server's Retry-After). */
  holdFor(ms: number): void;
};

export function tokenBucket(options: Partial<RateLimitOptions> = {}): RateLimiter {
  const qps = options.qps ?? defaultRateLimit.qps;
  const burst = Math.max(1, options.burst ?? defaultRateLimit.burst);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let tokens = burst;
  let last = now();
  let holdUntil = 0;
  return {
    async take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * qps);
      last = t;
      tokens -= 1;
      const forToken = tokens >= 0 || qps <= 0 ? 0 : Math.ceil((-tokens / qps) * 1000);
      const wait = Math.max(forToken, holdUntil - t);
      if (wait > 0) await sleep(wait);
    },
    holdFor(ms) {
      holdUntil = Math.max(holdUntil, now() + ms);
    },
  };
}
