// Compute Engine API errors in the Apiary JSON format the official clients and gcloud parse:
// {"error":{"code":404,"message":"…","errors":[{"message":"…","domain":"global","reason":"notFound"}]}}.

export type ErrorDetail = {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
};

export class ComputeApiError extends Error {
  readonly code = 'gcpsim.apiError';
  readonly status: number;
  readonly reason: string;
  readonly domain: string;
  readonly extra: Partial<ErrorDetail>;
  readonly statusText: string | undefined;
  /** `errors[0].message` when it differs from the top-level message (the 401s). */
  readonly detailMessage: string | undefined;
  readonly headers: Record<string, string>;

  constructor(opts: {
    status: number;
    reason: string;
    message: string;
    domain?: string;
    extra?: Partial<ErrorDetail>;
    statusText?: string;
    detailMessage?: string;
    headers?: Record<string, string>;
  }) {
    super(opts.message);
    this.status = opts.status;
    this.reason = opts.reason;
    this.domain = opts.domain ?? 'global';
    this.extra = opts.extra ?? {};
    this.statusText = opts.statusText;
    this.detailMessage = opts.detailMessage;
    this.headers = opts.headers ?? {};
  }
}

export function apiaryBody(err: ComputeApiError): unknown {
  const detail: ErrorDetail = {
    message: err.detailMessage ?? err.message,
    domain: err.domain,
    reason: err.reason,
    ...err.extra,
  };
  return {
    error: {
      code: err.status,
      message: err.message,
      errors: [detail],
      ...(err.statusText ? { status: err.statusText } : {}),
    },
  };
}

/** `projects/p/global/urlMaps/x` — the resource path real error messages quote. */
export function notFound(resourcePath: string): ComputeApiError {
  return new ComputeApiError({
    status: 404,
    reason: 'notFound',
    message: `The resource '${resourcePath}' was not found`,
  });
}

export function alreadyExists(resourcePath: string): ComputeApiError {
  return new ComputeApiError({
    status: 409,
    reason: 'alreadyExists',
    message: `The resource '${resourcePath}' already exists`,
  });
}

export function conditionNotMet(resourcePath: string, fingerprintField = 'fingerprint'): ComputeApiError {
  return new ComputeApiError({
    status: 412,
    reason: 'conditionNotMet',
    message: `Invalid ${fingerprintField} for resource '${resourcePath}': the resource was changed since it was read (supplied ${fingerprintField} is stale or missing).`,
    extra: { location: 'If-Match', locationType: 'header' },
  });
}

export function invalid(field: string, message: string): ComputeApiError {
  return new ComputeApiError({
    status: 400,
    reason: 'invalid',
    message: `Invalid value for field '${field}': ${message}`,
  });
}

export function badRequest(reason: string, message: string): ComputeApiError {
  return new ComputeApiError({ status: 400, reason, message });
}

/** `kind` is the resource kind in snake case, as real messages say it: `health_check`, `url_map`. */
export function resourceInUse(kind: string, resourcePath: string, userPath: string): ComputeApiError {
  return new ComputeApiError({
    status: 400,
    reason: 'resourceInUseByAnotherResource',
    message: `The ${kind} resource '${resourcePath}' is already being used by '${userPath}'`,
  });
}

const credentialHelp =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/**
 * 401 as Google's front end answers it: `required` / "Login Required." without an Authorization
 * header, `authError` / "Invalid Credentials" with a token it does not accept.
 */
export function unauthenticated(presented: boolean): ComputeApiError {
  return new ComputeApiError({
    status: 401,
    reason: presented ? 'authError' : 'required',
    message: presented
      ? `Request had invalid authentication credentials. ${credentialHelp}`
      : `Request is missing required authentication credential. ${credentialHelp}`,
    detailMessage: presented ? 'Invalid Credentials' : 'Login Required.',
    extra: { location: 'Authorization', locationType: 'header' },
    statusText: 'UNAUTHENTICATED',
    headers: {
      'www-authenticate': presented
        ? 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
        : 'Bearer realm="https://accounts.google.com/"',
    },
  });
}

/** A URL no API method is bound to (unknown collection, method or path); the query string is not quoted. */
export function noSuchUrl(pathname: string): ComputeApiError {
  return new ComputeApiError({
    status: 404,
    reason: 'notFound',
    message: `The requested URL ${pathname} was not found on this server.`,
    statusText: 'NOT_FOUND',
  });
}

export function rateLimitExceeded(project: string, group: 'Read' | 'Mutation'): ComputeApiError {
  return new ComputeApiError({
    status: 403,
    reason: 'rateLimitExceeded',
    domain: 'usageLimits',
    message: `Quota exceeded for quota metric '${group} requests' and limit '${group} requests per minute' of service 'compute.googleapis.com' for consumer 'project:${project}'.`,
    statusText: 'PERMISSION_DENIED',
  });
}

export function serverError(status: number): ComputeApiError {
  return new ComputeApiError({
    status,
    reason: status === 503 ? 'backendError' : 'internalError',
    message: status === 503 ? 'The service is currently unavailable.' : 'Internal error. Please try again.',
  });
}

export function methodNotAllowed(what: string): ComputeApiError {
  return new ComputeApiError({
    status: 405,
    reason: 'httpMethodNotAllowed',
    message: `${what} is not supported`,
  });
}

/**
 * A request value for an error message: short scalars as they are, anything else by its type, so a
 * message never carries a whole piece of a request body (a private key, say).
 */
export function show(v: unknown): string {
  if (typeof v === 'string') return v.length > 64 ? `${v.slice(0, 61)}...` : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  return Array.isArray(v) ? '<array>' : '<object>';
}
