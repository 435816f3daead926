// The one retry policy for requests to member clusters: which failures are transient, how long to
// wait (Retry-After when the server said, else exponential backoff with full jitter), how often.
// Randomness and sleeping are injected so tests are deterministic.
import { KubeError, KubeErrorCode } from './port.js';

export type RetryPolicy = {
  /** Attempts in total, the first included (default 4). */
  maxAttempts: number;
  /** Backoff cap for attempt n is min(maxDelayMs, baseDelayMs * 2^n) (defaults 200 ms, 5 s). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer ones are clipped (default 30 s). */
  maxRetryAfterMs: number;
  /** [0, 1): the jitter source. */
  random: () => number;
  sleep: (ms: number) => Promise<void>;
};

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...defaultRetryPolicy, ...overrides };
}

/**
 * Transient: the same request may succeed soon, so it is retried at once with backoff. A timeout is
 * not: the cluster is hung or overloaded, and another full timeout would hold every other cluster
 * of the reconcile back that much longer. It counts towards the cluster's circuit breaker instead
 * (breaker.ts), and the next reconcile tries again.
 */
const transientCodes: ReadonlySet<string> = new Set([
  KubeErrorCode.unreachable,
  KubeErrorCode.throttled,
  KubeErrorCode.serverError,
]);

export function isTransient(err: unknown): boolean {
  return err instanceof KubeError && transientCodes.has(err.code);
}

/** How long to wait before attempt `attempt + 1` (attempt counts from 0). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, err: unknown): number {
  if (err instanceof KubeError && err.retryAfterSeconds !== undefined) {
    return Math.min(err.retryAfterSeconds * 1000, policy.maxRetryAfterMs);
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * cap);
}

/** What a request is, as far as retrying it goes. */
export type RetriedRequest = { method: string; contentType?: string };

/**
 * Whether sending the request twice has the effect of sending it once: GET, PUT, DELETE, and the
 * PATCHes that set fields to given values (server-side apply, merge patch). A JSON patch may add to
 * a list and a POST creates, so neither is.
 */
export function isIdempotent(req: RetriedRequest): boolean {
  switch (req.method) {
    case 'GET':
    case 'PUT':
    case 'DELETE':
      return true;
    case 'PATCH':
      return (
        req.contentType === 'application/apply-patch+yaml' ||
        req.contentType === 'application/merge-patch+json'
      );
    default:
      return false;
  }
}

/**
 * A kept-alive connection the server had already closed (its keep-alive timeout) took the request:
 * the server did not fail, the connection was stale. An idempotent request is sent again at once on
 * a new connection — once, and without spending one of the policy's attempts.
 */
export function isStaleConnectionReset(err: unknown): boolean {
  return err instanceof KubeError && err.staleConnection === true;
}

export type WithRetryOptions = {
  /** The request `call` sends: only an idempotent one is sent again after a stale connection. */
  request?: RetriedRequest;
  onRetry?: (err: unknown, delayMs: number) => void;
};

/** Runs `call` until it succeeds, fails terminally, or attempts run out (the last error is thrown). */
export async function withRetry<T>(
  policy: RetryPolicy,
  call: (attempt: number) => Promise<T>,
  options: WithRetryOptions = {},
): Promise<T> {
  let staleRetried = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (err) {
      if (!staleRetried && isStaleConnectionReset(err) && options.request && isIdempotent(options.request)) {
        staleRetried = true;
        attempt--;
        continue;
      }
      if (!isTransient(err) || attempt + 1 >= policy.maxAttempts) throw err;
      const delay = retryDelayMs(policy, attempt, err);
      options.onRetry?.(err, delay);
      await policy.sleep(delay);
    }
  }
}
