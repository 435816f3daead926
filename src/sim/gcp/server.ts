// startComputeSim: the simulated Compute Engine API on 127.0.0.1, with bearer-token auth, request
// counters and injectable faults, plus the routing and health queries tests and the CLI use.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterDataPlane } from '../data-plane.js';
import { classify, describe, handleApi } from './api.js';
import type { Sim } from './api-types.js';
import { scopeLink, type Distances, type SimContext } from './context.js';
import { createCounters, type ComputeCounters } from './counters.js';
import {
  ComputeApiError,
  apiaryBody,
  badRequest,
  noSuchUrl,
  notFound,
  rateLimitExceeded,
  serverError,
  unauthenticated,
} from './errors.js';
import { createFaults, type FaultKind, type FaultSpec } from './faults.js';
import { LIMITS, type Limits } from './limits.js';
import { createOperations } from './operations.js';
import { routeRequest, type RouteAnswer, type RouteError, type RouteQuery } from './routing.js';
import { createStore } from './store.js';

export type ComputeSimOptions = {
  project: string;
  network?: string;
  distances?: Distances;
  dataPlanes: readonly ClusterDataPlane[];
  token: string;
  /** Fixed port; ephemeral when absent. */
  port?: number;
  /** How long an operation takes to reach DONE (default 30 ms). */
  operationDelayMs?: number;
  /** Longest an operations.wait call blocks before returning a not-yet-DONE operation (default 2 s). */
  maxWaitMs?: number;
  limits?: Partial<Limits>;
  /** Called after every API request (for logs and debugging). */
  onRequest?: (r: { method: string; path: string; status: number }) => void;
};

export type ComputeSim = {
  /** `http://127.0.0.1:PORT/compute/v1/`, the value of CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE. */
  url: string;
  port: number;
  project: string;
  token: string;
  stop(): Promise<void>;
  setFault(spec: FaultSpec): void;
  clearFaults(kind?: FaultKind): void;
  faults(): FaultSpec[];
  counters(): ComputeCounters;
  resetCounters(): void;
  route(q: RouteQuery): RouteAnswer | RouteError;
};

const prefix = '/compute/v1/projects/';

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  // globalOperations.wait from the Node client posts the literal body "".
  if (text === '' || text === '""') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('parseError', 'This API does not support parsing form-encoded input.');
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The path's segments after `/compute/v1/projects/`, or undefined when it is not a Compute API URL. */
function pathSegments(pathname: string): string[] | undefined {
  if (!pathname.startsWith(prefix)) return undefined;
  try {
    return pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

async function handle(
  sim: Sim,
  token: string,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  // As at Google's front end: a URL no method is bound to is 404 before credentials are looked at.
  const [project, ...segments] = pathSegments(url.pathname) ?? [];
  const classified = project === undefined ? undefined : classify(segments);
  if (!classified) throw noSuchUrl(url.pathname);
  const auth = req.headers.authorization;
  if (auth !== `Bearer ${token}`) throw unauthenticated(auth !== undefined && auth !== '');
  if (project !== sim.ctx.project) throw notFound(`projects/${project}`);
  const body = await readBody(req);
  const d = describe(classified, req.method ?? 'GET');
  sim.counters.count(d.collection, d.method, d.isRead);
  const latency = sim.faults.latencyMs();
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  if (sim.faults.takeRateLimit(d.isRead))
    throw rateLimitExceeded(sim.ctx.project, d.isRead ? 'Read' : 'Mutation');
  const status = sim.faults.takeServerError();
  if (status !== undefined) throw serverError(status);
  return handleApi(sim, classified, { method: req.method ?? 'GET', segments, query: url.searchParams, body });
}

export async function startComputeSim(opts: ComputeSimOptions): Promise<ComputeSim> {
  const ctx: SimContext = {
    project: opts.project,
    network: opts.network ?? 'default',
    store: createStore(),
    members: new Map(),
    dataPlanes: opts.dataPlanes,
    distances: opts.distances ?? {},
    limits: { ...LIMITS, ...opts.limits },
    baseUrl: '',
    now: () => new Date(),
  };
  const ops = createOperations({
    delayMs: opts.operationDelayMs ?? 30,
    maxWaitMs: opts.maxWaitMs ?? 2000,
    clock: () => Date.now(),
    scopeLink: (scope) => scopeLink(ctx, scope),
    user: 'fedsync-sim@example.com',
  });
  const sim: Sim = { ctx, ops, faults: createFaults(), counters: createCounters() };
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      send(res, status, body, headers);
      opts.onRequest?.({ method: req.method ?? 'GET', path: req.url ?? '/', status });
    };
    handle(sim, opts.token, req).then(
      (r) => reply(r.status, r.body),
      (err: unknown) => {
        const e =
          err instanceof ComputeApiError
            ? err
            : new ComputeApiError({
                status: 500,
                reason: 'internalError',
                // The name only: a bug's message may quote the request body.
                message: `Internal error. Please try again. (${err instanceof Error ? err.name : 'unknown'})`,
              });
        reply(e.status, apiaryBody(e), e.headers);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `http://127.0.0.1:${port}/compute/v1/`;
  return {
    url: ctx.baseUrl,
    port,
    project: opts.project,
    token: opts.token,
    async stop() {
      ops.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    setFault: (spec) => sim.faults.set(spec),
    clearFaults: (kind) => sim.faults.clear(kind),
    faults: () => sim.faults.active(),
    counters: () => sim.counters.snapshot(),
    resetCounters: () => sim.counters.reset(),
    route: (q) => routeRequest(ctx, q),
  };
}
