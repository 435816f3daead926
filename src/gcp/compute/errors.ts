// The one place that turns what @google-cloud/compute throws into typed errors with stable codes.
// The client throws a GaxiosError (HTTP status in `status`, the raw JSON error body as `message`)
// when it authenticates through google-auth-library, as it does with Application Default
// Credentials and with the simulator's token, and a GoogleError (a gRPC `code`, a readable
// message) with other auth clients; network failures arrive as Node system errors. Messages keep
// the API's own message, stripped of anything that looks like PEM material and cut short: a request
// body never reaches a log, a plan or a report through an error.

export const GcpErrorCode = {
  notFound: 'gcp.notFound',
  alreadyExists: 'gcp.alreadyExists',
  /** 412: the fingerprint sent is stale (someone changed the resource since it was read). */
  conditionNotMet: 'gcp.conditionNotMet',
  /** 400 resourceInUseByAnotherResource: deleting something still referenced. */
  inUse: 'gcp.resourceInUse',
  /** 400 memberAlreadyExists from addInstances. */
  memberAlreadyExists: 'gcp.memberAlreadyExists',
  invalid: 'gcp.invalid',
  /** 403 rateLimitExceeded / userRateLimitExceeded, 429. */
  rateLimited: 'gcp.rateLimited',
  /** A project quota is used up (not a rate): raising it is a person's job. */
  quotaExceeded: 'gcp.quotaExceeded',
  unauthenticated: 'gcp.unauthenticated',
  permissionDenied: 'gcp.permissionDenied',
  serverError: 'gcp.serverError',
  unreachable: 'gcp.unreachable',
  /** The operation ended DONE with errors. */
  operationFailed: 'gcp.operationFailed',
  /** The operation was not DONE within the wait bound. */
  operationTimeout: 'gcp.operationTimeout',
  /** No Application Default Credentials could be found. */
  noCredentials: 'gcp.noCredentials',
  unexpected: 'gcp.unexpected',
} as const;
export type GcpErrorCode = (typeof GcpErrorCode)[keyof typeof GcpErrorCode];

export class GcpError extends Error {
  readonly code: GcpErrorCode;
  readonly status?: number;
  /** The API's machine-readable reason (`notFound`, `conditionNotMet`, …) when it gave one. */
  readonly reason?: string;
  constructor(options: { code: GcpErrorCode; message: string; status?: number; reason?: string }) {
    super(options.message);
    this.name = 'GcpError';
    this.code = options.code;
    if (options.status !== undefined) this.status = options.status;
    if (options.reason !== undefined) this.reason = options.reason;
  }
}

const TRANSIENT: ReadonlySet<GcpErrorCode> = new Set([
  GcpErrorCode.rateLimited,
  GcpErrorCode.serverError,
  GcpErrorCode.unreachable,
  GcpErrorCode.operationTimeout,
  GcpErrorCode.operationFailed,
  GcpErrorCode.inUse,
]);

/**
 * Transient: the same step may succeed on a later try or cycle (rate limits, 5xx, network, an
 * operation that failed or did not finish in time, a delete refused while something still refers to
 * the resource). Everything else needs a change in Git or in the project first.
 */
export function isTransientGcpError(err: unknown): boolean {
  return err instanceof GcpError && TRANSIENT.has(err.code);
}

/** Cuts PEM blocks and long text out of an API message. */
export function safeMessage(text: string): string {
  const cleaned = text
    .replace(/-----BEGIN [^-]+-----[\s\S]*?(-----END [^-]+-----|$)/g, '<PEM material>')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 297)}...` : cleaned;
}

const GRPC_TO_HTTP: Record<number, number> = {
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 412,
  10: 409,
  13: 500,
  14: 503,
  16: 401,
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

type ApiaryBody = {
  error?: { code?: number; message?: string; errors?: { reason?: string; message?: string }[] };
};

function apiaryOf(value: unknown): ApiaryBody | undefined {
  if (typeof value === 'string') {
    const start = value.indexOf('{');
    if (start < 0) return undefined;
    try {
      return JSON.parse(value.slice(start)) as ApiaryBody;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' ? value : undefined;
}

function codeOf(status: number | undefined, reason: string | undefined): GcpErrorCode {
  switch (reason ?? '') {
    case 'notFound':
      return GcpErrorCode.notFound;
    case 'alreadyExists':
      return GcpErrorCode.alreadyExists;
    case 'conditionNotMet':
      return GcpErrorCode.conditionNotMet;
    case 'resourceInUseByAnotherResource':
      return GcpErrorCode.inUse;
    case 'memberAlreadyExists':
      return GcpErrorCode.memberAlreadyExists;
    case 'rateLimitExceeded':
    case 'userRateLimitExceeded':
      return GcpErrorCode.rateLimited;
    case 'quotaExceeded':
      return GcpErrorCode.quotaExceeded;
    case 'forbidden':
    case 'insufficientPermissions':
      return GcpErrorCode.permissionDenied;
  }
  if (status === undefined) return GcpErrorCode.unexpected;
  if (status === 400) return GcpErrorCode.invalid;
  if (status === 401) return GcpErrorCode.unauthenticated;
  if (status === 403) return GcpErrorCode.permissionDenied;
  if (status === 404) return GcpErrorCode.notFound;
  if (status === 409) return GcpErrorCode.alreadyExists;
  if (status === 412) return GcpErrorCode.conditionNotMet;
  if (status === 429) return GcpErrorCode.rateLimited;
  if (status >= 500) return GcpErrorCode.serverError;
  return GcpErrorCode.unexpected;
}

/**
 * A GoogleError carries no Apiary reason; for 403s the message is what tells a per-minute rate
 * limit ("… limit 'Read requests per minute' …") from a used-up quota ("Quota 'X' exceeded").
 */
function reasonFromText(status: number | undefined, text: string): string | undefined {
  if (status !== 403 && status !== 429) return undefined;
  if (/per minute|per 100 seconds|rate limit/i.test(text)) return 'rateLimitExceeded';
  if (/quota .*exceeded/i.test(text)) return 'quotaExceeded';
  return undefined;
}

/** `what` names the call: `urlMaps.update urlMaps/k8s-um-…`. */
export function toGcpError(err: unknown, what: string): GcpError {
  if (err instanceof GcpError) return err;
  const e = (err ?? {}) as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    reason?: unknown;
    response?: { status?: unknown; data?: unknown };
  };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) {
    return new GcpError({
      code: GcpErrorCode.unreachable,
      message: `${what}: Compute Engine unreachable (${e.code})`,
    });
  }
  const numeric = typeof e.code === 'number' ? e.code : undefined;
  const status =
    (typeof e.status === 'number' ? e.status : undefined) ??
    (typeof e.response?.status === 'number' ? e.response.status : undefined) ??
    (numeric !== undefined ? (numeric >= 100 ? numeric : GRPC_TO_HTTP[numeric]) : undefined);
  const body = apiaryOf(e.response?.data) ?? apiaryOf(e.message);
  const reason = body?.error?.errors?.[0]?.reason ?? (typeof e.reason === 'string' ? e.reason : undefined);
  const text = body?.error?.message ?? (typeof e.message === 'string' ? e.message : String(err));
  const code = codeOf(status, reason ?? reasonFromText(status, text));
  return new GcpError({
    code,
    message: `${what}: ${status !== undefined ? `HTTP ${status} ` : ''}${reason ? `${reason}: ` : ''}${safeMessage(text)}`,
    ...(status !== undefined ? { status } : {}),
    ...(reason ? { reason } : {}),
  });
}

/** The credentials cannot be had: the key file named, or Application Default Credentials at all. */
export function noCredentialsError(
  connection: { project: string; keyFilename?: string },
  err: unknown,
): GcpError {
  const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : 'unknown';
  return new GcpError({
    code: GcpErrorCode.noCredentials,
    message: connection.keyFilename
      ? `the Google Cloud credentials file ${connection.keyFilename} cannot be used for project ${connection.project} (${why})`
      : `no Application Default Credentials for project ${connection.project} (${why}); run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS`,
  });
}

/** The error of an operation that ended DONE with `error.errors`. */
export function operationError(
  what: string,
  errors: readonly { code?: string | null; message?: string | null }[],
): GcpError {
  const codes = errors.map((x) => x.code ?? 'UNKNOWN');
  const code = codes.includes('QUOTA_EXCEEDED')
    ? GcpErrorCode.quotaExceeded
    : codes.includes('RESOURCE_IN_USE_BY_ANOTHER_RESOURCE')
      ? GcpErrorCode.inUse
      : codes.includes('RESOURCE_NOT_FOUND')
        ? GcpErrorCode.notFound
        : codes.includes('ALREADY_EXISTS')
          ? GcpErrorCode.alreadyExists
          : GcpErrorCode.operationFailed;
  const detail = errors.map((x) => `${x.code ?? 'UNKNOWN'}: ${safeMessage(x.message ?? '')}`).join('; ');
  return new GcpError({
    code,
    message: `${what}: the operation failed (${detail})`,
    reason: codes[0] ?? 'UNKNOWN',
  });
}
