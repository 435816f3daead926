// Classifies every failure of a request to a member cluster into a KubeError, once. Messages name
// the request and the server's machine-readable reason, never a request or response body: a Secret
// could be in either (a 422 message quotes the rejected value).
import type { ActionError, ClusterName } from '../model/index.js';
import { KubeError, KubeErrorCode } from './port.js';

export type RequestLabel = { cluster: ClusterName; method: string; path: string };

/** The parts of a Kubernetes Status body that are safe to repeat: enums and field paths. */
function safeReason(bodyText: string): string {
  try {
    const status = JSON.parse(bodyText) as {
      reason?: unknown;
      details?: { causes?: { field?: unknown }[] };
    };
    const reason = typeof status.reason === 'string' ? status.reason : '';
    const fields = (status.details?.causes ?? [])
      .map((c) => (typeof c.field === 'string' ? c.field : ''))
      .filter((f) => f !== '');
    return [reason, fields.length > 0 ? `fields ${[...new Set(fields)].join(', ')}` : '']
      .filter((s) => s !== '')
      .join(': ');
  } catch {
    return '';
  }
}

function codeOfStatus(status: number): KubeErrorCode {
  if (status === 400 || status === 422) return KubeErrorCode.invalid;
  if (status === 401 || status === 403) return KubeErrorCode.unauthorized;
  if (status === 404) return KubeErrorCode.notFound;
  if (status === 409) return KubeErrorCode.conflict;
  if (status === 410) return KubeErrorCode.expired;
  if (status === 429) return KubeErrorCode.throttled;
  if (status >= 500) return KubeErrorCode.serverError;
  return KubeErrorCode.unexpected;
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

export function httpError(
  label: RequestLabel,
  status: number,
  bodyText: string,
  retryAfterSeconds?: number,
): KubeError {
  const reason = safeReason(bodyText);
  return new KubeError({
    code: codeOfStatus(status),
    cluster: label.cluster,
    status,
    message: `${label.method} ${label.path} on ${label.cluster}: HTTP ${status}${reason ? ` ${reason}` : ''}`,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** A 410 delivered inside a watch stream as an ERROR event (the usual way servers say it). */
export function watchErrorEvent(label: RequestLabel, status: Record<string, unknown>): KubeError {
  const code = typeof status.code === 'number' ? status.code : 500;
  return httpError(label, code, JSON.stringify({ reason: status.reason }));
}

export function timeoutError(label: RequestLabel, timeoutMs: number): KubeError {
  return new KubeError({
    code: KubeErrorCode.timeout,
    cluster: label.cluster,
    message: `${label.method} ${label.path} on ${label.cluster}: no answer within ${timeoutMs} ms`,
  });
}

/** Network-level failures (refused, reset, DNS, TLS): the error code only, no payload exists. */
export function networkError(label: RequestLabel, err: unknown): KubeError {
  const e = err as { code?: unknown; message?: unknown };
  const what = typeof e.code === 'string' ? e.code : err instanceof Error ? err.name : 'network error';
  return new KubeError({
    code: KubeErrorCode.unreachable,
    cluster: label.cluster,
    message: `${label.method} ${label.path} on ${label.cluster}: unreachable (${what})`,
  });
}

export function unknownKindError(cluster: ClusterName, apiVersion: string, kind: string): KubeError {
  return new KubeError({
    code: KubeErrorCode.unknownKind,
    cluster,
    message: `${cluster} does not serve ${kind} in ${apiVersion}`,
  });
}

/** Any failure as an ActionError value: a KubeError's code and message, or a generic one. */
export function errorOf(err: unknown): ActionError {
  if (err instanceof KubeError) return { code: err.code, message: err.message };
  const code = (err as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'apply.error',
    message: err instanceof Error ? err.message : String(err),
  };
}
