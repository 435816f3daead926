// The writer lock a reconcile holds in each member cluster it writes to: a Lease per federation, so
// two writers of one federation (two agents, or `fedsync apply` beside a running agent) never write
// the same cluster at once. A second writer waits a bounded time, then fails naming the holder.
import { createLeaseLock, type LeaseApi } from './lease.js';
import {
  acquireLease,
  defaultLeaseTiming,
  type HeldLease,
  type LeaseTiming,
  type Sleep,
} from './lease-hold.js';
import type { Clock } from '../model/clock.js';

/** The namespace fedsync keeps its own objects in, in every cluster it manages. */
export const FEDSYNC_NAMESPACE = 'fedsync-system';

/**
 * The long-lived agent's writer lock: a longer duration than a one-shot apply's, so a process that
 * is busy for a while (a large plan, a loaded machine) does not lose it between two renewals. An
 * agent that dies holding it keeps other writers waiting at most this long.
 */
export const agentWriterLeaseTiming: LeaseTiming = {
  leaseDurationSeconds: 40,
  renewDeadlineMs: 30_000,
  retryPeriodMs: 4_000,
};

/** `fedsync-writer-<federation>`: one writer Lease per federation and cluster. */
export function writerLeaseName(federation: string): string {
  return `fedsync-writer-${federation}`;
}

export type WriterLockOptions = {
  /** The Lease in one member cluster (clientNodeLeaseApi with writerLeaseName). */
  api: LeaseApi;
  /** Who writes: shown to the writer that has to wait. */
  identity: string;
  /** How long a second writer waits before giving up (default 30 s). */
  waitMs?: number;
  timing?: LeaseTiming;
  clock?: Clock;
  sleep?: Sleep;
  signal?: AbortSignal;
  /** Fail at once when the cluster does not answer (default: keep trying for the whole wait). */
  failWhenUnavailable?: boolean;
};

/**
 * Takes the writer lock, renewing it until `release()`. Throws LeaseError `held` (naming the holder)
 * when another writer keeps it for the whole wait. Writes made under it must stop when `signal`
 * aborts: the lock could not be renewed in time.
 */
export function acquireWriterLock(options: WriterLockOptions): Promise<HeldLease> {
  const timing = options.timing ?? defaultLeaseTiming;
  const lock = createLeaseLock({
    api: options.api,
    identity: options.identity,
    leaseDurationSeconds: timing.leaseDurationSeconds,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return acquireLease({
    lock,
    timing,
    waitMs: options.waitMs ?? 30_000,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.failWhenUnavailable ? { failWhenUnavailable: true } : {}),
  });
}
