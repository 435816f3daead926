// `fedsync sim route` and `fedsync sim ctl gcp …`: talk to a running simulator's control endpoint
// (protocol in docs/gcp-simulator.md). The control address comes from `<out>/sim.json`, written by
// `fedsync sim up`, or from --control.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { FaultKind, FaultSpec } from '../../sim/gcp/faults.js';
import type { RouteAnswer, RouteError } from '../../sim/gcp/routing.js';
import { ExitCode } from '../exit-codes.js';

export const DEFAULT_SIM_OUT = '.fedsync/sim';

export type ControlEndpoint = { url: string; token?: string };

type SimJson = {
  control?: string | { url?: string; host?: string; port?: number; token?: string };
  controlUrl?: string;
  controlToken?: string;
};

/** Finds the control endpoint: --control wins, else `<out>/sim.json` (`control` URL or {url|host,port}). */
export async function findControlEndpoint(o: { out?: string; control?: string }): Promise<ControlEndpoint> {
  if (o.control) return { url: o.control.replace(/\/$/, '') };
  const file = join(o.out ?? DEFAULT_SIM_OUT, 'sim.json');
  let json: SimJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as SimJson;
  } catch {
    throw new Error(
      `no running simulator: cannot read ${file} (start one with \`fedsync sim up\`, or pass --control <url>)`,
    );
  }
  const c = json.control;
  const url =
    typeof c === 'string'
      ? c
      : (c?.url ?? (c?.port ? `http://${c.host ?? '127.0.0.1'}:${c.port}` : json.controlUrl));
  if (!url) throw new Error(`${file} has no control address`);
  const token = (typeof c === 'object' ? c.token : undefined) ?? json.controlToken;
  return { url: url.replace(/\/$/, ''), ...(token ? { token } : {}) };
}

export async function callControl(
  ep: ControlEndpoint,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${ep.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(ep.token ? { authorization: `Bearer ${ep.token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new Error(
      `cannot reach the simulator control endpoint ${ep.url}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(`simulator control ${method} ${path}: ${json.error ?? `HTTP ${res.status}`}`);
  return json;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

const faultNames: Record<string, FaultKind> = {
  'rate-limit': 'rateLimit',
  errors: 'serverError',
  'op-fail': 'operationFails',
  'op-stuck': 'operationStuck',
  latency: 'latency',
};

export type GcpCtlOptions = {
  times?: number;
  on?: 'reads' | 'mutations' | 'all';
  code?: string;
  message?: string;
};

/** `rate-limit`, `errors [STATUS]`, `op-fail`, `op-stuck`, `latency MS` → a FaultSpec. */
export function gcpFault(action: string, value: string | undefined, o: GcpCtlOptions): FaultSpec {
  const times = o.times !== undefined ? { times: o.times } : {};
  switch (faultNames[action]) {
    case 'rateLimit':
      return { kind: 'rateLimit', ...times, ...(o.on ? { on: o.on } : {}) };
    case 'serverError':
      return { kind: 'serverError', ...times, ...(value ? { status: positiveInt(value) } : {}) };
    case 'operationFails':
      return {
        kind: 'operationFails',
        ...times,
        ...(o.code ? { code: o.code } : {}),
        ...(o.message ? { message: o.message } : {}),
      };
    case 'operationStuck':
      return { kind: 'operationStuck', ...times };
    case 'latency':
      if (!value) throw new InvalidArgumentError('latency needs a value in milliseconds');
      return { kind: 'latency', ms: positiveInt(value) };
    case undefined:
      break;
  }
  throw new InvalidArgumentError(`unknown gcp fault ${action}`);
}

export function registerSimCtlGcp(ctl: Command): void {
  ctl
    .command('gcp')
    .description('switch faults of the simulated Compute API at run time')
    .argument(
      '<action>',
      'rate-limit | errors [STATUS] | op-fail | op-stuck | latency MS | clear [FAULT] | status | stats',
    )
    .argument('[value]', 'status code, milliseconds, or the fault to clear')
    .option('--times <n>', 'only the next N matching requests/operations', positiveInt)
    .addOption(
      new Option('--on <group>', 'quota group the rate limit hits').choices(['reads', 'mutations', 'all']),
    )
    .option('--code <code>', 'error code of failing operations')
    .option('--message <text>', 'error message of failing operations')
    .option('--out <dir>', 'simulator output directory', DEFAULT_SIM_OUT)
    .option('--control <url>', 'control endpoint (overrides <out>/sim.json)')
    .option('--json', 'print JSON')
    .action(async (action: string, value: string | undefined, _opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<GcpCtlOptions & { out?: string; control?: string; json?: boolean }>();
      const ep = await findControlEndpoint(o);
      let result: unknown;
      if (action === 'status') result = await callControl(ep, 'GET', '/gcp/fault');
      else if (action === 'stats') result = await callControl(ep, 'GET', '/gcp/stats');
      else if (action === 'clear') {
        const kind = value ? faultNames[value] : undefined;
        if (value && !kind) throw new InvalidArgumentError(`unknown gcp fault ${value}`);
        result = await callControl(ep, 'DELETE', `/gcp/fault${kind ? `?kind=${kind}` : ''}`);
      } else result = await callControl(ep, 'POST', '/gcp/fault', gcpFault(action, value, o));
      if (o.json || action === 'stats') console.log(JSON.stringify(result, null, o.json ? 0 : 2));
      else {
        const faults = (result as { faults: FaultSpec[] }).faults;
        console.log(
          faults.length
            ? `gcp faults: ${faults.map((f) => JSON.stringify(f)).join(', ')}`
            : 'gcp faults: none',
        );
      }
    });
}

export function formatRoute(r: RouteAnswer | RouteError, from: string): string {
  if ('error' in r) return `${r.error}: ${r.detail}`;
  return `${r.cluster}  zone ${r.zone}  backend service ${r.backendService}  instance group ${r.instanceGroup}${r.instance ? `  instance ${r.instance}` : ''}  (${r.distanceMs} ms from ${from})`;
}

export function registerSimRoute(sim: Command): void {
  sim
    .command('route')
    .description('which cluster would serve a request through the simulated load balancer')
    .requiredOption('--from <region>', 'region the client is in, e.g. europe-west1')
    .requiredOption('--ip <ip>', 'IP address of the forwarding rule')
    .option('--host <host>', 'Host header (defaults to the IP)')
    .option('--path <path>', 'request path', '/')
    .option(
      '--port <port>',
      'destination port (80 or 443); by default the HTTP rule is preferred',
      positiveInt,
    )
    .option('--out <dir>', 'simulator output directory', DEFAULT_SIM_OUT)
    .option('--control <url>', 'control endpoint (overrides <out>/sim.json)')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{
        from: string;
        ip: string;
        host?: string;
        path: string;
        port?: number;
        out?: string;
        control?: string;
        json?: boolean;
      }>();
      const ep = await findControlEndpoint(o);
      const query = {
        from: o.from,
        ip: o.ip,
        path: o.path,
        ...(o.host ? { host: o.host } : {}),
        ...(o.port ? { port: o.port } : {}),
      };
      const r = (await callControl(ep, 'POST', '/gcp/route', query)) as RouteAnswer | RouteError;
      console.log(o.json ? JSON.stringify(r) : formatRoute(r, o.from));
      if ('error' in r) process.exitCode = ExitCode.noRoute;
    });
}
