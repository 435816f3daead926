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

/** A path built lazily: most fields compare equal, so the string is made only for a change. */
type Path = { parent: Path | undefined; field?: string; item?: Record<string, unknown> | number } | undefined;

function atField(parent: Path, field: string): Path {
  return { parent, field };
}

function atItem(parent: Path, item: Record<string, unknown> | number): Path {
  return { parent, item };
}

function pathText(path: Path): string {
  if (path === undefined) return '';
  const base = pathText(path.parent);
  return path.field !== undefined ? fieldPath(base, path.field) : itemPath(base, path.item!);
}

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

// The API server stores quantities in canonical form, which may use any suffix or exponent:
// `0.0005` → `500u`, `1.5e3` → `1500`, `0.5Gi` → `512Mi`, `0.1Gi` → `107374182400m`.
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
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

/** Numeric value of a resource quantity (`500m`, `1Gi`, `2`, `1e3`), undefined when it is not one. */
export function quantityValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  if (m[2] !== undefined) return Number(m[1]) * 10 ** Number(m[2]);
  return Number(m[1]) * (m[3] ? SUFFIX[m[3]]! : 1);
}

/** Maps of resource name → quantity (resources, quotas, limit ranges, pod overhead). */
const QUANTITY_PARENTS = new Set([
  'limits',
  'requests',
  'capacity',
  'allocatable',
  'hard',
  'overhead',
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
]);
/** Single quantity fields (`emptyDir.sizeLimit`). */
const QUANTITY_FIELDS = new Set(['sizeLimit']);

function isQuantityPath(at: Path): boolean {
  if (at?.field !== undefined && QUANTITY_FIELDS.has(at.field)) return true;
  const parent = at?.parent;
  return parent?.field !== undefined && QUANTITY_PARENTS.has(parent.field);
}

function sameScalar(d: unknown, l: unknown, at: Path): boolean {
  if (d === l) return true;
  if (l === undefined && isEmptyValue(d)) return true;
  // The API server canonicalises quantities (0.5 → 500m, 1024Mi → 1Gi).
  if (isQuantityPath(at)) {
    const a = quantityValue(d);
    const b = quantityValue(l);
    // The server rounds up to a whole nano unit; floats carry relative error.
    if (a !== undefined && b !== undefined) return Math.abs(a - b) <= Math.max(Math.abs(a) * 1e-9, 1e-9);
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

/** `skip`: the desired annotations object whose source annotation is compared separately. */
function walkDesired(d: unknown, l: unknown, path: Path, out: FieldChange[], skip?: Dict): void {
  if (isDict(d)) {
    if (!isDict(l)) {
      if (!(l === undefined && isEmptyValue(d))) out.push({ path: pathText(path), from: l, to: d });
      return;
    }
    for (const k in d) {
      if (d === skip && k === ANNOTATION_SOURCE) continue;
      const dv = d[k];
      const lv = l[k];
      // Most fields are equal scalars: compare them without building a path.
      if (dv === lv && (typeof dv !== 'object' || dv === null)) continue;
      walkDesired(dv, lv, atField(path, k), out, skip);
    }
    return;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(l)) {
      if (!(l === undefined && d.length === 0)) out.push({ path: pathText(path), from: l, to: d });
      return;
    }
    const keys = listKeyOf(d);
    if (!keys) {
      // Atomic or positional list: same length, then item by item.
      if (d.length !== l.length) out.push({ path: pathText(path), from: l, to: d });
      else d.forEach((dv, i) => walkDesired(dv, l[i], atItem(path, i), out));
      return;
    }
    for (const item of d as Dict[]) {
      const id = Object.fromEntries(keys.map((k) => [k, item[k]]));
      const live = matchItem(l, id);
      if (live === undefined) out.push({ path: pathText(atItem(path, id)), to: item });
      else walkDesired(item, live, atItem(path, id), out);
    }
    return;
  }
  if (d !== l && !sameScalar(d, l, path)) out.push({ path: pathText(path), from: l, to: d });
}

function hasChildren(set: FieldSet): boolean {
  for (const k in set) if (k !== '.') return true;
  return false;
}

// `k:{...}` and `v:...` keys repeat across objects and plans; parse each once. Bounded, because
// the agent runs for a long time; memoisation only, so the module stays pure in effect.
const parsedKeys = new Map<string, unknown>();
const PARSED_KEYS_LIMIT = 50_000;

function parseKey(token: string): unknown {
  let value = parsedKeys.get(token);
  if (value !== undefined || parsedKeys.has(token)) return value;
  try {
    value = JSON.parse(token.slice(2));
  } catch {
    value = undefined; // a malformed key names nothing we can compare
  }
  if (parsedKeys.size >= PARSED_KEYS_LIMIT) parsedKeys.clear();
  parsedKeys.set(token, value);
  return value;
}

/** Fields fedsync owns on the live object that the desired object no longer has. */
function walkOwned(set: FieldSet, d: unknown, l: unknown, path: Path, out: FieldChange[]): void {
  for (const token in set) {
    const child = set[token]!;
    if (token.startsWith('f:')) {
      if (!isDict(l)) continue;
      const field = token.slice(2);
      const lv = l[field];
      if (lv === undefined) continue;
      const dv = isDict(d) ? d[field] : undefined;
      if (dv === undefined) {
        if (!isEmptyValue(lv)) out.push({ path: pathText(atField(path, field)), from: lv });
      } else if (hasChildren(child)) {
        walkOwned(child, dv, lv, atField(path, field), out);
      }
    } else if (token.startsWith('k:')) {
      const id = parseKey(token);
      if (!Array.isArray(l) || !isDict(id)) continue;
      const li = matchItem(l, id);
      if (li === undefined) continue;
      const di = Array.isArray(d) ? matchItem(d, id) : undefined;
      if (di === undefined) out.push({ path: pathText(atItem(path, id)), from: li });
      else walkOwned(child, di, li, atItem(path, id), out);
    } else if (token.startsWith('v:') && Array.isArray(l)) {
      const value = parseKey(token);
      const inLive = l.some((v) => deepEqual(v, value));
      const inDesired = Array.isArray(d) && d.some((v) => deepEqual(v, value));
      if (inLive && !inDesired)
        out.push({ path: `${pathText(path)}[${JSON.stringify(value)}]`, from: value });
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
  const samePath =
    desiredSource !== undefined &&
    (desiredSource === liveSource || sourcePath(desiredSource) === sourcePath(liveSource));
  walkDesired(desired, live, undefined, out, samePath ? annotations : undefined);
  const owned = fedsyncFieldSet(live);
  if (owned) walkOwned(owned, desired, live, undefined, out);
  if (out.length > 0 && samePath && desiredSource !== liveSource) {
    // A real change travels with the new source annotation.
    out.push({
      path: fieldPath(fieldPath('metadata', 'annotations'), ANNOTATION_SOURCE),
      from: liveSource,
      to: desiredSource,
    });
  }
  return out;
}
