// The writer lock of one federation in one member cluster, as the fleet takes it: a Lease
// `fedsync-writer-<federation>` in fedsync-system (the namespace is created on first use). A
// reconcile takes it before the cluster is observed and holds it to its end, so a second writer
// observes only after the first has finished. A second writer waits a bounded time, then fails naming the
// holder; a cluster that does not answer fails at once (the other clusters go on).
import { LeaseError, LeaseErrorCode } from './lease.js';
import type { LeaseApi, LeaseSpec } from './lease.js';
import type { HeldLease, LeaseTiming } from './lease-hold.js';
import { FEDSYNC_NAMESPACE, acquireWriterLock, writerLeaseName } from './writer-lock.js';
import type { ClusterClient } from './port.js';
import type { ClusterName } from '../model/index.js';

export type WriterLockSettings = {
  /** Who writes, shown to a writer that has to wait: `fedsync apply alice@host pid 42 (3f2a…)`. */
  identity: string;
  /** How long to wait for another writer to finish (default 30 s). */
  waitMs?: number;
  timing?: LeaseTiming;
  /** The Lease in one cluster (default: client-node on the cluster's kubeconfig context). */
  leaseApi?: (cluster: ClusterName, lease: { namespace: string; name: string }, context: string) => LeaseApi;
  /** Another writer holds the lock in `cluster`: this one waits (say so). */
  onWait?: (cluster: ClusterName, holder: string) => void;
  /**
   * False while this process may not write at all (an agent replica that does not lead, or is
   * suspended): a drift correction or write-back then takes no lock (its write is refused anyway).
   */
  mayWrite?: () => boolean;
};

export type ClusterLock =
  { held: true; lease: HeldLease } | { held: false; code: 'lock.held' | 'lock.unavailable'; message: string };

/** Creates fedsync-system when the Lease cannot be created for want of it, then tries once more. */
function creatingNamespace(api: LeaseApi, client: ClusterClient): LeaseApi {
  const missingNamespace = (err: unknown): boolean => {
    const cause = (err as { cause?: { code?: unknown } }).cause;
    return err instanceof LeaseError && cause?.code === 404;
  };
  return {
    description: api.description,
    get: (signal) => api.get(signal),
    update: (spec, rv, signal) => api.update(spec, rv, signal),
    async create(spec: LeaseSpec, signal?: AbortSignal) {
      try {
        return await api.create(spec, signal);
      } catch (err) {
        if (!missingNamespace(err)) throw err;
        await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FEDSYNC_NAMESPACE } });
        return api.create(spec, signal);
      }
    },
  };
}

/** Reports the first attempt that finds the Lease held by someone else. */
function tellingWhenHeld(api: LeaseApi, identity: string, onHeld: (holder: string) => void): LeaseApi {
  let told = false;
  return {
    ...api,
    async get(signal) {
      const snap = await api.get(signal);
      const holder = snap?.spec.holderIdentity ?? '';
      if (!told && holder !== '' && holder !== identity) {
        told = true;
        onHeld(holder);
      }
      return snap;
    },
  };
}

export async function lockCluster(options: {
  cluster: ClusterName;
  federation: string;
  client: ClusterClient;
  /** The cluster's kubeconfig context. */
  context: string;
  settings: WriterLockSettings;
  /** Ends the wait early (the fleet stops): the lock is then not taken. */
  signal?: AbortSignal;
  defaultLeaseApi: (lease: { namespace: string; name: string }) => LeaseApi;
}): Promise<ClusterLock> {
  const { cluster, settings } = options;
  const lease = { namespace: FEDSYNC_NAMESPACE, name: writerLeaseName(options.federation) };
  let api = creatingNamespace(
    settings.leaseApi ? settings.leaseApi(cluster, lease, options.context) : options.defaultLeaseApi(lease),
    options.client,
  );
  if (settings.onWait) {
    const onWait = settings.onWait;
    api = tellingWhenHeld(api, settings.identity, (holder) => onWait(cluster, holder));
  }
  try {
    const held = await acquireWriterLock({
      api,
      identity: settings.identity,
      waitMs: settings.waitMs ?? 30_000,
      failWhenUnavailable: true,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(settings.timing ? { timing: settings.timing } : {}),
    });
    return { held: true, lease: held };
  } catch (err) {
    if (!(err instanceof LeaseError)) throw err;
    return {
      held: false,
      code: err.code === LeaseErrorCode.held ? 'lock.held' : 'lock.unavailable',
      message:
        err.code === LeaseErrorCode.held
          ? `another writer has the lock: ${err.message}`
          : `the writer lock could not be taken: ${err.message}`,
    };
  }
}
