// Raw HTTP to one API server, authenticated by @kubernetes/client-node: `kc.applyToFetchOptions`
// gives the headers (bearer token, exec/OIDC plugins refreshed per call) and the TLS/proxy agent;
// the request itself goes through node:http(s) so the body is sent exactly as given (the typed
// serializer drops unknown fields, docs/cluster-adapter.md) and watch bodies stream.
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { millisOf } from '../clock.js';
import type { ClusterName } from '../model/index.js';
import {
  httpError,
  networkError,
  parseRetryAfter,
  secretValuesOf,
  timeoutError,
  type RequestLabel,
} from './errors.js';

export type HttpRequest = {
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  /** Whole request for `send`; until the response headers for `stream`. */
  timeoutMs: number;
};

export type HttpResponse = { status: number; text: string };

export type Transport = {
  /** Sends and reads the whole answer; non-2xx answers and failures throw KubeError. */
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Sends and hands over the body stream once a 2xx arrives (watch); `abort` ends it. */
  stream(req: HttpRequest): Promise<{ body: IncomingMessage; abort: () => void }>;
  label(req: HttpRequest): RequestLabel;
};

type Headers = Record<string, string>;

function headersOf(init: unknown): Headers {
  const out: Headers = {};
  const h = (init as { headers?: unknown }).headers;
  if (h && typeof (h as { forEach?: unknown }).forEach === 'function') {
    (h as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => (out[k] = v));
  } else if (h && typeof h === 'object') Object.assign(out, h);
  return out;
}

/** What fedsync's requests say they are, unless the caller names itself (an agent's identity). */
export const DEFAULT_USER_AGENT = 'fedsync';

export type TransportOptions = {
  cluster: ClusterName;
  kubeConfig: KubeConfig;
  /** Milliseconds now, to turn a Retry-After date into seconds (default: the system clock). */
  now?: () => number;
  /** The User-Agent header: API servers log it (audit), so each agent replica can be told apart. */
  userAgent?: string;
  /** Sees the headers of every response, whatever its status (the rate limiter reads them). */
  onResponse?: (headers: IncomingMessage['headers']) => void;
};

export function createTransport(options: TransportOptions): Transport {
  const { kubeConfig: kc, cluster } = options;
  const now = options.now ?? millisOf();
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error(`kubeconfig for ${cluster}: the current context has no cluster server`);
  const base = server.replace(/\/+$/, '');
  let agent: Agent | undefined;

  const credentials = async (): Promise<{ headers: Headers; agent?: Agent }> => {
    const init = await kc.applyToFetchOptions({});
    // One agent per client, kept alive: client-node builds a new non-keep-alive agent per call, which
    // would open a connection (and a TLS handshake) per request. The TLS settings never change.
    if (!agent && init.agent && typeof init.agent === 'object') {
      agent = init.agent;
      (agent as unknown as { keepAlive: boolean }).keepAlive = true;
    }
    return { headers: headersOf(init), ...(agent ? { agent } : {}) };
  };
  // An exec plugin or auth provider hands out short-lived tokens, which client-node caches and
  // renews when asked per request; every other credential (token, client certificate, basic auth)
  // stays what the kubeconfig said, so it is worked out once instead of on each of a push's
  // thousands of requests.
  const user = kc.getCurrentUser();
  const renews = Boolean(user?.exec || user?.authProvider);
  let fixed: Promise<{ headers: Headers; agent?: Agent }> | undefined;
  const credentialsNow = (): Promise<{ headers: Headers; agent?: Agent }> => {
    if (renews) return credentials();
    if (!fixed) {
      fixed = credentials();
      fixed.catch(() => (fixed = undefined));
    }
    return fixed;
  };

  const prepare = async (req: HttpRequest): Promise<{ url: URL; headers: Headers; agent?: Agent }> => {
    const creds = await credentialsNow();
    const url = new URL(base + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Headers = { ...creds.headers, accept: 'application/json', 'user-agent': userAgent };
    if (req.body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    return { url, headers, ...(creds.agent ? { agent: creds.agent } : {}) };
  };

  const label = (req: HttpRequest): RequestLabel => ({ cluster, method: req.method, path: req.path });

  /** Starts the request; resolves with the response once its headers arrive. */
  const open = async (
    req: HttpRequest,
  ): Promise<{
    res: IncomingMessage;
    abort: () => void;
    clearTimer: () => void;
    timedOut: () => boolean;
  }> => {
    const { url, headers, agent: a } = await prepare(req);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const r = send(url, { method: req.method, headers, agent: a }, (res) => {
        options.onResponse?.(res.headers);
        resolve({
          res,
          abort: () => r.destroy(),
          clearTimer: () => clearTimeout(timer),
          timedOut: () => timedOut,
        });
      });
      // A timer that destroys the request costs less than an AbortSignal per request.
      const timer = setTimeout(() => {
        timedOut = true;
        r.destroy();
      }, req.timeoutMs);
      r.on('error', (err) => {
        clearTimeout(timer);
        reject(
          timedOut
            ? timeoutError(label(req), req.timeoutMs)
            : networkError(label(req), err, { reusedSocket: r.reusedSocket }),
        );
      });
      r.end(req.body);
    });
  };

  const readAll = (res: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
    });

  const failIfNotOk = (req: HttpRequest, res: IncomingMessage, text: string): void => {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return;
    const ra = res.headers['retry-after'];
    throw httpError(label(req), status, text, parseRetryAfter(ra, now()), secretValuesOf(req.body));
  };

  return {
    label,
    async send(req) {
      const { res, clearTimer, abort, timedOut } = await open(req);
      let text: string;
      try {
        text = await readAll(res);
      } catch (err) {
        abort();
        throw timedOut() ? timeoutError(label(req), req.timeoutMs) : networkError(label(req), err);
      } finally {
        clearTimer();
      }
      failIfNotOk(req, res, text);
      return { status: res.statusCode ?? 0, text };
    },
    async stream(req) {
      const { res, clearTimer, abort } = await open(req);
      clearTimer();
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) failIfNotOk(req, res, await readAll(res).catch(() => ''));
      return { body: res, abort };
    },
  };
}
