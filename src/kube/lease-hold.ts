// Holding a Lease once acquired: renew every retryPeriod, and the moment a renewal has not succeeded
// within renewDeadline of the last good one, give up — abort the signal every writer checks — even
// if a request is still hanging. renewDeadline is shorter than the lease duration, and the deadline
// counts from *before* the renewing request was sent, so a holder always stops writing before any
// other contender can consider the Lease expired (they count the full duration from when they saw
// that renewal, which is later). The writer lock and the leader elector share this loop.
import { millisOf } from '../clock.js';
import { describeHolder, LeaseError, LeaseErrorCode, type LeaseAttempt, type LeaseLock } from './lease.js';
import type { Clock } from '../model/clock.js';

export type LeaseTiming = {
  /** How long a Lease stays ours without renewal, as written into it (whole seconds). */
  leaseDurationSeconds: number;
  /** A holder that has not renewed within this stops writing. Shorter than the duration. */
  renewDeadlineMs: number;
  /** Pause between renewals, and between attempts to acquire. */
  retryPeriodMs: number;
};

/** client-go's defaults for controllers: 15 s / 10 s / 2 s. */
export const defaultLeaseTiming: LeaseTiming = {
  leaseDurationSeconds: 15,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Throws when the timing could let a holder write after its Lease expired (client-go's rules). */
export function checkLeaseTiming(t: LeaseTiming): void {
  if (!(t.leaseDurationSeconds * 1000 > t.renewDeadlineMs))
    throw new RangeError(
      `renewDeadline (${t.renewDeadlineMs} ms) must be shorter than leaseDuration (${t.leaseDurationSeconds} s)`,
    );
  if (!(t.renewDeadlineMs > t.retryPeriodMs * 1.2))
    throw new RangeError(
      `renewDeadline (${t.renewDeadlineMs} ms) must be longer than 1.2 × retryPeriod (${t.retryPeriodMs} ms)`,
    );
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or at once when `signal` aborts (it never rejects). */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

export type LeaseEnd = { reason: 'released' } | { reason: 'lost'; message: string };

export type HeldLease = {
  /** Aborted the moment the Lease can no longer be trusted, or on release. Writers check it. */
  readonly signal: AbortSignal;
  /** True while held and the renew deadline has not passed (reads the clock, not only a flag). */
  held(): boolean;
  /** Settles once the Lease is lost or released. */
  readonly ended: Promise<LeaseEnd>;
  /** Stops renewing and gives the Lease up; resolves when done (errors are swallowed: it expires). */
  release(): Promise<void>;
};

export type HoldOptions = {
  lock: LeaseLock;
  timing: LeaseTiming;
  /** When the request that acquired it was about to be sent (our clock). */
  acquiredAtMs: number;
  clock?: Clock;
  sleep?: Sleep;
  /** A renewal that failed but may still be retried in time. */
  onRenewError?: (err: unknown) => void;
};

export function holdLease(options: HoldOptions): HeldLease {
  const { lock, timing } = options;
  const now = millisOf(options.clock);
  const pause = options.sleep ?? sleep;
  const stop = new AbortController();
  const trust = new AbortController();
  let validUntil = options.acquiredAtMs + timing.renewDeadlineMs;
  let end: LeaseEnd | undefined;
  // Lost to its own deadline (not to another holder): the record in the API may still name us.
  let lapsed = false;
  let settle!: (e: LeaseEnd) => void;
  const ended = new Promise<LeaseEnd>((r) => (settle = r));
  const finish = (e: LeaseEnd): void => {
    if (end) return;
    end = e;
    trust.abort(new LeaseError(LeaseErrorCode.held, e.reason === 'lost' ? e.message : 'released'));
    settle(e);
  };

  const lapse = (): void => {
    lapsed = true;
    finish({ reason: 'lost', message: `${lock.description}: not renewed within the deadline` });
  };

  const loop = async (): Promise<void> => {
    for (;;) {
      await pause(Math.min(timing.retryPeriodMs, validUntil - now()), stop.signal);
      if (stop.signal.aborted || end) return;
      const start = now();
      if (start >= validUntil) return lapse();
      const attemptStop = new AbortController();
      const signal = AbortSignal.any([attemptStop.signal, stop.signal]);
      const outcome = await Promise.race([
        lock.attempt(signal).then(
          (a): { a: LeaseAttempt } => ({ a }),
          (e: unknown) => ({ e }),
        ),
        pause(validUntil - start, signal).then(() => 'deadline' as const),
      ]);
      attemptStop.abort();
      if (stop.signal.aborted || end) return;
      if (outcome === 'deadline') {
        lapsed = true;
        return finish({
          reason: 'lost',
          message: `${lock.description}: renewal got no answer before the deadline`,
        });
      }
      if ('e' in outcome) {
        options.onRenewError?.(outcome.e);
        continue;
      }
      if (!outcome.a.held) {
        return finish({ reason: 'lost', message: `${lock.description} is now ${describeHolder(outcome.a)}` });
      }
      validUntil = start + timing.renewDeadlineMs;
    }
  };
  const running = loop();

  return {
    signal: trust.signal,
    held() {
      if (end !== undefined) return false;
      if (now() < validUntil) return true;
      // The deadline passed while the renewal loop could not run (a busy process): stop at once.
      lapse();
      return false;
    },
    ended,
    async release() {
      const wasHeld = end === undefined || lapsed;
      stop.abort();
      await running;
      finish({ reason: 'released' });
      if (!wasHeld) return;
      try {
        await lock.release(AbortSignal.timeout(timing.renewDeadlineMs));
      } catch {
        // Unreachable API: the Lease simply expires after its duration.
      }
    },
  };
}

export type AcquireOptions = {
  lock: LeaseLock;
  timing: LeaseTiming;
  /** How long to wait for another holder to let go (0: one attempt). */
  waitMs: number;
  clock?: Clock;
  sleep?: Sleep;
  signal?: AbortSignal;
  onRenewError?: (err: unknown) => void;
  /**
   * Give up at the first `unavailable` instead of trying again until the wait ends: a writer lock
   * in a cluster that stopped answering must not hold the other clusters back.
   */
  failWhenUnavailable?: boolean;
};

/**
 * Acquires within a bounded wait, then holds. When another writer still holds it at the end of the
 * wait, throws LeaseError `held` naming that holder; when the API could not be reached, `unavailable`.
 */
export async function acquireLease(options: AcquireOptions): Promise<HeldLease> {
  const now = millisOf(options.clock);
  const pause = options.sleep ?? sleep;
  const { lock, timing } = options;
  const until = now() + options.waitMs;
  let last: LeaseAttempt | undefined;
  let lastError: unknown;
  for (;;) {
    const start = now();
    try {
      last = await lock.attempt(options.signal);
      lastError = undefined;
      if (last.held) {
        return holdLease({
          lock,
          timing,
          acquiredAtMs: start,
          ...(options.clock ? { clock: options.clock } : {}),
          sleep: pause,
          ...(options.onRenewError ? { onRenewError: options.onRenewError } : {}),
        });
      }
    } catch (err) {
      if (!(err instanceof LeaseError)) throw err;
      if (options.failWhenUnavailable && err.code === LeaseErrorCode.unavailable) throw err;
      lastError = err;
    }
    const left = until - now();
    if (left <= 0 || options.signal?.aborted) break;
    const retryIn =
      last && !last.held ? Math.min(timing.retryPeriodMs, last.expiresInMs) : timing.retryPeriodMs;
    await pause(Math.min(Math.max(retryIn, 1), left), options.signal);
  }
  const secs = options.waitMs / 1000;
  const waited = `waited ${secs < 10 ? secs.toFixed(1) : Math.round(secs)} s`;
  if (lastError !== undefined || !last || last.held) {
    throw new LeaseError(LeaseErrorCode.unavailable, `${lock.description} could not be reached; ${waited}`, {
      cause: lastError,
    });
  }
  throw new LeaseError(LeaseErrorCode.held, `${lock.description} is ${describeHolder(last)}; ${waited}`);
}
