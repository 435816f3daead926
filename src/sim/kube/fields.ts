// Field sets as server-side apply tracks them: the leaf paths of an object, serialised as FieldsV1.
// List items with a merge key are addressed as `k:{"name":"web"}` and carry a `.` marker of their own.
import { isObject, mergeKeyOf, type Json, type JsonObject } from './json.js';

export type FieldPath = string[];
/** Paths as JSON strings, so they can live in a Set. */
export type FieldSet = Set<string>;

/** Metadata the server owns; never part of anyone's field set. */
const serverMeta = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

export function fieldSetOf(obj: JsonObject, opts: { includeStatus: boolean }): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && !opts.includeStatus)) continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (!serverMeta.has(mk)) walk(mv, ['f:metadata', `f:${mk}`], mk, out);
      }
      continue;
    }
    walk(v, [`f:${k}`], k, out);
  }
  return out;
}

function walk(value: Json, path: FieldPath, field: string, out: FieldSet): void {
  if (value === null) return;
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.add(JSON.stringify(path));
    for (const k of keys) walk(value[k] ?? null, [...path, `f:${k}`], k, out);
    return;
  }
  if (Array.isArray(value)) {
    const key = mergeKeyOf(field, value);
    if (key && value.length > 0 && value.every((x) => isObject(x) && x[key] !== undefined)) {
      for (const item of value as JsonObject[]) {
        const itemPath = [...path, `k:${JSON.stringify({ [key]: item[key] })}`];
        out.add(JSON.stringify([...itemPath, '.']));
        for (const [k, v] of Object.entries(item)) walk(v, [...itemPath, `f:${k}`], k, out);
      }
      return;
    }
  }
  out.add(JSON.stringify(path));
}

export function isItemMarker(path: string): boolean {
  return path.endsWith(',"."]');
}

/** The value at a field path, or undefined when the object does not have it. */
export function valueAt(obj: Json, path: FieldPath): Json | undefined {
  let cur: Json | undefined = obj;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (seg === '.') return cur;
    if (seg.startsWith('f:')) {
      cur = isObject(cur) ? cur[seg.slice(2)] : undefined;
    } else if (seg.startsWith('k:')) {
      const key = JSON.parse(seg.slice(2)) as JsonObject;
      cur = Array.isArray(cur)
        ? cur.find(
            (x) =>
              isObject(x) &&
              Object.entries(key).every(([k, v]) => JSON.stringify(x[k]) === JSON.stringify(v)),
          )
        : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Removes the field (or list item, for a `.` marker) at path; prunes maps the removal left empty. */
export function removeAt(obj: JsonObject, path: FieldPath): void {
  const segs = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  const chain: Json[] = [obj];
  for (const seg of segs.slice(0, -1)) {
    const next = valueAt(chain[chain.length - 1] ?? null, [seg]);
    if (next === undefined || next === null) return;
    chain.push(next);
  }
  const last = segs[segs.length - 1];
  const parent = chain[chain.length - 1];
  if (last === undefined || parent === undefined) return;
  if (last.startsWith('f:') && isObject(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = valueAt(parent, [last]);
    const idx = parent.indexOf(item as Json);
    if (idx >= 0) parent.splice(idx, 1);
  }
  // Prune maps that became empty, but never the object's top-level fields.
  for (let i = chain.length - 1; i >= 2; i--) {
    const node = chain[i];
    const seg = segs[i - 1];
    const up = chain[i - 1];
    if (!isObject(node) || Object.keys(node).length > 0 || seg === undefined) break;
    if (seg.startsWith('f:') && isObject(up)) delete up[seg.slice(2)];
    else break;
  }
}

export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const p of [...set].sort()) {
    let node = root;
    for (const seg of JSON.parse(p) as string[]) {
      const next = node[seg];
      if (isObject(next)) node = next;
      else {
        const child: JsonObject = {};
        node[seg] = child;
        node = child;
      }
    }
  }
  return root;
}

export function fromFieldsV1(tree: Json | undefined): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: JsonObject, path: FieldPath): void => {
    for (const [k, v] of Object.entries(node)) {
      const p = [...path, k];
      if (isObject(v) && Object.keys(v).length > 0) visit(v, p);
      else out.add(JSON.stringify(p));
    }
  };
  if (isObject(tree)) visit(tree, []);
  return out;
}

/** `.spec.replicas`, `.spec.containers[name="web"].image`: how conflicts name fields. */
export function describePath(path: string): string {
  return (JSON.parse(path) as string[])
    .filter((s) => s !== '.')
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      const key = JSON.parse(s.slice(2)) as JsonObject;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
