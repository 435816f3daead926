// isomorphic-git's HTTP client, written on node:http(s) so fedsync controls what the library does not:
// a custom CA bundle, no redirects, a cap on the bytes a server may send (isomorphic-git buffers a
// whole pack in memory), and time: an idle timeout per read, a low-speed limit, and a total deadline
// for a whole fetch. A server that trickles a byte every few seconds never trips an idle timeout;
// the low-speed limit and the deadline end it.
import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { SourceError, SourceErrorCode } from './errors.js';
import { displayUrl } from './location.js';
import type { FetchTimeouts } from './port.js';

export type HttpClientOptions = {
  /** PEM bundle of extra trusted CAs (replaces the default list, like git's http.sslCAInfo). */
  ca?: string | Buffer;
  maxResponseBytes: number;
  timeouts: FetchTimeouts;
};

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * The client; the error it raised, if any (isomorphic-git may swallow errors thrown in a body); and
 * `withDeadline`, which runs one fetch under the total deadline.
 */
export type LimitedHttpClient = {
  client: HttpClient;
  takeLimitError: () => SourceError | undefined;
  withDeadline: <T>(what: string, run: () => Promise<T>) => Promise<T>;
};

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** The repository a smart-HTTP request is for, as safe to print. */
const repositoryOf = (url: string): string =>
  displayUrl(url).replace(/\/(info\/refs|git-upload-pack|git-receive-pack)$/, '');

function htmlPage(url: string, contentType: string | undefined): SourceError | undefined {
  if (!/^\s*text\/html\b/i.test(contentType ?? '')) return undefined;
  return new SourceError(
    SourceErrorCode.notARepository,
    `${repositoryOf(url)} returned an HTML page, not a Git repository (is this the repository's web URL? use the .git clone URL)`,
  );
}

export function createHttpClient(options: HttpClientOptions): LimitedHttpClient {
  const { timeouts } = options;
  let limitError: SourceError | undefined;
  const active = new Set<http.ClientRequest>();
  const agentOptions = { keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) };
  const httpsAgent = new https.Agent(agentOptions);
  const httpAgent = new http.Agent({ keepAlive: true });

  /** Records why the transfer ends and tears down every request in flight. */
  const abortAll = (err: SourceError): void => {
    limitError ??= err;
    for (const r of active) r.destroy(err);
    active.clear();
  };

  const request = async (req: GitHttpRequest): Promise<GitHttpResponse> => {
    const url = new URL(req.url);
    const payload = await collect(req.body);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (payload) headers['content-length'] = String(payload.length);
    return new Promise<GitHttpResponse>((resolvePromise, reject) => {
      let received = 0;
      let windowStart = 0;
      const r = transport.request(
        url,
        {
          method: req.method ?? 'GET',
          headers,
          agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
          timeout: timeouts.idleMs,
        },
        (res) => {
          const notGit =
            (res.statusCode ?? 0) < 300 ? htmlPage(req.url, res.headers['content-type']) : undefined;
          if (notGit) {
            res.destroy();
            limitError ??= notGit;
            reject(notGit);
            return;
          }
          const limit = options.maxResponseBytes;
          async function* body(): AsyncIterableIterator<Uint8Array> {
            try {
              for await (const chunk of res as AsyncIterable<Buffer>) {
                received += chunk.length;
                if (received > limit) {
                  res.destroy();
                  limitError = new SourceError(
                    SourceErrorCode.limit,
                    `the server sent more than ${limit} bytes (pack size limit); raise the limit or slim the repository`,
                  );
                  throw limitError;
                }
                yield chunk;
              }
            } finally {
              done();
            }
          }
          const responseHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolvePromise({
            url: req.url,
            method: req.method ?? 'GET',
            statusCode: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: responseHeaders,
            body: body(),
          });
        },
      );
      // Low speed, as git's http.lowSpeedLimit/lowSpeedTime: fewer than the limit's bytes per
      // second, on average over a whole window, ends the request.
      const floor = Math.ceil((timeouts.lowSpeedBytesPerSecond * timeouts.lowSpeedWindowMs) / 1000);
      const slow =
        floor > 0
          ? setInterval(() => {
              const got = received - windowStart;
              windowStart = received;
              if (got >= floor) return;
              const err = new SourceError(
                SourceErrorCode.unreachable,
                `${repositoryOf(req.url)} sent ${got} bytes in ${seconds(timeouts.lowSpeedWindowMs)}, under the low-speed limit of ${timeouts.lowSpeedBytesPerSecond} bytes/s; the server is too slow or stalled`,
                { transient: true },
              );
              limitError ??= err;
              r.destroy(err);
            }, timeouts.lowSpeedWindowMs)
          : undefined;
      slow?.unref();
      const done = (): void => {
        if (slow) clearInterval(slow);
        active.delete(r);
      };
      active.add(r);
      r.on('close', done);
      r.on('timeout', () => r.destroy(new Error(`no answer within ${timeouts.idleMs} ms`)));
      r.on('error', (err) => {
        done();
        reject(limitError ?? err);
      });
      r.end(payload);
    });
  };

  const withDeadline = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new SourceError(
          SourceErrorCode.unreachable,
          `${what} did not finish within ${seconds(timeouts.totalMs)} (the total deadline for a fetch); the server is too slow or stalled`,
          { transient: true },
        );
        abortAll(err);
        reject(err);
      }, timeouts.totalMs);
    });
    try {
      return await Promise.race([run(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    client: { request },
    takeLimitError: () => {
      const e = limitError;
      limitError = undefined;
      return e;
    },
    withDeadline,
  };
}
