// List with label/field selectors and limit/continue paging.
import { badRequest } from './status.js';
import { isObject, text, type JsonObject } from './json.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import type { ListQuery } from './api.js';

const keyOf = (o: JsonObject): string => {
  const m = isObject(o.metadata) ? o.metadata : {};
  return `${text(m.namespace)}/${text(m.name)}`;
};

/**
 * Continue tokens carry the first page's resourceVersion and the last key served; later pages
 * read the current state after that key (a real server reads a snapshot).
 */
export function listObjects(
  store: Store,
  t: ResourceType,
  namespace: string | undefined,
  q: ListQuery,
): JsonObject {
  const byLabel = parseLabelSelector(q.labelSelector ?? null);
  const byField = parseFieldSelector(q.fieldSelector ?? null, t.kind);
  let rv = String(store.currentRV());
  let after = '';
  if (q.continue) {
    try {
      const token = JSON.parse(Buffer.from(q.continue, 'base64url').toString('utf8')) as {
        rv: string;
        after: string;
      };
      rv = token.rv;
      after = token.after;
    } catch {
      throw badRequest('continue key is not valid');
    }
  }
  const all = store
    .list(t, t.namespaced ? namespace : undefined)
    .filter((o) => byLabel(o) && byField(o))
    .filter((o) => keyOf(o) > after);
  const limit = q.limit && q.limit > 0 ? q.limit : all.length;
  const items = all.slice(0, limit);
  const listMeta: JsonObject = { resourceVersion: rv };
  const last = items[items.length - 1];
  if (all.length > items.length && last) {
    listMeta.continue = Buffer.from(JSON.stringify({ rv, after: keyOf(last) })).toString('base64url');
    listMeta.remainingItemCount = all.length - items.length;
  }
  return { apiVersion: apiVersionOf(t), kind: `${t.kind}List`, metadata: listMeta, items };
}
