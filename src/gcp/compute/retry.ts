// Backing off from rate limits and server errors: the same request again after an exponential,
// fully jittered delay. Randomness and sleeping are injected so tests run without waiting.
import { GcpError, GcpErrorCode } from './errors.js';

export type RetryPolicy = {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
};

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const RETRIED: ReadonlySet<string> = new Set([
  GcpErrorCode.rateLimited,
  GcpErrorCode.serverError,
  GcpErrorCode.unreachable,
]);

export async function withRetry<T>(
  policy: RetryPolicy,
  run: () => Promise<T>,
  onRetry?: (err: GcpError, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof GcpError) || !RETRIED.has(err.code) || attempt + 1 >= policy.maxAttempts)
        throw err;
      const delay = Math.floor(
        policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt),
      );
      onRetry?.(err, delay);
      await policy.sleep(delay);
    }
  }
}
