// The one way tests wait for something asynchronous to happen: poll a condition until it holds, and
// on timeout fail loudly with what was awaited and the last value or error the condition produced.
// A fixed sleep is never synchronisation: it is either too short on a loaded machine (flaky) or too
// long everywhere (slow), and when it is too short the failure says nothing about why.
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

export type WaitForOptions = {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Pause between two checks (default 10 ms). */
  intervalMs?: number;
};

/** What a condition returns while it does not hold yet. */
type NotYet = undefined | false;

export class WaitForTimeout extends Error {
  readonly code = 'test.waitFor.timeout';
}

const show = (v: unknown): string => inspect(v, { depth: 4, breakLength: Infinity, maxStringLength: 2000 });

/**
 * Calls `condition` (at once, then every `intervalMs`) until it returns something other than
 * `undefined` or `false`, and resolves with that value. A condition that throws or rejects counts as
 * "not yet"; the last error is kept for the timeout message. A condition that never settles is cut
 * off at the deadline too.
 */
export async function waitFor<T>(
  description: string,
  condition: () => T | NotYet | Promise<T | NotYet>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = performance.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } | undefined;
  let checks = 0;
  for (;;) {
    const left = deadline - performance.now();
    checks++;
    try {
      const v = await withDeadline(Promise.resolve().then(condition), Math.max(left, 0));
      if (v !== undefined && v !== false) return v;
      last = { value: v };
    } catch (error) {
      if (error instanceof Stalled) {
        last = { error: new Error(`the condition itself did not settle within ${Math.round(left)} ms`) };
        break;
      }
      last = { error };
    }
    if (performance.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(deadline - performance.now(), 0)));
  }
  const seen = !last
    ? 'the condition was never checked'
    : 'error' in last
      ? `last error: ${last.error instanceof Error ? (last.error.stack ?? last.error.message) : show(last.error)}`
      : `last value: ${show(last.value)}`;
  throw new WaitForTimeout(
    `timed out after ${timeoutMs} ms (${checks} checks) waiting for ${description}; ${seen}`,
    'error' in (last ?? {}) ? { cause: (last as { error: unknown }).error } : undefined,
  );
}

/** Thrown (internally) when the condition's own promise outlives the deadline. */
class Stalled extends Error {}

async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Stalled()), ms);
  });
  try {
    return await Promise.race([p, cut]);
  } finally {
    clearTimeout(timer);
  }
}
