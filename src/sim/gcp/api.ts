// Request dispatch for /compute/v1/projects/{project}/…: collections (list, get, insert, update,
// patch, delete), aggregated lists, custom methods, and global/zonal operations (get, wait, list).
import { bodyObject, json, mutate, type ApiRequest, type ApiResponse, type Sim } from './api-types.js';
import { COLLECTIONS, isCollection, type CollectionName } from './collections.js';
import { derivedInstances, derivedNetworks, link, lookup, scopeLink, worldZones } from './context.js';
import { badRequest, methodNotAllowed, notFound } from './errors.js';
import { applyFilter, page } from './filter.js';
import { READ_METHODS, customMethod } from './methods.js';
import { regionOfZone, resourcePath, zoneScope, type ScopeKey } from './names.js';
import { prepareInsert, prepareUpdate, renderResource, type WritableCollection } from './prepare.js';
import { assertNotInUse } from './references.js';
import type { Resource } from './store.js';

/** What a request is, for routing, counting and quota classification. */
export type Classified =
  | { type: 'collection'; collection: CollectionName; scope: ScopeKey; name?: string; method?: string }
  | { type: 'aggregated'; collection: CollectionName }
  | { type: 'operation'; scope: ScopeKey; name?: string; wait: boolean }
  | { type: 'location'; what: 'project' | 'zones' | 'regions'; name?: string };

export function classify(segments: string[]): Classified | undefined {
  const [a, b, c] = segments;
  if (segments.length === 0) return { type: 'location', what: 'project' };
  if (a === 'aggregated' && b && isCollection(b) && segments.length === 2)
    return { type: 'aggregated', collection: b };
  if ((a === 'zones' || a === 'regions') && segments.length <= 2)
    return { type: 'location', what: a, ...(b ? { name: b } : {}) };
  const scoped =
    a === 'global'
      ? { scope: 'global', rest: segments.slice(1) }
      : a === 'zones' && b
        ? { scope: zoneScope(b), rest: segments.slice(2) }
        : undefined;
  if (!scoped) {
    // setUrlMap and setSslCertificates of target proxies live outside /global/ in the v1 API.
    if (a && isCollection(a) && b && c && segments.length === 3)
      return { type: 'collection', collection: a, scope: 'global', name: b, method: c };
    return undefined;
  }
  const [coll, name, method, extra] = scoped.rest;
  if (coll === 'operations') {
    if (extra !== undefined || (method !== undefined && method !== 'wait')) return undefined;
    return { type: 'operation', scope: scoped.scope, ...(name ? { name } : {}), wait: method === 'wait' };
  }
  if (!coll || !isCollection(coll) || extra !== undefined) return undefined;
  if ((COLLECTIONS[coll].scope === 'zonal') !== scoped.scope.startsWith('zones/')) return undefined;
  return {
    type: 'collection',
    collection: coll,
    scope: scoped.scope,
    ...(name ? { name } : {}),
    ...(method ? { method } : {}),
  };
}

/** The counter key and quota class of a classified request. */
export function describe(
  c: Classified,
  httpMethod: string,
): { collection: string; method: string; isRead: boolean } {
  switch (c.type) {
    case 'aggregated':
      return { collection: c.collection, method: 'aggregatedList', isRead: true };
    case 'location':
      return { collection: c.what, method: c.name || c.what === 'project' ? 'get' : 'list', isRead: true };
    case 'operation':
      return {
        collection: c.scope === 'global' ? 'globalOperations' : 'zoneOperations',
        method: c.wait ? 'wait' : c.name ? 'get' : 'list',
        isRead: true,
      };
    case 'collection': {
      if (c.method) return { collection: c.collection, method: c.method, isRead: READ_METHODS.has(c.method) };
      const verb: Record<string, string> = {
        GET: c.name ? 'get' : 'list',
        POST: 'insert',
        PUT: 'update',
        PATCH: 'patch',
        DELETE: 'delete',
      };
      const method = verb[httpMethod] ?? httpMethod.toLowerCase();
      return { collection: c.collection, method, isRead: method === 'get' || method === 'list' };
    }
  }
}

function readScope(sim: Sim, collection: CollectionName, scope: ScopeKey): Resource[] {
  if (collection === 'instances')
    return derivedInstances(sim.ctx)
      .filter((i) => i.resource.zone === scopeLink(sim.ctx, scope))
      .map((i) => i.resource);
  if (collection === 'networks') return scope === 'global' ? derivedNetworks(sim.ctx) : [];
  return sim.ctx.store.list(collection, scope).map((r) => renderResource(sim.ctx, collection, scope, r));
}

function listResponse(
  sim: Sim,
  collection: CollectionName,
  scope: ScopeKey,
  q: URLSearchParams,
): ApiResponse {
  const items = applyFilter(readScope(sim, collection, scope), q.get('filter'));
  const p = page(items, q.get('maxResults'), q.get('pageToken'));
  return json({
    kind: `compute#${COLLECTIONS[collection].kind}List`,
    id: `projects/${sim.ctx.project}/${scope}/${collection}`,
    ...(p.items.length ? { items: p.items } : {}),
    ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
    selfLink: `${scopeLink(sim.ctx, scope)}/${collection}`,
  });
}

function aggregated(sim: Sim, collection: CollectionName, q: URLSearchParams): ApiResponse {
  const scopes =
    COLLECTIONS[collection].scope === 'global'
      ? ['global']
      : [...new Set([...worldZones(sim.ctx).map(zoneScope), ...sim.ctx.store.scopes(collection)])].sort();
  const items: Record<string, unknown> = {};
  for (const scope of scopes) {
    const found = applyFilter(readScope(sim, collection, scope), q.get('filter'));
    items[scope] = found.length
      ? { [collection]: found }
      : {
          warning: {
            code: 'NO_RESULTS_ON_PAGE',
            message: `There are no results for scope '${scope}' on this page.`,
            data: [{ key: 'scope', value: scope }],
          },
        };
  }
  return json({
    kind: `compute#${COLLECTIONS[collection].kind}AggregatedList`,
    id: `projects/${sim.ctx.project}/aggregated/${collection}`,
    items,
    selfLink: `${sim.ctx.baseUrl}projects/${sim.ctx.project}/aggregated/${collection}`,
  });
}

async function operation(
  sim: Sim,
  c: Extract<Classified, { type: 'operation' }>,
  req: ApiRequest,
): Promise<ApiResponse> {
  if (!c.name)
    return json({
      kind: 'compute#operationList',
      id: `projects/${sim.ctx.project}/${c.scope}/operations`,
      items: sim.ops.list(c.scope),
    });
  if (c.wait !== (req.method === 'POST') || (!c.wait && req.method !== 'GET'))
    throw methodNotAllowed(`${req.method} on operations`);
  const op = c.wait ? await sim.ops.wait(c.scope, c.name) : sim.ops.get(c.scope, c.name);
  if (!op) throw notFound(resourcePath(sim.ctx.project, c.scope, 'operations', c.name));
  return json(op);
}

function location(sim: Sim, c: Extract<Classified, { type: 'location' }>): ApiResponse {
  const { ctx } = sim;
  const zones = worldZones(ctx).map((z) => ({
    kind: 'compute#zone',
    name: z,
    status: 'UP',
    region: `${ctx.baseUrl}projects/${ctx.project}/regions/${regionOfZone(z)}`,
    selfLink: `${ctx.baseUrl}projects/${ctx.project}/zones/${z}`,
  }));
  const regions = [...new Set(zones.map((z) => regionOfZone(z.name)))].map((r) => ({
    kind: 'compute#region',
    name: r,
    status: 'UP',
    zones: zones.filter((z) => regionOfZone(z.name) === r).map((z) => z.selfLink),
    selfLink: `${ctx.baseUrl}projects/${ctx.project}/regions/${r}`,
  }));
  if (c.what === 'project')
    return json({
      kind: 'compute#project',
      name: ctx.project,
      id: '1234567890',
      selfLink: `${ctx.baseUrl}projects/${ctx.project}`,
      quotas: [],
    });
  const all = c.what === 'zones' ? zones : regions;
  if (!c.name) return json({ kind: `compute#${c.what === 'zones' ? 'zone' : 'region'}List`, items: all });
  const one = all.find((x) => x.name === c.name);
  if (!one) throw notFound(`projects/${ctx.project}/${c.what}/${c.name}`);
  return json(one);
}

export async function handleApi(sim: Sim, c: Classified, req: ApiRequest): Promise<ApiResponse> {
  const { ctx } = sim;
  if (c.type === 'aggregated') return aggregated(sim, c.collection, req.query);
  if (c.type === 'operation') return operation(sim, c, req);
  if (c.type === 'location') return location(sim, c);
  const { collection, scope, name } = c;
  if (c.method) {
    if (req.method !== 'POST' || !name) throw methodNotAllowed(`${req.method} ${c.method}`);
    return customMethod(sim, { collection, scope, name, method: c.method, body: req.body, query: req.query });
  }
  if (!name) {
    if (req.method === 'GET') return listResponse(sim, collection, scope, req.query);
    if (req.method !== 'POST') throw methodNotAllowed(`${req.method} on a collection`);
    if (COLLECTIONS[collection].readOnly)
      throw badRequest(
        'unsupportedOperation',
        `${collection} are derived from the simulated clusters and are read-only.`,
      );
    const r = prepareInsert(ctx, collection as WritableCollection, scope, bodyObject(req.body));
    return mutate(
      sim,
      { scope, operationType: 'insert', targetLink: String(r.selfLink), targetId: r.id },
      () => ctx.store.put(collection, scope, r),
    );
  }
  const path = resourcePath(ctx.project, scope, collection, name);
  const existing = lookup(ctx)(collection, scope, name);
  if (req.method === 'GET') {
    if (!existing) throw notFound(path);
    return json(renderResource(ctx, collection, scope, existing));
  }
  if (COLLECTIONS[collection].readOnly)
    throw badRequest(
      'unsupportedOperation',
      `${collection} are derived from the simulated clusters and are read-only.`,
    );
  if (!existing) throw notFound(path);
  const writable = collection as WritableCollection;
  const selfLink = link(ctx, scope, collection, name);
  if (req.method === 'DELETE') {
    assertNotInUse(ctx, { collection, scope, name, selfLink, resource: existing });
    return mutate(
      sim,
      { scope, operationType: 'delete', targetLink: selfLink, targetId: existing.id },
      () => {
        ctx.store.delete(collection, scope, name);
        ctx.members.delete(selfLink);
      },
    );
  }
  const mode = req.method === 'PUT' ? 'put' : req.method === 'PATCH' ? 'patch' : undefined;
  if (!mode || !COLLECTIONS[collection][mode]) throw methodNotAllowed(`${req.method} on ${collection}`);
  const updated = prepareUpdate(ctx, writable, scope, existing, bodyObject(req.body), mode);
  return mutate(
    sim,
    {
      scope,
      operationType: mode === 'put' ? 'update' : 'patch',
      targetLink: selfLink,
      targetId: existing.id,
    },
    () => ctx.store.put(collection, scope, updated),
  );
}
