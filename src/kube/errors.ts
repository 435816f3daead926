// Classifies every failure of a request to a member cluster into a KubeError, once. Messages name
// the request, the server's reason and its Status message (`namespaces "tenant-b" not found`), but
// never a body beyond that message: decoder context is cut and the values of a Secret the request
// carried are redacted, since a message can quote what was sent.
import { safeReason as safeYamlReason } from '../manifests/yaml.js';
import type { ActionError, ClusterName } from '../model/index.js';
import { KubeError, KubeErrorCode } from './port.js';

export type RequestLabel = { cluster: ClusterName; method: string; path: string };

// Older API servers (json-iterator decoders) append the input around a decoding error:
// `..., error found in #10 byte of ...|"password":"hunter2"|..., bigger context ...|...|...`.
const DECODER_CONTEXT =
  /(, error found in #\d+ byte of |, bigger context |, parsing \d+ \.\.\.|\.\.\.\|).*$/s;
const MAX_MESSAGE = 400;

/**
 * The Status `message` cut to what a person needs: no decoder context (which quotes the request),
 * no value of the Secret the request carried, at most MAX_MESSAGE characters.
 */
export function safeStatusMessage(message: string, redact: readonly string[] = []): string {
  let out = message.replace(DECODER_CONTEXT, '').replace(/\s+/g, ' ').trim();
  for (const value of [...redact].sort((a, b) => b.length - a.length)) {
    if (value === '') continue;
    // A short value would match inside ordinary words; it is removed only where quoted.
    out =
      value.length >= 6
        ? out.split(value).join('(redacted)')
        : out.split(JSON.stringify(value)).join('"(redacted)"');
  }
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

/** The values a Secret request body carries (stringData, data and data decoded), to keep out of messages. */
export function secretValuesOf(body: string | undefined): string[] {
  if (body === undefined || !body.includes('Secret')) return [];
  let obj: { kind?: unknown; data?: unknown; stringData?: unknown };
  try {
    obj = JSON.parse(body) as typeof obj;
  } catch {
    return [];
  }
  if (obj.kind !== 'Secret') return [];
  const values: string[] = [];
  const strings = (m: unknown): string[] =>
    typeof m === 'object' && m !== null
      ? Object.values(m).filter((v): v is string => typeof v === 'string')
      : [];
  values.push(...strings(obj.stringData));
  for (const v of strings(obj.data)) values.push(v, Buffer.from(v, 'base64').toString('utf8'));
  return values;
}

/** What of a Kubernetes Status body is repeated: its reason, and its message or the fields concerned. */
function safeReason(bodyText: string, redact: readonly string[]): string {
  try {
    const status = JSON.parse(bodyText) as {
      reason?: unknown;
      message?: unknown;
      details?: { causes?: { field?: unknown }[] };
    };
    const reason = typeof status.reason === 'string' ? status.reason : '';
    const message = typeof status.message === 'string' ? safeStatusMessage(status.message, redact) : '';
    const fields = (status.details?.causes ?? [])
      .map((c) => (typeof c.field === 'string' ? c.field : ''))
      .filter((f) => f !== '');
    const detail = message || (fields.length > 0 ? `fields ${[...new Set(fields)].join(', ')}` : '');
    return [reason, detail].filter((s) => s !== '').join(': ');
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
  redact: readonly string[] = [],
): KubeError {
  const reason = safeReason(bodyText, redact);
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
  return httpError(label, code, JSON.stringify({ reason: status.reason, message: status.message }));
}

export function timeoutError(label: RequestLabel, timeoutMs: number): KubeError {
  return new KubeError({
    code: KubeErrorCode.timeout,
    cluster: label.cluster,
    message: `${label.method} ${label.path} on ${label.cluster}: no answer within ${timeoutMs} ms`,
  });
}

// Node's codes for a certificate or handshake the client refused (tls.TLSSocket, OpenSSL).
const TLS_CODE = /CERT|SSL|TLS|SIGNATURE|ALTNAME|ISSUER|EPROTO/;

/**
 * Network-level failures (refused, reset, DNS, TLS): the error code only, no payload exists.
 * `reusedSocket`: the request went out on a kept-alive connection (Node's `req.reusedSocket`); a
 * reset there is the server having closed that idle connection, not the server being down.
 */
export function networkError(
  label: RequestLabel,
  err: unknown,
  options: { reusedSocket?: boolean } = {},
): KubeError {
  const e = err as { code?: unknown; message?: unknown };
  const what = typeof e.code === 'string' ? e.code : err instanceof Error ? err.name : 'network error';
  const tls = TLS_CODE.test(what);
  return new KubeError({
    code: tls ? KubeErrorCode.tls : KubeErrorCode.unreachable,
    cluster: label.cluster,
    message: `${label.method} ${label.path} on ${label.cluster}: ${tls ? 'TLS handshake failed' : 'unreachable'} (${what})`,
    staleConnection: options.reusedSocket === true && what === 'ECONNRESET',
  });
}

export function unknownKindError(cluster: ClusterName, apiVersion: string, kind: string): KubeError {
  return new KubeError({
    code: KubeErrorCode.unknownKind,
    cluster,
    message: `${cluster} does not serve ${kind} in ${apiVersion}`,
  });
}

/** The kubeconfig file cannot be used (unreadable, not YAML, no such context). */
export class KubeconfigError extends Error {
  readonly code = 'kube.kubeconfig';
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * Why a kubeconfig did not load, naming the file and the YAML problem's line and column only. The
 * parser's own message shows the lines around the problem, and those hold tokens and keys.
 */
export function kubeconfigLoadError(path: string, err: unknown): KubeconfigError {
  const e = err as { mark?: { line?: unknown; column?: unknown }; reason?: unknown; code?: unknown };
  if (e.mark && typeof e.mark.line === 'number') {
    const column = typeof e.mark.column === 'number' ? `, column ${e.mark.column + 1}` : '';
    const reason = typeof e.reason === 'string' ? safeYamlReason(e.reason) : 'syntax error';
    return new KubeconfigError(
      `kubeconfig ${path} is not valid YAML: line ${e.mark.line + 1}${column}: ${reason}`,
    );
  }
  if (typeof e.code === 'string') return new KubeconfigError(`cannot read kubeconfig ${path} (${e.code})`);
  // client-node's own checks (`clusters[0].name is missing`) name fields, never values.
  const message = err instanceof Error && !/\n/.test(err.message) ? `: ${err.message}` : '';
  return new KubeconfigError(`kubeconfig ${path} cannot be used${message}`);
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
