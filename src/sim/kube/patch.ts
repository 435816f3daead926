// Patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch.
import { badRequest, StatusError } from './status.js';
import { clone, deepEqual, isObject, mergeKeyOf, type Json, type JsonObject } from './json.js';

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

type Op = { op: string; path: string; from?: string; value?: Json };

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], path: string): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (next === undefined) throw new StatusError('Invalid', `jsonpatch: path ${path} does not exist`);
    cur = next;
  }
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (next === undefined) throw new StatusError('Invalid', `jsonpatch: path ${path} does not exist`);
    cur = next;
  }
  return cur;
}

function removeAt(doc: Json, path: string): Json {
  const { parent, key } = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw new StatusError('Invalid', `jsonpatch: path ${path} does not exist`);
    return parent.splice(i, 1)[0] ?? null;
  }
  if (isObject(parent) && key in parent) {
    const v = parent[key] ?? null;
    delete parent[key];
    return v;
  }
  throw new StatusError('Invalid', `jsonpatch remove operation does not apply: doc is missing path: ${path}`);
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length))
      throw new StatusError('Invalid', `jsonpatch: index out of range: ${path}`);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isObject(parent)) {
    if (replace && !(key in parent)) {
      throw new StatusError(
        'Invalid',
        `jsonpatch replace operation does not apply: doc is missing key: ${path}`,
      );
    }
    parent[key] = value;
  } else {
    throw new StatusError('Invalid', `jsonpatch: path ${path} does not exist`);
  }
  return doc;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch must be a list of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('invalid json patch operation');
    }
    const op = raw as unknown as Op;
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, clone(op.value ?? null), false);
        break;
      case 'replace':
        doc = op.path === '' ? clone(op.value ?? null) : addAt(doc, op.path, clone(op.value ?? null), true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        const v = removeAt(doc, op.from ?? '');
        doc = addAt(doc, op.path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, clone(getAt(doc, op.from ?? '')), false);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, op.path), op.value ?? null)) {
          throw new StatusError('Invalid', `testing value ${op.path} failed`);
        }
        break;
      default:
        throw badRequest(`unexpected json patch operation: ${op.op}`);
    }
  }
  return doc;
}

/**
 * Strategic merge patch as kubectl's client-side apply sends it: maps merge, `null` deletes, lists
 * with a merge key merge item by item (`$patch: delete` removes one), other lists are replaced, and
 * the `$setElementOrder/…`, `$retainKeys`, `$deleteFromPrimitiveList/…` directives are honoured.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? clone(target) : {};
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v))
        out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      const order = patch[`$setElementOrder/${k}`];
      out[k] = mergeList(k, Array.isArray(cur) ? cur : [], v, Array.isArray(order) ? order : undefined);
    } else if (isObject(v)) {
      const merged = strategicMergePatch(cur ?? null, v);
      if (merged === null) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(field: string, cur: Json[], patch: Json[], order: Json[] | undefined): Json[] {
  const key = mergeKeyOf(field, [...patch, ...cur]);
  if (!key || !patch.every(isObject)) return clone(patch);
  const out = clone(cur);
  for (const item of patch) {
    const idx = out.findIndex((x) => isObject(x) && deepEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx] ?? null, item);
    else out.push(strategicMergePatch(null, item));
  }
  if (!order) return out;
  const rank = (x: Json): number => {
    const i = order.findIndex((o) => isObject(o) && isObject(x) && deepEqual(o[key], x[key]));
    return i < 0 ? order.length : i;
  };
  return out
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i)
    .map((e) => e.x);
}
