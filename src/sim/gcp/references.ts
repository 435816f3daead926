// Reference checks: a resource may only point at resources that exist, and may not be deleted while
// another resource points at it (400 resourceInUseByAnotherResource).
import { COLLECTIONS, COLLECTION_NAMES, isCollection, type CollectionName } from './collections.js';
import { link, lookup, refOf, type SimContext } from './context.js';
import { invalid, notFound, resourceInUse } from './errors.js';
import { resourcePath, type ScopeKey } from './names.js';
import type { Resource } from './store.js';

export type Resolved = {
  collection: CollectionName;
  scope: ScopeKey;
  name: string;
  selfLink: string;
  resource: Resource;
};

/**
 * Resolves a reference in any accepted form to an existing resource of one of the expected
 * collections, and returns its canonical selfLink. Throws 400 for a malformed or wrongly typed
 * reference and 404 for a missing target, like the real API.
 */
export function resolveRef(
  ctx: SimContext,
  value: unknown,
  field: string,
  expected: readonly CollectionName[],
  defaultScope: ScopeKey = 'global',
): Resolved {
  if (typeof value !== 'string' || value === '') throw invalid(field, 'a resource reference is required.');
  let ref = refOf(ctx, value);
  if (!ref && /^[a-z][-a-z0-9]*$/.test(value) && expected.length === 1) {
    ref = { project: ctx.project, scope: defaultScope, collection: expected[0]!, name: value };
  }
  if (!ref) throw invalid(field, `'${value}' is not a valid resource reference.`);
  const collection = ref.collection;
  if (!isCollection(collection) || !expected.includes(collection)) {
    throw invalid(field, `'${value}' must refer to one of: ${expected.join(', ')}.`);
  }
  const path = resourcePath(ref.project ?? ctx.project, ref.scope, collection, ref.name);
  if (ref.project !== ctx.project) throw notFound(path);
  const resource = lookup(ctx)(collection, ref.scope, ref.name);
  if (!resource) throw notFound(path);
  return {
    collection,
    scope: ref.scope,
    name: ref.name,
    selfLink: link(ctx, ref.scope, collection, ref.name),
    resource,
  };
}

const notReferences = new Set(['selfLink', 'zone', 'region', 'kind']);

/** Every resource link a resource holds (its own selfLink and scope links excluded). */
export function outgoingLinks(ctx: SimContext, resource: unknown, key = ''): string[] {
  if (typeof resource === 'string') {
    return resource.startsWith(`${ctx.baseUrl}projects/`) && !notReferences.has(key) ? [resource] : [];
  }
  if (Array.isArray(resource)) return resource.flatMap((v) => outgoingLinks(ctx, v, key));
  if (resource && typeof resource === 'object') {
    return Object.entries(resource).flatMap(([k, v]) => outgoingLinks(ctx, v, k));
  }
  return [];
}

/** The stored resources that refer to `target` (by selfLink; addresses also by IP). */
export function referrers(ctx: SimContext, target: Resolved): string[] {
  const users: string[] = [];
  for (const collection of COLLECTION_NAMES) {
    if (COLLECTIONS[collection].readOnly) continue;
    for (const scope of ctx.store.scopes(collection)) {
      for (const r of ctx.store.list(collection, scope)) {
        const byLink = outgoingLinks(ctx, r).includes(target.selfLink);
        const byIp =
          target.collection === 'addresses' &&
          collection === 'forwardingRules' &&
          r.IPAddress === target.resource.address;
        if (byLink || byIp) users.push(link(ctx, scope, collection, r.name));
      }
    }
  }
  return users;
}

export function assertNotInUse(ctx: SimContext, target: Resolved): void {
  const users = referrers(ctx, target);
  if (users[0]) {
    const userRef = refOf(ctx, users[0])!;
    const kind = COLLECTIONS[target.collection].kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    throw resourceInUse(
      kind,
      resourcePath(ctx.project, target.scope, target.collection, target.name),
      resourcePath(ctx.project, userRef.scope, userRef.collection, userRef.name),
    );
  }
}
