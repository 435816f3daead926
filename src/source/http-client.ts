// isomorphic-git's HTTP client, written on node:http(s) so fedsync controls what the library does not:
// a custom CA bundle, no redirects, a request timeout, and a cap on the bytes a server may send
// (isomorphic-git buffers a whole pack in memory).
import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { SourceError, SourceErrorCode } from './errors.js';

export type HttpClientOptions = {
  /** PEM bundle of extra trusted CAs (replaces the default list, like git's http.sslCAInfo). */
  ca?: string | Buffer;
  maxResponseBytes: number;
  timeoutMs: number;
};

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The client plus the limit error it raised, if any (isomorphic-git may swallow errors thrown in a body). */
export type LimitedHttpClient = { client: HttpClient; takeLimitError: () => SourceError | undefined };

export function createHttpClient(options: HttpClientOptions): LimitedHttpClient {
  let limitError: SourceError | undefined;
  const agentOptions = { keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) };
  const httpsAgent = new https.Agent(agentOptions);
  const httpAgent = new http.Agent({ keepAlive: true });
  const request = async (req: GitHttpRequest): Promise<GitHttpResponse> => {
    const url = new URL(req.url);
    const payload = await collect(req.body);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (payload) headers['content-length'] = String(payload.length);
    return new Promise<GitHttpResponse>((resolvePromise, reject) => {
      const r = transport.request(
        url,
        {
          method: req.method ?? 'GET',
          headers,
          agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
          timeout: options.timeoutMs,
        },
        (res) => {
          let received = 0;
          const limit = options.maxResponseBytes;
          async function* body(): AsyncIterableIterator<Uint8Array> {
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
      r.on('timeout', () => r.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
      r.on('error', reject);
      r.end(payload);
    });
  };
  return {
    client: { request },
    takeLimitError: () => {
      const e = limitError;
      limitError = undefined;
      return e;
    },
  };
}
