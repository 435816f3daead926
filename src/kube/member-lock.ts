// One member cluster's writer lock as a fleet shares it between its writers: the reconcile (from
// observe to the end of its run), drift corrections and the load balancer's write-back. The first
// user takes the Lease (a bounded wait), later users join it, and the last one to finish lets it go,
// so a `fedsync apply` beside a running agent waits only while the agent actually writes. Every write
// made under a use is checked against the Lease's renew deadline on the clock right before it is
// sent (`writesUnder`), so a Lease that lapsed while the process was busy never covers a write.
import type { ClusterLock } from './cluster-lock.js';
import type { HeldLease } from './lease-hold.js';
import type { ClusterClient } from './port.js';

/** One writer's share of a held lock. */
export type LockUse = {
  /** Aborted the moment the lock can no longer be trusted (lost, or released). */
  readonly signal: AbortSignal;
  /** True while the Lease is held and its renew deadline has not passed (reads the clock). */
  held(): boolean;
  /** Why held() is false, for the write that is refused. */
  why(): string;
  /** This writer is done; the last one gives the Lease up. Calling it again does nothing. */
  done(): Promise<void>;
};

export type LockRefusal = Extract<ClusterLock, { held: false }>;
export type LockGrant = { held: true; use: LockUse } | LockRefusal;

export type MemberLock = {
  /** Joins the lock, taking the Lease first when this fleet does not hold it. */
  use(): Promise<LockGrant>;
  /** Writers sharing the lock now. */
  users(): number;
  /** Gives the Lease up whoever still uses it (the fleet stops). */
  stop(): Promise<void>;
};

/** `take` acquires the Lease in the cluster (lockCluster: a bounded wait, the holder named). */
export function createMemberLock(take: () => Promise<ClusterLock>): MemberLock {
  let users = 0;
  let current: HeldLease | undefined;
  let taking: Promise<ClusterLock> | undefined;
  let releasing: Promise<void> | undefined;

  const acquire = (): Promise<ClusterLock> => {
    taking ??= (async () => {
      await releasing;
      const got = await take();
      if (got.held) {
        // A lease that was lost under the writers that still had it: its loop has ended already.
        const stale = current;
        current = got.lease;
        if (stale) void stale.release();
      }
      return got;
    })().finally(() => (taking = undefined));
    return taking;
  };

  const settle = async (): Promise<void> => {
    if (users > 0 || taking || !current) return;
    const lease = current;
    current = undefined;
    releasing = lease.release().finally(() => (releasing = undefined));
    await releasing;
  };

  const useOf = (lease: HeldLease): LockUse => {
    let ended = false;
    return {
      signal: lease.signal,
      held: () => !ended && lease.held(),
      why: () => {
        if (ended) return 'the writer lock was let go';
        const reason: unknown = lease.signal.reason;
        return `the writer lock was lost: ${reason instanceof Error ? reason.message : 'its renew deadline passed'}`;
      },
      async done() {
        if (ended) return;
        ended = true;
        users--;
        await settle();
      },
    };
  };

  return {
    async use() {
      users++;
      if (current?.held()) return { held: true, use: useOf(current) };
      let got: ClusterLock;
      try {
        got = await acquire();
      } catch (err) {
        users--;
        throw err;
      }
      if (!got.held) {
        users--;
        await settle();
        return got;
      }
      return { held: true, use: useOf(got.lease) };
    },
    users: () => users,
    async stop() {
      users = 0;
      await taking?.catch(() => undefined);
      await settle();
    },
  };
}

/** A write refused because the lock it was made under is no longer held. */
export class LockLostError extends Error {
  readonly code = 'lock.lost';
  constructor(cluster: string, why: string) {
    super(`not written to cluster ${cluster}: ${why}`);
    this.name = 'LockLostError';
  }
}

/**
 * The client with every write checked against the lock right before it is sent: a lock whose renew
 * deadline passed (a stalled process, an API that stopped answering the renewals) refuses the write
 * even before its renewal loop has noticed. Reads and dry runs pass.
 */
export function writesUnder(client: ClusterClient, use: LockUse): ClusterClient {
  const checked = <T>(call: () => Promise<T>): Promise<T> =>
    use.held() ? call() : Promise.reject(new LockLostError(client.name, use.why()));
  return {
    name: client.name,
    resource: (apiVersion, kind) => client.resource(apiVersion, kind),
    apply: (object, options) =>
      options?.dryRun ? client.apply(object, options) : checked(() => client.apply(object, options)),
    jsonPatch: (ref, ops) => checked(() => client.jsonPatch(ref, ops)),
    remove: (ref, options) => checked(() => client.remove(ref, options)),
    get: (ref) => client.get(ref),
    patch: (ref, patch, options) => checked(() => client.patch(ref, patch, options)),
    create: (object) => checked(() => client.create(object)),
    list: (options) => client.list(options),
    watch: (options, onEvent, done) => client.watch(options, onEvent, done),
    probe: () => client.probe(),
  };
}
