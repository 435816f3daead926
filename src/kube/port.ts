// The ClusterClient port: everything fedsync does to one member cluster goes through it. The adapter
// (client-node.ts) implements it with @kubernetes/client-node; nothing outside src/kube knows HTTP.
import type { ClusterName, KubeObject, ObjectRef } from '../model/index.js';

export const KubeErrorCode = {
  /** Connection refused/reset, DNS, TLS handshake: the cluster could not be reached. */
  unreachable: 'kube.unreachable',
  /** No answer within the request timeout. */
  timeout: 'kube.timeout',
  /** The TLS handshake failed (unknown CA, wrong host name, expired certificate). */
  tls: 'kube.tls',
  /** Not sent: the cluster's circuit breaker is open after requests that got no answer. */
  circuitOpen: 'kube.circuitOpen',
  /** 429 or 5xx; `retryAfterSeconds` set when the server said. */
  throttled: 'kube.throttled',
  serverError: 'kube.serverError',
  /** 409 Conflict (SSA field conflict or stale resourceVersion). */
  conflict: 'kube.conflict',
  /** 422 Invalid, 400 BadRequest. */
  invalid: 'kube.invalid',
  notFound: 'kube.notFound',
  /** 401/403. */
  unauthorized: 'kube.unauthorized',
  /** The API server does not serve this apiVersion/kind. */
  unknownKind: 'kube.unknownKind',
  /** 410 Gone: a watch or list resourceVersion is older than the server keeps; relist. */
  expired: 'kube.expired',
  /** Anything else the server answered that none of the above describes (e.g. 405, 415). */
  unexpected: 'kube.unexpected',
} as const;
export type KubeErrorCode = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

/** A request to a member cluster failed. `message` never contains a request or response body. */
export class KubeError extends Error {
  readonly code: KubeErrorCode;
  readonly cluster: ClusterName;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /**
   * The connection was reset as the request went out on a kept-alive socket: the server had closed
   * that idle socket (its keep-alive timeout) while the request was on its way.
   */
  readonly staleConnection?: true;
  constructor(options: {
    code: KubeErrorCode;
    cluster: ClusterName;
    message: string;
    status?: number;
    retryAfterSeconds?: number;
    staleConnection?: boolean;
  }) {
    super(options.message);
    this.name = 'KubeError';
    this.code = options.code;
    this.cluster = options.cluster;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.staleConnection) this.staleConnection = true;
  }
}

export type ResourceInfo = { apiVersion: string; kind: string; plural: string; namespaced: boolean };

/** BOOKMARK objects carry only apiVersion, kind and metadata.resourceVersion (progress marker). */
export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KubeObject };

/** One JSON patch (RFC 6902) operation. */
export type JsonPatchOp = { op: 'add' | 'remove' | 'replace' | 'test'; path: string; value?: unknown };

export type ListOptions = { apiVersion: string; kind: string; namespace?: string; labelSelector?: string };

/** One member cluster. Every method rate-limits, times out and classifies errors into KubeError. */
export type ClusterClient = {
  readonly name: ClusterName;
  /** Discovery: what the server serves for this apiVersion/kind; undefined when it does not. */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** Server-side apply of the raw object (unknown fields kept), field manager `fedsync`, force. */
  apply(object: KubeObject, options?: { dryRun?: boolean }): Promise<KubeObject>;
  /**
   * A JSON patch (RFC 6902) as field manager `fedsync`. Setting `/metadata/resourceVersion` in it makes it
   * conditional: KubeError `conflict` when the object changed since that version was read.
   */
  jsonPatch(ref: ObjectRef & { apiVersion: string }, ops: readonly JsonPatchOp[]): Promise<KubeObject>;
  /**
   * Deletes with propagationPolicy Background (default); 'absent' when it was already gone. With
   * `resourceVersion`, only that version is deleted (KubeError `conflict` otherwise).
   */
  remove(
    ref: ObjectRef & { apiVersion: string },
    options?: { propagation?: 'Background' | 'Foreground' | 'Orphan'; resourceVersion?: string },
  ): Promise<'deleted' | 'absent'>;
  get(ref: ObjectRef & { apiVersion: string }): Promise<KubeObject | undefined>;
  /**
   * JSON merge patch (RFC 7386: `null` removes a key, lists are replaced whole) of one object or of
   * its status subresource, as `fieldManager`: for fields another writer owns (the load balancer's
   * write-back), never for what the plan applies.
   */
  patch(
    ref: ObjectRef & { apiVersion: string },
    patch: Record<string, unknown>,
    options: { fieldManager: string; subresource?: 'status' },
  ): Promise<KubeObject>;
  /** Creates an object (POST), e.g. an Event; KubeError `conflict` when it exists already. */
  create(object: KubeObject): Promise<KubeObject>;
  list(options: ListOptions): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /** Streams changes after resourceVersion until stopped or the stream ends (done gets the error). */
  watch(
    options: ListOptions & { resourceVersion: string },
    onEvent: (event: WatchEvent) => void,
    done: (err?: unknown) => void,
  ): Promise<{ stop(): void }>;
  /**
   * GET /readyz, falling back to /healthz on 404. Resolves when the cluster answered ok; rejects with
   * the KubeError that says why not (timeout, unreachable, tls, unauthorized, serverError).
   */
  probe(): Promise<void>;
};
