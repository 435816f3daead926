// Field-level comparison of a desired object with its live copy, over the fields fedsync owns:
// the desired object's own fields, plus (when the live object records fedsync's server-side-apply
// ownership) fields fedsync set before and Git no longer has. Everything else the server or other
// controllers add (status, defaults, allocations, metadata) is invisible, so an object fedsync
// just applied never differs.
import { ANNOTATION_SOURCE } from '../model/index.js';
import type { FieldChange, KubeObject } from '../model/index.js';
import { sourcePath } from '../federation/member-object.js';
import { fedsyncFieldSet } from './managed-fields.js';
import type { FieldSet } from './managed-fields.js';
import { fieldPath, itemPath } from './field-path.js';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KEY_CANDIDATES = ['name', 'mountPath', 'containerPort', 'port', 'ip', 'devicePath'];

/** The merge key of a list of objects, when every item has a distinct scalar value for it. */
export function listKeyOf(items: unknown[]): string[] | undefined {
  if (items.length === 0 || !items.every(isDict)) return undefined;
  for (const k of KEY_CANDIDATES) {
    const values = items.map((i) => i[k]);
    if (
      values.every((v) => typeof v === 'string' || typeof v === 'number') &&
      new Set(values).size === values.length
    ) {
      return [k];
    }
  }
  return undefined;
}

/** Values the API server drops or never stores (Go omitempty), equal to an absent field. */
function isEmptyValue(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === '' ||
    v === 0 ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (isDict(v) && Object.keys(v).length === 0)
  );
}

const QUANTITY = /^([+-]?\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Numeric value of a resource quantity (`500m`, `1Gi`, `2`), undefined when it is not one. */
export function quantityValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]]! : 1);
}

function sameScalar(d: unknown, l: unknown, path: string): boolean {
  if (d === l) return true;
  if (l === undefined && isEmptyValue(d)) return true;
  // The API server canonicalises quantities (0.5 → 500m, 1024Mi → 1Gi).
  if (/(^|\.)(limits|requests|capacity|hard)(\.|\[|$)/.test(path)) {
    const a = quantityValue(d);
    const b = quantityValue(l);
    if (a !== undefined && b !== undefined) return Math.abs(a - b) <= Math.abs(a) * 1e-9;
  }
  return false;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function matchItem(items: unknown[], key: Dict): Dict | undefined {
  return items.find((i): i is Dict => isDict(i) && Object.entries(key).every(([k, v]) => i[k] === v));
}

function walkDesired(d: unknown, l: unknown, path: string, out: FieldChange[]): void {
  if (isDict(d)) {
    if (!isDict(l)) {
      if (!(l === undefined && isEmptyValue(d))) out.push({ path, from: l, to: d });
      return;
    }
    for (const [k, dv] of Object.entries(d)) walkDesired(dv, l[k], fieldPath(path, k), out);
    return;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(l)) {
      if (!(l === undefined && d.length === 0)) out.push({ path, from: l, to: d });
      return;
    }
    const keys = listKeyOf(d);
    if (!keys) {
      // Atomic or positional list: same length, then item by item.
      if (d.length !== l.length) out.push({ path, from: l, to: d });
      else d.forEach((dv, i) => walkDesired(dv, l[i], itemPath(path, i), out));
      return;
    }
    for (const item of d as Dict[]) {
      const id = Object.fromEntries(keys.map((k) => [k, item[k]]));
      const live = matchItem(l, id);
      if (live === undefined) out.push({ path: itemPath(path, id), to: item });
      else walkDesired(item, live, itemPath(path, id), out);
    }
    return;
  }
  if (!sameScalar(d, l, path)) out.push({ path, from: l, to: d });
}

/** Fields fedsync owns on the live object that the desired object no longer has. */
function walkOwned(set: FieldSet, d: unknown, l: unknown, path: string, out: FieldChange[]): void {
  for (const [token, child] of Object.entries(set)) {
    if (token.startsWith('f:')) {
      const field = token.slice(2);
      if (!isDict(l) || !Object.hasOwn(l, field)) continue;
      const dv = isDict(d) ? d[field] : undefined;
      const p = fieldPath(path, field);
      if (dv === undefined) {
        if (!isEmptyValue(l[field])) out.push({ path: p, from: l[field] });
      } else if (Object.keys(child).some((k) => k !== '.')) {
        walkOwned(child, dv, l[field], p, out);
      }
    } else if (token.startsWith('k:') && Array.isArray(l)) {
      let id: Dict;
      try {
        id = JSON.parse(token.slice(2)) as Dict;
      } catch {
        continue;
      }
      const li = matchItem(l, id);
      if (li === undefined) continue;
      const di = Array.isArray(d) ? matchItem(d, id) : undefined;
      const p = itemPath(path, id);
      if (di === undefined) out.push({ path: p, from: li });
      else walkOwned(child, di, li, p, out);
    } else if (token.startsWith('v:') && Array.isArray(l)) {
      let value: unknown;
      try {
        value = JSON.parse(token.slice(2));
      } catch {
        continue;
      }
      const inLive = l.some((v) => deepEqual(v, value));
      const inDesired = Array.isArray(d) && d.some((v) => deepEqual(v, value));
      if (inLive && !inDesired) out.push({ path: `${path}[${JSON.stringify(value)}]`, from: value });
    }
  }
}

/**
 * Field changes an apply of `desired` would make to `live`. The source annotation is compared by
 * path only: a new commit alone is not a change (docs/planner.md, "the source annotation").
 */
export function diffObject(desired: KubeObject, live: KubeObject): FieldChange[] {
  const out: FieldChange[] = [];
  const annotations = desired.metadata.annotations;
  const liveSource = live.metadata.annotations?.[ANNOTATION_SOURCE];
  const desiredSource = annotations?.[ANNOTATION_SOURCE];
  let comparable = desired;
  if (desiredSource !== undefined && sourcePath(desiredSource) === sourcePath(liveSource)) {
    const { [ANNOTATION_SOURCE]: _ignored, ...rest } = annotations ?? {};
    comparable = { ...desired, metadata: { ...desired.metadata, annotations: rest } };
  }
  walkDesired(comparable, live, '', out);
  const owned = fedsyncFieldSet(live);
  if (owned) walkOwned(owned, desired, live, '', out);
  if (out.length > 0 && comparable !== desired && desiredSource !== liveSource) {
    // A real change travels with the new source annotation.
    out.push({
      path: fieldPath(fieldPath('metadata', 'annotations'), ANNOTATION_SOURCE),
      from: liveSource,
      to: desiredSource,
    });
  }
  return out;
}
