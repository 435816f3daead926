// A lock on a coordination.k8s.io/v1 Lease: one attempt acquires a free or expired Lease or renews our
// own, and every write is conditional on the resourceVersion just read, so two contenders can never
// both win (the loser gets 409 and re-reads). Leader election and the per-federation writer locks in
// member clusters are both built on this. Expiry is judged the way client-go judges it: by when *we*
// last saw the record change, on our own clock, never by comparing our clock with the holder's
// renewTime (clocks of two machines disagree; elapsed time on one clock does not).
import { millisOf } from '../clock.js';
import {
  ApiException,
  CoordinationV1Api,
  Observable,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
  type V1Lease,
} from '@kubernetes/client-node';
import type { Clock } from '../model/clock.js';

/** The Lease spec fields a lock reads and writes. Times are MicroTime strings. */
export type LeaseSpec = {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
};

export type LeaseSnapshot = { spec: LeaseSpec; resourceVersion: string };

export const LeaseErrorCode = {
  /** Someone else wrote first (409): re-read and decide again. */
  conflict: 'lease.conflict',
  /** The Lease is held by another identity and has not expired (after any bounded wait). */
  held: 'lease.held',
  /** The API server did not answer, answered an error, or the request was aborted. */
  unavailable: 'lease.unavailable',
} as const;
export type LeaseErrorCode = (typeof LeaseErrorCode)[keyof typeof LeaseErrorCode];

export class LeaseError extends Error {
  readonly code: LeaseErrorCode;
  constructor(code: LeaseErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LeaseError';
    this.code = code;
  }
}

/** Reads and conditional writes of one Lease. */
export type LeaseApi = {
  /** `Lease fedsync-system/fedsync in cluster eu-1`, for messages. */
  readonly description: string;
  get(signal?: AbortSignal): Promise<LeaseSnapshot | undefined>;
  /** Creates the Lease; LeaseError `conflict` when it already exists. */
  create(spec: LeaseSpec, signal?: AbortSignal): Promise<LeaseSnapshot>;
  /** Replaces the spec if the Lease is still at `resourceVersion`; LeaseError `conflict` if not. */
  update(spec: LeaseSpec, resourceVersion: string, signal?: AbortSignal): Promise<LeaseSnapshot>;
};

/**
 * `2026-01-02T03:04:05.678000Z`: the API server parses MicroTime with exactly six fractional digits
 * and rejects the three that Date#toISOString gives (client-node sends a Date that way, so the lock
 * hands it strings).
 */
export function toMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function microTimeOf(value: unknown): string | undefined {
  if (value instanceof Date) return toMicroTime(value.getTime());
  return typeof value === 'string' ? value : undefined;
}

function snapshotOf(lease: V1Lease): LeaseSnapshot {
  const s = lease.spec ?? {};
  const spec: LeaseSpec = {};
  if (s.holderIdentity !== undefined && s.holderIdentity !== null) spec.holderIdentity = s.holderIdentity;
  if (typeof s.leaseDurationSeconds === 'number') spec.leaseDurationSeconds = s.leaseDurationSeconds;
  const acquire = microTimeOf(s.acquireTime);
  if (acquire) spec.acquireTime = acquire;
  const renew = microTimeOf(s.renewTime);
  if (renew) spec.renewTime = renew;
  if (typeof s.leaseTransitions === 'number') spec.leaseTransitions = s.leaseTransitions;
  return { spec, resourceVersion: lease.metadata?.resourceVersion ?? '' };
}

export type ClientNodeLeaseOptions = {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  /** Cluster name for messages (default: the kubeconfig's current context). */
  cluster?: string;
  /** Per-request timeout on top of any caller signal (default 10 s). */
  timeoutMs?: number;
  labels?: Record<string, string>;
};

/** The LeaseApi on @kubernetes/client-node's CoordinationV1Api. */
export function clientNodeLeaseApi(options: ClientNodeLeaseOptions): LeaseApi {
  const api = options.kubeConfig.makeApiClient(CoordinationV1Api);
  const { namespace, name } = options;
  const cluster = options.cluster ?? options.kubeConfig.getCurrentContext();
  const description = `Lease ${namespace}/${name} in cluster ${cluster}`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  // The object-parameter API hands middleware straight to the observable layer.
  const withSignal = (signal: AbortSignal | undefined) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    return {
      middleware: [
        {
          pre: (ctx: RequestContext) => {
            ctx.setSignal(combined);
            return new Observable(Promise.resolve(ctx));
          },
          post: (rsp: ResponseContext) => new Observable(Promise.resolve(rsp)),
        },
      ],
    } as unknown as Parameters<typeof api.readNamespacedLease>[1];
  };

  const failure = (verb: string, err: unknown): LeaseError => {
    if (err instanceof ApiException && err.code === 409)
      return new LeaseError(LeaseErrorCode.conflict, `${description}: ${verb} lost a race (409)`);
    const what =
      err instanceof ApiException
        ? `HTTP ${err.code}`
        : err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
          ? 'no answer in time'
          : err instanceof Error
            ? ((err as { code?: string }).code ?? err.name)
            : 'failed';
    return new LeaseError(LeaseErrorCode.unavailable, `${description}: ${verb} failed (${what})`, {
      cause: err,
    });
  };

  // client-node types the MicroTime fields as Date but passes strings through untouched.
  const body = (spec: LeaseSpec, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    },
    spec: spec as unknown as V1Lease['spec'],
  });

  return {
    description,
    async get(signal) {
      try {
        return snapshotOf(await api.readNamespacedLease({ name, namespace }, withSignal(signal)));
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw failure('read', err);
      }
    },
    async create(spec, signal) {
      try {
        return snapshotOf(
          await api.createNamespacedLease({ namespace, body: body(spec) }, withSignal(signal)),
        );
      } catch (err) {
        throw failure('create', err);
      }
    },
    async update(spec, resourceVersion, signal) {
      try {
        return snapshotOf(
          await api.replaceNamespacedLease(
            { name, namespace, body: body(spec, resourceVersion) },
            withSignal(signal),
          ),
        );
      } catch (err) {
        throw failure('update', err);
      }
    },
  };
}

/** What one attempt found: we hold the Lease now, or who does and for how long at most. */
export type LeaseAttempt =
  | { held: true; spec: LeaseSpec; resourceVersion: string; transitioned: boolean }
  | { held: false; holder: string; spec: LeaseSpec; expiresInMs: number };

export type LeaseLock = {
  readonly identity: string;
  readonly description: string;
  /** One acquire-or-renew; throws LeaseError `unavailable` when the API cannot be reached. */
  attempt(signal?: AbortSignal): Promise<LeaseAttempt>;
  /** Gives the Lease up if we hold it (holder cleared, so a waiter need not wait for expiry). */
  release(signal?: AbortSignal): Promise<void>;
  /** The newest record seen, and when (our clock). */
  observed(): { spec: LeaseSpec; atMs: number } | undefined;
};

export type LeaseLockOptions = {
  api: LeaseApi;
  identity: string;
  leaseDurationSeconds: number;
  clock?: Clock;
  /** Re-reads after a 409 before the attempt reports the Lease as someone else's (default 3). */
  conflictRetries?: number;
};

export function createLeaseLock(options: LeaseLockOptions): LeaseLock {
  const { api, identity } = options;
  const now = millisOf(options.clock);
  if (!Number.isInteger(options.leaseDurationSeconds) || options.leaseDurationSeconds < 1)
    throw new RangeError(`leaseDurationSeconds must be a whole number ≥ 1`);
  if (identity === '') throw new RangeError('a lease holder identity must not be empty');
  let observed: { snap: LeaseSnapshot; atMs: number } | undefined;

  const see = (snap: LeaseSnapshot, at: number): void => {
    if (!observed || observed.snap.resourceVersion !== snap.resourceVersion) observed = { snap, atMs: at };
  };

  const once = async (signal: AbortSignal | undefined): Promise<LeaseAttempt> => {
    const at = now();
    const stamp = toMicroTime(at);
    const current = await api.get(signal);
    if (!current) {
      const spec: LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds: options.leaseDurationSeconds,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: 0,
      };
      const created = await api.create(spec, signal);
      see(created, at);
      return { held: true, spec: created.spec, resourceVersion: created.resourceVersion, transitioned: true };
    }
    see(current, at);
    const holder = current.spec.holderIdentity ?? '';
    const ours = holder === identity;
    // Another holder's own duration counts, not ours: it promised to renew within that.
    const theirMs = (current.spec.leaseDurationSeconds ?? options.leaseDurationSeconds) * 1000;
    const expiresInMs = (observed?.atMs ?? at) + theirMs - at;
    if (holder !== '' && !ours && expiresInMs > 0) {
      return { held: false, holder, spec: current.spec, expiresInMs };
    }
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: options.leaseDurationSeconds,
      acquireTime: ours && current.spec.acquireTime ? current.spec.acquireTime : stamp,
      renewTime: stamp,
      leaseTransitions: (current.spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
    };
    const written = await api.update(spec, current.resourceVersion, signal);
    see(written, at);
    return { held: true, spec: written.spec, resourceVersion: written.resourceVersion, transitioned: !ours };
  };

  return {
    identity,
    description: api.description,
    async attempt(signal) {
      const retries = options.conflictRetries ?? 3;
      for (let i = 0; ; i++) {
        try {
          return await once(signal);
        } catch (err) {
          if (!(err instanceof LeaseError && err.code === LeaseErrorCode.conflict) || i >= retries) throw err;
        }
      }
    },
    async release(signal) {
      const current = await api.get(signal);
      if (!current || current.spec.holderIdentity !== identity) return;
      const stamp = toMicroTime(now());
      try {
        await api.update(
          {
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: stamp,
            renewTime: stamp,
            leaseTransitions: current.spec.leaseTransitions ?? 0,
          },
          current.resourceVersion,
          signal,
        );
      } catch (err) {
        // Someone wrote in between: then it is no longer ours to release.
        if (!(err instanceof LeaseError && err.code === LeaseErrorCode.conflict)) throw err;
      }
    },
    observed: () => (observed ? { spec: observed.snap.spec, atMs: observed.atMs } : undefined),
  };
}

/** `held by agent-7f (renewed 2026-…Z, lease 15 s, free in at most 12 s)`. */
export function describeHolder(attempt: Extract<LeaseAttempt, { held: false }>): string {
  const renewed = attempt.spec.renewTime ? `renewed ${attempt.spec.renewTime}, ` : '';
  const duration = attempt.spec.leaseDurationSeconds ?? 0;
  return `held by ${attempt.holder} (${renewed}lease ${duration} s, free in at most ${Math.ceil(attempt.expiresInMs / 1000)} s)`;
}
