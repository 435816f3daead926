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

  constructor(opts: {
    status: number;
    reason: string;
    message: string;
    domain?: string;
    extra?: Partial<ErrorDetail>;
    statusText?: string;
  }) {
    super(opts.message);
    this.status = opts.status;
    this.reason = opts.reason;
    this.domain = opts.domain ?? 'global';
    this.extra = opts.extra ?? {};
    this.statusText = opts.statusText;
  }
}

export function apiaryBody(err: ComputeApiError): unknown {
  const detail: ErrorDetail = { message: err.message, domain: err.domain, reason: err.reason, ...err.extra };
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

export function unauthenticated(): ComputeApiError {
  return new ComputeApiError({
    status: 401,
    reason: 'required',
    message:
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    extra: { location: 'Authorization', locationType: 'header' },
    statusText: 'UNAUTHENTICATED',
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

/** Renders any request value for an error message. */
export function show(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined');
}
