// How long to wait before retrying a commit after a transient failure: exponential (the first
// retry after `initialMs`, doubling up to `maxMs`) with "equal jitter" — half the delay fixed, half
// random — so agents that failed together (a Git server outage) do not all come back in step.

export type Backoff = { initialMs: number; maxMs: number };

/** The delay before retry number `attempt` (1 = the first retry); `random` in [0, 1). */
export function backoffDelayMs(backoff: Backoff, attempt: number, random: number): number {
  const exp = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp / 2 + (exp / 2) * random);
}
