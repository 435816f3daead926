// The agent's one HTTP listener: `/metrics` (Prometheus text), `/healthz` (the process answers),
// `/readyz` (every readiness check passes — the caller decides what they are: caches synced, the
// repository read once), webhook deliveries on `/webhook` and `/webhook/<forge>`, and the manual
// trigger `POST /reconcile`. The trigger is accepted from the loopback interface (the host itself,
// or `kubectl port-forward` into the pod) and, when a token is configured, from anywhere with
// `Authorization: Bearer <token>`; without a token it is local-only.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Check = { name: string; check: () => boolean | Promise<boolean> };

/** How a manual reconcile ended; `run`: what the service tells `?wait=true` callers of the run. */
export type TriggerResult = { ok: true; run?: unknown } | { ok: false; message: string };

export type AgentServerOptions = {
  host: string;
  port: number;
  metrics: { scrape(): Promise<{ contentType: string; text: string }> };
  readiness: Check[];
  liveness?: Check[];
  webhook?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  reconcile?: {
    /** Starts a reconcile now (or right after the one running); resolves when it has finished. */
    trigger: (reason: string) => Promise<TriggerResult>;
    /** The token a non-local caller must present; read per request. */
    token?: () => Promise<string | undefined> | string | undefined;
  };
  /** More GET routes (path → handler), e.g. a status endpoint. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void>;
  /**
   * More POST endpoints (path → what they answer), under the same rule as the manual trigger:
   * local callers, or anyone with the trigger token. E.g. `/suspend`, `/resume`.
   */
  actions?: Record<string, (url: URL) => Promise<{ status: number; body: unknown }>>;
  onError?: (err: unknown) => void;
  /** Test seam: which peer addresses count as this host. */
  isLocalAddress?: (address: string) => boolean;
};

export type AgentServer = { readonly url: string; readonly port: number; stop(): Promise<void> };

export function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function text(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown): void =>
  text(res, status, JSON.stringify(body), 'application/json');

async function runChecks(checks: Check[]): Promise<{ ok: boolean; report: string }> {
  const lines: string[] = [];
  let ok = true;
  for (const c of checks) {
    let passed: boolean;
    try {
      passed = await c.check();
    } catch {
      passed = false;
    }
    ok &&= passed;
    lines.push(`[${passed ? '+' : '-'}]${c.name} ${passed ? 'ok' : 'failed'}`);
  }
  lines.push(ok ? 'ok' : 'not ready');
  return { ok, report: `${lines.join('\n')}\n` };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export async function startAgentServer(options: AgentServerOptions): Promise<AgentServer> {
  const isLocal = options.isLocalAddress ?? isLoopback;

  /** True when the caller may use the trigger and the actions; otherwise answers and returns false. */
  const authorized = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (isLocal(req.socket.remoteAddress ?? '')) return true;
    const token = await options.reconcile?.token?.();
    if (!token) {
      json(res, 403, { error: 'the manual trigger is local-only (no trigger token is configured)' });
      return false;
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) {
      json(res, 401, { error: 'send Authorization: Bearer <trigger token>' });
      return false;
    }
    if (!timingSafeEqual(digest(auth.slice(7)), digest(token))) {
      json(res, 403, { error: 'the trigger token does not match' });
      return false;
    }
    return true;
  };

  const reconcile = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const r = options.reconcile;
    if (!r) return json(res, 404, { error: 'this agent has no manual trigger' });
    if (!(await authorized(req, res))) return;
    const run = r.trigger(url.searchParams.get('reason') ?? 'manual');
    if (url.searchParams.get('wait') !== 'true') {
      run.catch((err: unknown) => options.onError?.(err));
      return json(res, 202, { status: 'triggered' });
    }
    const result = await run;
    return json(res, result.ok ? 200 : 500, result);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://agent');
    const path = url.pathname;
    if (path === '/webhook' || path.startsWith('/webhook/')) {
      if (!options.webhook) return json(res, 404, { error: 'webhooks are not configured' });
      return options.webhook(req, res);
    }
    if (path === '/reconcile') {
      if (req.method !== 'POST') return json(res, 405, { error: 'POST /reconcile' });
      return reconcile(req, res, url);
    }
    const action = options.actions?.[path];
    if (action) {
      if (req.method !== 'POST') return json(res, 405, { error: `POST ${path}` });
      if (!(await authorized(req, res))) return;
      const { status, body } = await action(url);
      return json(res, status, body);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    switch (path) {
      case '/metrics': {
        const { contentType, text: body } = await options.metrics.scrape();
        return text(res, 200, body, contentType);
      }
      case '/healthz':
      case '/livez': {
        const { ok, report } = await runChecks(options.liveness ?? []);
        return text(res, ok ? 200 : 503, report);
      }
      case '/readyz': {
        const { ok, report } = await runChecks(options.readiness);
        return text(res, ok ? 200 : 503, report);
      }
      default: {
        const route = options.routes?.[path];
        if (route) return route(req, res);
        return json(res, 404, { error: `no ${path} here` });
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
