// Leader election on one Lease: try to acquire every retryPeriod (with up to 20 % jitter, so
// replicas started together do not knock in step), hold it while renewals succeed, and say so the
// moment leadership starts and stops. Only the leader writes; a follower keeps trying, so it takes
// over once the leader's Lease expires or is released. @kubernetes/client-node ships no leader
// election of its own; this follows client-go's algorithm on the LeaseLock.
import { millisOf } from '../../clock.js';
import type { LeaseLock } from '../../kube/lease.js';
import { checkLeaseTiming, holdLease, sleep, type HeldLease, type LeaseTiming, type Sleep } from './hold.js';
import type { Clock } from '../../model/index.js';

export type LeadershipEnd = { reason: 'lost' | 'stopped'; message: string };

/** The port the agent sees: is this replica the writer right now, and when does that change. */
export type LeaderElector = {
  /** True while this replica holds the Lease and its renew deadline has not passed. */
  isLeader(): boolean;
  /** The holder the Lease named when last read (this replica's identity while leading). */
  leader(): string | undefined;
  /** Stops campaigning; a leader releases the Lease first so a follower takes over at once. */
  stop(): Promise<void>;
};

export type LeaderElectorOptions = {
  lock: LeaseLock;
  timing: LeaseTiming;
  /** Called when this replica becomes leader; `signal` aborts the moment it must stop writing. */
  onStartedLeading?: (term: { signal: AbortSignal }) => void;
  /** Called once per term, when leadership is lost or given up. */
  onStoppedLeading?: (end: LeadershipEnd) => void;
  /** Called when the Lease names a different holder than before. */
  onNewLeader?: (identity: string) => void;
  /** An attempt or renewal that failed (the API did not answer); the elector keeps going. */
  onError?: (err: unknown) => void;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
};

export function startLeaderElector(options: LeaderElectorOptions): LeaderElector {
  checkLeaseTiming(options.timing);
  const { lock, timing } = options;
  const now = millisOf(options.clock);
  const pause = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const stopping = new AbortController();
  let term: HeldLease | undefined;
  let leader: string | undefined;

  const noteLeader = (identity: string): void => {
    if (identity === leader) return;
    leader = identity;
    if (identity !== '') options.onNewLeader?.(identity);
  };

  const campaign = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const start = now();
      try {
        const attempt = await lock.attempt(stopping.signal);
        if (attempt.held && stopping.signal.aborted) {
          // Won just as stop() was called: give it back instead of starting a term nobody ends.
          await lock.release().catch(() => undefined);
          return;
        }
        if (attempt.held) {
          noteLeader(lock.identity);
          const held = holdLease({
            lock,
            timing,
            acquiredAtMs: start,
            clock: options.clock,
            sleep: pause,
            ...(options.onError ? { onRenewError: options.onError } : {}),
          });
          term = held;
          options.onStartedLeading?.({ signal: held.signal });
          const end = await held.ended;
          term = undefined;
          options.onStoppedLeading?.(
            end.reason === 'lost'
              ? { reason: 'lost', message: end.message }
              : { reason: 'stopped', message: `${lock.description} released` },
          );
          continue;
        }
        noteLeader(attempt.holder);
      } catch (err) {
        if (!stopping.signal.aborted) options.onError?.(err);
      }
      await pause(timing.retryPeriodMs * (1 + 0.2 * random()), stopping.signal);
    }
  };
  const running = campaign();

  return {
    isLeader: () => term?.held() ?? false,
    leader: () => leader,
    async stop() {
      stopping.abort();
      const current = term;
      if (current) await current.release();
      await running;
    },
  };
}
