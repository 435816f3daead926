// Kubernetes `Status` error bodies with the reasons and codes a real API server uses.

export type StatusCause = { reason: string; message: string; field?: string };

export type StatusDetails = {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
};

export const Reasons = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
} as const;

export type Reason = keyof typeof Reasons;

/** A request the simulated API server refuses; rendered as a `Status` body. */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: Reason;
  readonly details: StatusDetails | undefined;
  constructor(reason: Reason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.reason = reason;
    this.code = Reasons[reason];
    this.details = details;
  }
}

export function statusBody(err: StatusError): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    ...(err.details ? { details: err.details } : {}),
    code: err.code,
  };
}

/** What the resource is called in error messages: `ingresses.networking.k8s.io`, `configmaps`. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

export function notFound(group: string, plural: string, name: string): StatusError {
  return new StatusError('NotFound', `${qualifiedResource(group, plural)} "${name}" not found`, {
    name,
    group,
    kind: plural,
  });
}

export function alreadyExists(group: string, plural: string, name: string): StatusError {
  return new StatusError('AlreadyExists', `${qualifiedResource(group, plural)} "${name}" already exists`, {
    name,
    group,
    kind: plural,
  });
}

export function conflict(group: string, plural: string, name: string, why: string): StatusError {
  return new StatusError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": ${why}`,
    { name, group, kind: plural },
  );
}

export const staleObject =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 Invalid: `Kind "name" is invalid: field: message, ...`. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): StatusError {
  const text = causes.map((c) => `${c.field ?? ''}: ${c.message}`).join(', ');
  return new StatusError('Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${text}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError('BadRequest', message);
}

/**
 * 400 for a body that does not parse. The parsers' own messages quote the input (V8's JSON.parse
 * shows a snippet, js-yaml a code frame), which could put a Secret value into a response or a log,
 * so only the position and the parser's reason are kept, as a real server's decoder reports them.
 */
export function undecodable(what: string, format: 'json' | 'yaml', err: unknown): StatusError {
  if (format === 'yaml') {
    const e = err as { reason?: unknown; mark?: { line?: unknown } };
    const line = typeof e.mark?.line === 'number' ? `line ${e.mark.line + 1}: ` : '';
    const reason = typeof e.reason === 'string' ? e.reason : 'invalid YAML';
    return badRequest(`error converting YAML to JSON: yaml: ${line}${reason}`);
  }
  const message = err instanceof Error ? err.message : '';
  const at = /position (\d+)/.exec(message)?.[1];
  const end = /end of (JSON )?input/i.test(message);
  return badRequest(
    `${what}: json parse error: ${end ? 'unexpected end of JSON input' : `invalid character${at ? ` at offset ${at}` : ''}`}`,
  );
}
