// The control API of a running simulated world: faults and request counters over local HTTP, so
// `fedsync sim ctl` and `fedsync sim stats` can drive a world started by another process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFaultCommand } from './kube/faults.js';
import type { SimCluster } from './kube/cluster.js';

export type ControlServer = { url: string; port: number; stop(): Promise<void> };

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

export function clusterState(c: SimCluster): Record<string, unknown> {
  return { name: c.name, url: c.url, faults: c.faults(), capacity: c.capacity() };
}

/** Answers a control request it knows (returns true) or declines it (returns false). */
export type ControlHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export async function startControlServer(opts: {
  clusters: readonly SimCluster[];
  port: number;
  /** Tried first, e.g. the simulated Google Cloud's `/gcp/*` endpoints. */
  extraHandlers?: readonly ControlHandler[];
}): Promise<ControlServer> {
  const byName = new Map(opts.clusters.map((c) => [c.name, c]));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const extra of opts.extraHandlers ?? []) if (await extra(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://control');
    const segs = url.pathname.split('/').filter((s) => s);
    if (req.method === 'GET' && url.pathname === '/stats') {
      return send(res, 200, {
        clusters: Object.fromEntries(opts.clusters.map((c) => [c.name, c.counters.snapshot()])),
      });
    }
    if (req.method === 'POST' && url.pathname === '/stats/reset') {
      for (const c of opts.clusters) c.counters.reset();
      return send(res, 200, { reset: true });
    }
    if (req.method === 'GET' && url.pathname === '/clusters') {
      return send(res, 200, { clusters: opts.clusters.map(clusterState) });
    }
    if (req.method === 'POST' && segs[0] === 'clusters' && segs[2] === 'fault' && segs.length === 3) {
      const cluster = byName.get(segs[1] ?? '');
      if (!cluster) {
        return send(res, 404, {
          error: `no cluster ${segs[1] ?? ''}; known: ${[...byName.keys()].join(', ')}`,
        });
      }
      const body = (await readJson(req)) as { args?: unknown };
      const args = Array.isArray(body.args) ? body.args.map(String) : [];
      let cmd;
      try {
        cmd = parseFaultCommand(args);
      } catch (err) {
        return send(res, 400, { error: err instanceof Error ? err.message : String(err) });
      }
      await cluster.setFault(cmd);
      return send(res, 200, clusterState(cluster));
    }
    return send(res, 404, { error: `no route ${req.method ?? ''} ${url.pathname}` });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      send(res, 500, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
