// The read half of ComputeApi on Compute Engine's REST API with Node's own fetch: the same resource
// JSON the client library decodes, without loading it (@google-cloud/compute with gRPC, protobufjs
// and google-gax costs seconds and ~270 MiB to import; a `plan` only reads). Lists follow
// `nextPageToken`; instance groups and instances are read through the `aggregated/` endpoints, as
// the client's aggregatedList does. Every failure is a GcpError, made by the same toGcpError as the
// client's.
import { COLLECTION_OF, canonicalLink, type GcpKind, type GcpRef, type Json } from '../model/index.js';
import type { ComputeReadApi } from './api.js';
import { googleAuthOptions, type CallHook, type ComputeConnection } from './connection.js';
import { GcpError, GcpErrorCode, noCredentialsError, toGcpError } from './errors.js';

export const COMPUTE_REST_URL = 'https://compute.googleapis.com/compute/v1/';
/** One request's bound; a request that takes longer fails as unreachable (and is retried). */
const REQUEST_TIMEOUT_MS = 60_000;

type Token = () => Promise<string>;

/** The bearer token of every request: fixed for the simulator, Application Default Credentials otherwise. */
function tokenOf(connection: ComputeConnection): Token {
  if (connection.kind === 'endpoint') return () => Promise.resolve(connection.token);
  let client: Promise<{ getAccessToken(): Promise<{ token?: string | null }> }> | undefined;
  return async () => {
    // google-auth-library alone is light (tens of milliseconds); it is loaded only for a real project.
    client ??= import('google-auth-library')
      .then(({ GoogleAuth }) => new GoogleAuth(googleAuthOptions(connection)).getClient())
      .catch((err: unknown) => {
        client = undefined;
        throw noCredentialsError(connection, err);
      });
    const c = await client;
    try {
      const { token } = await c.getAccessToken();
      if (token) return token;
      throw new Error('no access token');
    } catch (err) {
      const e = toGcpError(err, 'access token');
      throw e.code === GcpErrorCode.unreachable
        ? e
        : new GcpError({ code: GcpErrorCode.unauthenticated, message: e.message });
    }
  };
}

/** fetch rejects with a TypeError whose `cause` is the system error (ECONNREFUSED, …). */
function networkError(err: unknown, what: string): GcpError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } })
    .cause;
  if (typeof cause?.code === 'string') return toGcpError(cause, what);
  // Several addresses tried at once: an AggregateError of system errors.
  const first = cause?.errors?.find((e) => typeof e.code === 'string');
  if (first) return toGcpError(first, what);
  if (err instanceof TypeError)
    // No system error: fetch refused the URL itself (a port browsers block, a bad scheme, …).
    return new GcpError({
      code: GcpErrorCode.unreachable,
      message: `${what}: Compute Engine unreachable (${typeof cause?.message === 'string' ? cause.message : err.message})`,
    });
  return toGcpError(err, what);
}

export type RestReadOptions = {
  onCall?: CallHook;
  /** `maxResults` of every list page; the server's default (500, the most it allows) when absent. */
  pageSize?: number;
};

export function createRestReadApi(
  connection: ComputeConnection,
  options: RestReadOptions = {},
): ComputeReadApi {
  const { onCall, pageSize } = options;
  const project = connection.project;
  const base = new URL(
    `projects/${encodeURIComponent(project)}/`,
    connection.kind === 'endpoint' ? connection.url : COMPUTE_REST_URL,
  );
  const token = tokenOf(connection);

  /** One HTTP request; the parsed JSON body of a 2xx answer, a GcpError otherwise. */
  async function request(
    what: string,
    path: string,
    options: { query?: Record<string, string | undefined>; body?: Json } = {},
  ): Promise<Json> {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${await token()}`,
      accept: 'application/json',
    };
    if (options.body) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: options.body ? 'POST' : 'GET',
        headers,
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError')
        throw toGcpError(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), what);
      throw networkError(err, what);
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok)
      throw toGcpError(
        { status: response.status, response: { status: response.status, data: body }, message: text },
        what,
      );
    if (!body || typeof body !== 'object')
      throw new GcpError({
        code: GcpErrorCode.unexpected,
        message: `${what}: HTTP ${response.status} with a body that is not a JSON object`,
      });
    return body as Json;
  }

  /** Every page of a list: `visit` gets each page's body. */
  async function pages(
    what: string,
    path: string,
    options: { filter?: string; body?: Json },
    visit: (page: Json) => void,
  ): Promise<void> {
    let pageToken: string | undefined;
    do {
      const page = await request(what, path, {
        query: {
          filter: options.filter || undefined,
          maxResults: pageSize === undefined ? undefined : String(pageSize),
          pageToken,
        },
        ...(options.body ? { body: options.body } : {}),
      });
      visit(page);
      pageToken =
        typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : undefined;
    } while (pageToken);
  }

  async function call<T>(method: string, subject: string | undefined, run: () => Promise<T>): Promise<T> {
    onCall?.({ method, ...(subject ? { subject } : {}) });
    try {
      return await run();
    } catch (err) {
      throw toGcpError(err, subject ? `${method} ${subject}` : method);
    }
  }

  const items = (page: Json): Json[] => (Array.isArray(page.items) ? (page.items as Json[]) : []);
  /** The resources of one collection in every scope of an aggregated list page. */
  const scoped = (page: Json, collection: string): Json[] =>
    page.items && typeof page.items === 'object'
      ? Object.values(page.items as Record<string, Json>).flatMap((s) =>
          Array.isArray(s?.[collection]) ? (s[collection] as Json[]) : [],
        )
      : [];
  const subjectOf = (ref: GcpRef) =>
    ref.zone
      ? `zones/${ref.zone}/${COLLECTION_OF[ref.kind]}/${ref.name}`
      : `${COLLECTION_OF[ref.kind]}/${ref.name}`;
  const pathOf = (ref: GcpRef) => {
    if (ref.kind === 'instanceGroup' && !ref.zone)
      throw new GcpError({ code: GcpErrorCode.invalid, message: `${subjectOf(ref)} has no zone` });
    const name = encodeURIComponent(ref.name);
    return ref.zone
      ? `zones/${encodeURIComponent(ref.zone)}/${COLLECTION_OF[ref.kind]}/${name}`
      : `global/${COLLECTION_OF[ref.kind]}/${name}`;
  };

  return {
    project,
    async list(kind: GcpKind, filter) {
      const collection = COLLECTION_OF[kind];
      const out: Json[] = [];
      if (kind === 'instanceGroup')
        return call('instanceGroups.aggregatedList', undefined, async () => {
          await pages('instanceGroups.aggregatedList', 'aggregated/instanceGroups', { filter }, (p) =>
            out.push(...scoped(p, collection)),
          );
          return out;
        });
      return call(`${collection}.list`, undefined, async () => {
        await pages(`${collection}.list`, `global/${collection}`, { filter }, (p) => out.push(...items(p)));
        return out;
      });
    },
    async listInstances(group) {
      return call('instanceGroups.listInstances', subjectOf(group), async () => {
        const links: string[] = [];
        await pages(
          'instanceGroups.listInstances',
          `${pathOf(group)}/listInstances`,
          { body: { instanceState: 'ALL' } },
          (p) => {
            for (const i of items(p)) links.push(canonicalLink(String(i.instance)) ?? String(i.instance));
          },
        );
        return links.sort();
      });
    },
    async instanceTags(filter) {
      return call('instances.aggregatedList', undefined, async () => {
        const out: Record<string, string[]> = {};
        await pages('instances.aggregatedList', 'aggregated/instances', { filter }, (p) => {
          for (const i of scoped(p, 'instances')) {
            const link = canonicalLink(String(i.selfLink));
            const tags = (i.tags as { items?: unknown[] } | undefined)?.items ?? [];
            if (link) out[link] = tags.map(String).sort();
          }
        });
        return out;
      });
    },
    async get(ref) {
      try {
        return await call(`${COLLECTION_OF[ref.kind]}.get`, subjectOf(ref), () =>
          request(`${COLLECTION_OF[ref.kind]}.get`, pathOf(ref)),
        );
      } catch (err) {
        if (err instanceof GcpError && err.code === GcpErrorCode.notFound) return undefined;
        throw err;
      }
    },
    async quotas() {
      return call('projects.get', undefined, async () => {
        // The project itself: `projects/<p>` (the base path without its trailing slash).
        const p = await request('projects.get', base.pathname.replace(/\/$/, ''));
        const quotas = Array.isArray(p.quotas) ? (p.quotas as Json[]) : [];
        return quotas.map((q) => ({
          metric: String(q.metric),
          limit: Number(q.limit ?? 0),
          usage: Number(q.usage ?? 0),
        }));
      });
    },
    async getHealth(backendService, groupLink) {
      return call('backendServices.getHealth', `backendServices/${backendService}`, async () => {
        const h = await request(
          'backendServices.getHealth',
          `global/backendServices/${encodeURIComponent(backendService)}/getHealth`,
          { body: { group: groupLink } },
        );
        const states = Array.isArray(h.healthStatus) ? (h.healthStatus as Json[]) : [];
        return states.map((s) => (typeof s.healthState === 'string' ? s.healthState : 'UNKNOWN'));
      });
    },
    close: () => Promise.resolve(),
  };
}
