// Control endpoints of the simulated Compute API, mounted by the simulator's control server:
//   GET    /gcp/fault            → { faults: FaultSpec[] }
//   POST   /gcp/fault   {FaultSpec}   switch a fault on (replaces one of the same kind)
//   DELETE /gcp/fault[?kind=K]    clear one kind, or all faults
//   POST   /gcp/route   {RouteQuery}  → RouteAnswer | RouteError (always 200; `error` tells)
//   GET    /gcp/stats            → ComputeCounters;  DELETE /gcp/stats resets them
// Protocol documented in docs/gcp-simulator.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import type { ComputeSim } from './server.js';

const times = z.number().int().min(1).optional();
export const faultSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('rateLimit'),
    times,
    on: z.enum(['reads', 'mutations', 'all']).optional(),
  }),
  z.strictObject({
    kind: z.literal('serverError'),
    times,
    status: z.number().int().min(500).max(599).optional(),
  }),
  z.strictObject({
    kind: z.literal('operationFails'),
    times,
    code: z.string().optional(),
    message: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('operationStuck'), times }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000) }),
]);

export const routeQuerySchema = z.strictObject({
  from: z.string().min(1),
  ip: z.string().min(1),
  host: z.string().optional(),
  path: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

/**
 * A request handler for the control server. Returns false when the path is not under /gcp/ so the
 * caller can try its own routes; otherwise answers the request and returns true.
 */
export function gcpControlHandler(getSim: () => ComputeSim | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/gcp/')) return false;
    const sim = getSim();
    if (!sim)
      return reply(res, 409, {
        error: 'no simulated Google Cloud in this world (the world file has no gcp part)',
      });
    const key = `${req.method ?? 'GET'} ${url.pathname}`;
    try {
      switch (key) {
        case 'GET /gcp/fault':
          return reply(res, 200, { faults: sim.faults() });
        case 'POST /gcp/fault': {
          const parsed = faultSpecSchema.safeParse(await readJson(req));
          if (!parsed.success)
            return reply(res, 400, {
              error: `invalid fault: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
            });
          sim.setFault(parsed.data);
          return reply(res, 200, { faults: sim.faults() });
        }
        case 'DELETE /gcp/fault': {
          const kind = url.searchParams.get('kind');
          if (kind && !(FAULT_KINDS as readonly string[]).includes(kind))
            return reply(res, 400, { error: `unknown fault kind ${kind}` });
          sim.clearFaults((kind ?? undefined) as FaultKind | undefined);
          return reply(res, 200, { faults: sim.faults() });
        }
        case 'POST /gcp/route': {
          const parsed = routeQuerySchema.safeParse(await readJson(req));
          if (!parsed.success)
            return reply(res, 400, {
              error: `invalid route query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
            });
          return reply(res, 200, sim.route(parsed.data));
        }
        case 'GET /gcp/stats':
          return reply(res, 200, sim.counters());
        case 'DELETE /gcp/stats':
          sim.resetCounters();
          return reply(res, 200, sim.counters());
        default:
          return reply(res, 404, { error: `no control endpoint ${key}` });
      }
    } catch (err) {
      return reply(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  };
}
