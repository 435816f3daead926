// The HTTP face of one simulated cluster: bearer-token auth, faults, discovery, OpenAPI, and the
// resource verbs (including watch) on top of KubeApi. Every API request is counted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasScale, serveScale } from './scale.js';
import { decodeYamlBody } from './yaml-body.js';
import type { KubeApi, WriteOptions } from './api.js';
import { isWrite, type RequestCounters, type Verb } from './counters.js';
import {
  coreVersions,
  groupDoc,
  groupList,
  openApiDoc,
  openApiIndex,
  resourceList,
  versionDoc,
} from './discovery.js';
import { errorGate, type FaultState } from './faults.js';
import { isObject, text, type Json, type JsonObject } from './json.js';
import { tableOf, wantsTable } from './table.js';
import { parseApiPath, type ResourcePath } from './routes.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, notFound, qualifiedResource, statusBody, StatusError, undecodable } from './status.js';
import type { WatchRegistry } from './watch.js';

export type KubeHandlerDeps = {
  api: KubeApi;
  token: string;
  counters: RequestCounters;
  faults: () => FaultState;
  watches: WatchRegistry;
  bookmarkIntervalMs: number;
  /** host:port, for /api's serverAddressByClientCIDRs. */
  address: () => string;
  /** Requests parked while the cluster hangs; released (destroyed) when the fault clears. */
  onHang: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * API Priority and Fairness as a real API server (1.20+) announces it: the UIDs of the FlowSchema
   * and PriorityLevelConfiguration that classified the request, on every response after
   * authentication (a 401 has none). Absent: an API server without APF.
   */
  priorityAndFairness?: { flowSchemaUid: string; priorityLevelUid: string };
};

function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendStatus(res: ServerResponse, err: StatusError, headers: Record<string, string> = {}): void {
  sendJson(res, err.code, statusBody(err), headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw undecodable("couldn't get version/kind", 'json', err);
  }
}

function parseBody(contentType: string, text: string): unknown {
  if (!contentType.includes('yaml')) return parseJson(text);
  try {
    return decodeYamlBody(text);
  } catch (err) {
    throw undecodable('error decoding YAML', 'yaml', err);
  }
}

function verbOf(method: string, p: ResourcePath, watch: boolean): Verb {
  switch (method) {
    case 'GET':
      return p.name === undefined ? (watch ? 'watch' : 'list') : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return p.name === undefined ? 'deletecollection' : 'delete';
    default:
      throw new StatusError(
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function kubeRequestHandler(
  deps: KubeHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const gate = errorGate();
  const { api, counters } = deps;

  const nonResource = (pathname: string): JsonObject | undefined => {
    const reg = api.registry;
    if (pathname === '/version') return versionDoc();
    if (pathname === '/api') return coreVersions(deps.address());
    if (pathname === '/apis') return groupList(reg);
    if (pathname === '/openapi/v3') return openApiIndex(reg);
    const segs = pathname.split('/').filter((s) => s);
    if (segs[0] === 'api' && segs.length === 2) return resourceList(reg, '', segs[1] ?? '');
    if (segs[0] === 'apis' && segs.length === 2) return groupDoc(reg, segs[1] ?? '');
    if (segs[0] === 'apis' && segs.length === 3) return resourceList(reg, segs[1] ?? '', segs[2] ?? '');
    if (segs[0] === 'openapi' && segs[1] === 'v3') {
      if (segs[2] === 'api' && segs.length === 4) return openApiDoc(reg, '', segs[3] ?? '');
      if (segs[2] === 'apis' && segs.length === 5) return openApiDoc(reg, segs[3] ?? '', segs[4] ?? '');
    }
    return undefined;
  };

  const handleResource = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    p: ResourcePath,
  ): Promise<void> => {
    const q = url.searchParams;
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const method = req.method ?? 'GET';
    const verb = verbOf(method, p, watch);
    const dryRunParam = q.get('dryRun');
    if (dryRunParam !== null && dryRunParam !== 'All' && dryRunParam !== '') {
      throw badRequest(`Invalid dry run value: ${dryRunParam}`);
    }
    let dryRun = dryRunParam === 'All';
    const sub = p.subresource;
    const resourceName = `${qualifiedResource(p.t.group, p.t.plural)}${sub ? `/${sub}` : ''}`;
    const contentType = req.headers['content-type'] ?? '';
    if ((method === 'POST' || method === 'PUT') && contentType.includes('protobuf')) {
      // Real servers speak protobuf too; clients fall back to JSON on 415.
      await readBody(req);
      throw new StatusError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      );
    }
    const bodyText = method === 'GET' ? '' : await readBody(req);
    let deleteOpts: JsonObject = {};
    if (verb === 'delete' || verb === 'deletecollection') {
      const parsed = parseJson(bodyText);
      deleteOpts = isObject(parsed) ? parsed : {};
      if (Array.isArray(deleteOpts.dryRun) && deleteOpts.dryRun.includes('All')) dryRun = true;
    }
    const client = req.headers['user-agent'];
    counters.record(verb, resourceName, { dryRun, ...(client ? { client } : {}) });
    if (sub === 'scale' && hasScale(p.t) && p.name && ['get', 'update', 'patch'].includes(verb)) {
      const fieldManager =
        q.get('fieldManager') ?? ((req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown');
      const before = api.store.currentRV();
      const out = serveScale({
        api,
        t: p.t,
        namespace: p.namespace ?? '',
        name: p.name,
        ...(verb === 'get' ? {} : { write: { method, type: contentType, body: bodyText } }),
        opts: { dryRun, fieldManager },
      });
      if (api.store.currentRV() !== before) counters.recordChange(client);
      sendJson(res, 200, out);
      return;
    }
    if (sub !== undefined && !(sub === 'status' && p.t.hasStatus)) {
      throw notFound(p.t.group, `${p.t.plural}/${sub}`, p.name ?? '');
    }
    const rvBefore = api.store.currentRV();
    const ns = p.namespace ?? '';
    const opts: WriteOptions = {
      dryRun,
      fieldManager: q.get('fieldManager') ?? undefined,
      subresource: sub === 'status' ? 'status' : undefined,
    };
    if (!opts.fieldManager && verb !== 'patch') {
      opts.fieldManager = (req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown';
    }
    const table = wantsTable(req.headers.accept);
    const done = (code: number, body: unknown): void => {
      if (isWrite(verb) && api.store.currentRV() !== rvBefore) counters.recordChange(client);
      sendJson(res, code, body);
    };
    const asTable = (obj: JsonObject): JsonObject => {
      const isList = Array.isArray(obj.items);
      const meta = isObject(obj.metadata) ? obj.metadata : {};
      return tableOf(p.t, isList ? (obj.items as Json[]).filter(isObject) : [obj], {
        resourceVersion: isList ? text(meta.resourceVersion) : undefined,
        continueToken: isList ? text(meta.continue) : undefined,
        withColumns: true,
        now: Date.now(),
      });
    };
    const t = p.t;
    switch (verb) {
      case 'get': {
        const obj = api.get(t, ns, p.name ?? '');
        return done(200, table ? asTable(obj) : obj);
      }
      case 'list': {
        const listed = api.list(t, p.namespace, {
          labelSelector: q.get('labelSelector'),
          fieldSelector: q.get('fieldSelector'),
          limit: q.get('limit') ? Number(q.get('limit')) : undefined,
          continue: q.get('continue'),
        });
        return done(200, table ? asTable(listed) : listed);
      }
      case 'watch': {
        const byLabel = parseLabelSelector(q.get('labelSelector'));
        const byField = parseFieldSelector(q.get('fieldSelector'), t.kind);
        deps.watches.serve(
          api.store,
          {
            t,
            namespace: p.namespace,
            resourceVersion: q.get('resourceVersion'),
            allowBookmarks: q.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
            matches: (o) => byLabel(o) && byField(o),
            bookmarkIntervalMs: deps.bookmarkIntervalMs,
            render: table
              ? (o, first) => tableOf(t, [o], { withColumns: first, now: Date.now() })
              : undefined,
          },
          res,
        );
        return;
      }
      case 'create': {
        if (p.name !== undefined)
          throw new StatusError(
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return done(201, api.create(t, ns, parseBody(contentType, bodyText), opts));
      }
      case 'update':
        return done(200, api.update(t, ns, p.name ?? '', parseBody(contentType, bodyText), opts));
      case 'patch': {
        if (
          !opts.fieldManager &&
          !(req.headers['content-type'] ?? '').startsWith('application/apply-patch')
        ) {
          opts.fieldManager = (req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown';
        }
        const existed = api.store.get(t, t.namespaced ? ns : '', p.name ?? '') !== undefined;
        const out = api.patch(
          t,
          ns,
          p.name ?? '',
          { type: req.headers['content-type'] ?? '', body: bodyText },
          { ...opts, force: q.get('force') === 'true' },
        );
        return done(existed ? 200 : 201, out);
      }
      case 'delete': {
        const pre = isObject(deleteOpts.preconditions) ? deleteOpts.preconditions : {};
        const policy = q.get('propagationPolicy') ?? deleteOpts.propagationPolicy;
        const out = api.remove(t, ns, p.name ?? '', {
          dryRun,
          propagationPolicy: typeof policy === 'string' ? policy : undefined,
          preconditions: {
            uid: typeof pre.uid === 'string' ? pre.uid : undefined,
            resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
          },
        });
        const meta = isObject(out.metadata) ? out.metadata : {};
        const stillThere = !dryRun && api.store.get(t, t.namespaced ? ns : '', p.name ?? '') !== undefined;
        if (stillThere || dryRun) return done(200, out);
        return done(200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name: p.name, group: t.group, kind: t.plural, uid: meta.uid },
        });
      }
      case 'deletecollection': {
        const items = api.list(t, p.namespace, {
          labelSelector: q.get('labelSelector'),
          fieldSelector: q.get('fieldSelector'),
        }).items;
        for (const item of Array.isArray(items) ? items : []) {
          if (!isObject(item) || !isObject(item.metadata)) continue;
          api.remove(t, text(item.metadata.namespace), text(item.metadata.name), { dryRun });
        }
        return done(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const faults = deps.faults();
    if (faults.hang) return deps.onHang(req, res);
    const url = new URL(req.url ?? '/', 'http://sim');
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const pf = deps.priorityAndFairness;
    const announce = (): void => {
      if (!pf) return;
      res.setHeader('X-Kubernetes-PF-FlowSchema-UID', pf.flowSchemaUid);
      res.setHeader('X-Kubernetes-PF-PriorityLevel-UID', pf.priorityLevelUid);
    };
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
      announce(); // the "probes" FlowSchema classifies health checks too
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.headers.authorization !== `Bearer ${deps.token}`) {
      return sendStatus(res, new StatusError('Unauthorized', 'Unauthorized'));
    }
    announce();
    if (gate(faults.errorRate)) {
      const code = faults.errorCode;
      if (code === 429) {
        const err = new StatusError('TooManyRequests', 'Too many requests, please try again later.', {
          retryAfterSeconds: 1,
        });
        return sendStatus(res, err, { 'Retry-After': '1' });
      }
      const err =
        code === 503
          ? new StatusError('ServiceUnavailable', 'simulated fault: service unavailable')
          : new StatusError('InternalError', 'simulated fault: internal error');
      return sendStatus(res, err);
    }
    const parsed = parseApiPath(deps.api.registry, url.pathname);
    if (parsed.kind === 'resource') return handleResource(req, res, url, parsed.path);
    if (parsed.kind === 'unknown-resource') {
      counters.recordDiscovery(req.headers['user-agent']);
      return sendStatus(res, new StatusError('NotFound', 'the server could not find the requested resource'));
    }
    counters.recordDiscovery(req.headers['user-agent']);
    const doc = req.method === 'GET' ? nonResource(url.pathname) : undefined;
    if (!doc)
      return sendStatus(res, new StatusError('NotFound', 'the server could not find the requested resource'));
    return sendJson(res, 200, doc);
  };

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status =
        err instanceof StatusError
          ? err
          : new StatusError(
              'InternalError',
              // The name only: a bug's message may quote the request, and Secrets must not leak.
              `Internal error occurred: ${err instanceof Error ? err.name : 'unknown'}`,
            );
      if (res.headersSent) {
        res.end();
        return;
      }
      sendStatus(res, status);
    });
  };
}
