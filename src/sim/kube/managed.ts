// managedFields bookkeeping: server-side apply (merge, conflicts, field removal, force) and the
// ownership updates that create, update and non-apply patches cause.
import { clone, deepEqual, isObject, mergeKeyOf, text, type Json, type JsonObject } from './json.js';
import {
  describePath,
  fieldSetOf,
  fromFieldsV1,
  isItemMarker,
  removeAt,
  toFieldsV1,
  valueAt,
  type FieldSet,
} from './fields.js';
import { StatusError, type StatusCause } from './status.js';

export type Operation = 'Apply' | 'Update';

type Entry = { manager: string; operation: Operation; apiVersion: string; time: string; fields: FieldSet };

function entriesOf(obj: JsonObject | undefined): Entry[] {
  const meta = obj?.metadata;
  const mf = isObject(meta) ? meta.managedFields : undefined;
  if (!Array.isArray(mf)) return [];
  return mf.filter(isObject).map((e) => ({
    manager: text(e.manager),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: text(e.apiVersion),
    time: text(e.time),
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

function writeEntries(obj: JsonObject, entries: Entry[]): void {
  const meta = isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  const kept = entries.filter((e) => e.fields.size > 0);
  if (kept.length === 0) {
    delete meta.managedFields;
    return;
  }
  meta.managedFields = kept.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(e.fields),
  }));
}

function setsEqual(a: FieldSet, b: FieldSet): boolean {
  return a.size === b.size && [...a].every((p) => b.has(p));
}

function upsert(entries: Entry[], next: Omit<Entry, 'time'>, now: string): void {
  const i = entries.findIndex((e) => e.manager === next.manager && e.operation === next.operation);
  const prev = entries[i];
  if (prev) {
    const unchanged = setsEqual(prev.fields, next.fields) && prev.apiVersion === next.apiVersion;
    entries[i] = { ...next, time: unchanged ? prev.time : now };
  } else {
    entries.push({ ...next, time: now });
  }
}

/** Merges an applied configuration into the live object (maps recurse, keyed lists merge by key). */
function applyMerge(live: Json | undefined, applied: Json, field: string): Json {
  if (isObject(applied)) {
    const out: JsonObject = isObject(live) ? clone(live) : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = applyMerge(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const key = mergeKeyOf(field, [...applied, ...live]);
    if (!key || !applied.every((x) => isObject(x) && x[key] !== undefined)) return clone(applied);
    const out = clone(live);
    for (const item of applied as JsonObject[]) {
      const idx = out.findIndex((x) => isObject(x) && deepEqual(x[key], item[key]));
      if (idx >= 0) out[idx] = applyMerge(out[idx], item, field);
      else out.push(clone(item));
    }
    return out;
  }
  return clone(applied);
}

export type ApplyInput = {
  live: JsonObject | undefined;
  applied: JsonObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  now: string;
  /** Resources with a status subresource ignore status in an apply to the main resource. */
  includeStatus: boolean;
};

/** Server-side apply. Returns the merged object with updated managedFields; throws 409 on conflicts. */
export function serverSideApply(input: ApplyInput): JsonObject {
  const { live, manager, now } = input;
  const applied = clone(input.applied);
  if (!input.includeStatus) delete applied.status;
  const mine = fieldSetOf(applied, { includeStatus: input.includeStatus });
  const entries = entriesOf(live);
  const base: JsonObject = live ? clone(live) : {};
  const others = entries.filter((e) => !(e.manager === manager && e.operation === 'Apply'));

  const conflicts: { path: string; manager: string; apiVersion: string }[] = [];
  for (const p of mine) {
    if (isItemMarker(p)) continue;
    const path = JSON.parse(p) as string[];
    if (deepEqual(valueAt(base, path), valueAt(applied, path))) continue;
    for (const e of others) {
      if (e.manager !== manager && e.fields.has(p))
        conflicts.push({ path: p, manager: e.manager, apiVersion: e.apiVersion });
    }
  }
  if (conflicts.length > 0 && !input.force) throw conflictError(conflicts);

  const merged = applyMerge(base, applied, '') as JsonObject;
  const prevMine =
    entries.find((e) => e.manager === manager && e.operation === 'Apply')?.fields ?? new Set<string>();
  const ownedElsewhere = (p: string): boolean => {
    const prefix = isItemMarker(p) ? p.slice(0, -',"."]'.length) : p.slice(0, -1);
    return others.some((e) =>
      [...e.fields].some((q) => q === p || (isItemMarker(p) && q.startsWith(prefix))),
    );
  };
  const removed = [...prevMine].filter((p) => !mine.has(p));
  // Whole list items first (found by their key while it is still there), then single fields.
  for (const p of [...removed.filter(isItemMarker), ...removed.filter((q) => !isItemMarker(q))]) {
    if (!ownedElsewhere(p)) removeAt(merged, JSON.parse(p) as string[]);
  }

  const changed = new Set(
    [...mine].filter(
      (p) => !deepEqual(valueAt(base, JSON.parse(p) as string[]), valueAt(merged, JSON.parse(p) as string[])),
    ),
  );
  const next = entries.map((e) => ({ ...e, fields: new Set(e.fields) }));
  for (const e of next) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    for (const p of changed) e.fields.delete(p);
  }
  upsert(next, { manager, operation: 'Apply', apiVersion: input.apiVersion, fields: mine }, now);
  writeEntries(merged, next);
  return merged;
}

function conflictError(conflicts: { path: string; manager: string; apiVersion: string }[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    field: describePath(c.path),
  }));
  const n = conflicts.length;
  const lines = causes.map((c) => `${c.message}: ${c.field ?? ''}`);
  const message =
    n === 1
      ? `Apply failed with 1 conflict: ${lines[0] ?? ''}`
      : `Apply failed with ${n} conflicts: ${lines.join('\n')}`;
  return new StatusError('Conflict', message, { causes });
}

export type UpdateInput = {
  old: JsonObject | undefined;
  /**
   * managedFields the request itself carried. A write other than apply may set them: `[{}]` clears
   * them, any other non-empty list replaces them; absent or `[]` keeps the stored ones (so a client
   * that does not know the field never drops it).
   */
  requestedManagedFields?: Json;
  next: JsonObject;
  manager: string;
  apiVersion: string;
  now: string;
  includeStatus: boolean;
};

function isReset(requested: Json | undefined): boolean {
  return (
    Array.isArray(requested) &&
    requested.length === 1 &&
    isObject(requested[0]) &&
    Object.keys(requested[0]).length === 0
  );
}

function baseEntries(old: JsonObject | undefined, requested: Json | undefined): Entry[] {
  if (isReset(requested)) return [];
  if (Array.isArray(requested) && requested.length > 0) {
    const decoded = entriesOf({ metadata: { managedFields: requested } });
    // A client that read the object sends its entries back, times re-encoded: those are unchanged.
    const stored = entriesOf(old);
    const same = (a: Entry, b: Entry): boolean =>
      a.manager === b.manager && a.operation === b.operation && setsEqual(a.fields, b.fields);
    if (decoded.length > 0) return decoded.map((e) => stored.find((o) => same(o, e)) ?? e);
  }
  return entriesOf(old);
}

/** Ownership after a create, update or non-apply patch: changed fields move to `manager` (operation Update). */
export function trackUpdate(input: UpdateInput): JsonObject {
  const { old, manager, now } = input;
  const next = clone(input.next);
  const present = fieldSetOf(next, { includeStatus: input.includeStatus });
  const changed = new Set(
    [...present].filter((p) => {
      if (!old) return true;
      const path = JSON.parse(p) as string[];
      return isItemMarker(p)
        ? valueAt(old, path) === undefined
        : !deepEqual(valueAt(old, path), valueAt(next, path));
    }),
  );
  const entries = baseEntries(old, input.requestedManagedFields).map((e) => ({
    ...e,
    fields: new Set(
      [...e.fields].filter((p) => present.has(p) && !(changed.has(p) && e.manager !== manager)),
    ),
  }));
  const mine =
    entries.find((e) => e.manager === manager && e.operation === 'Update')?.fields ?? new Set<string>();
  if (changed.size > 0 || mine.size > 0) {
    upsert(
      entries,
      { manager, operation: 'Update', apiVersion: input.apiVersion, fields: new Set([...mine, ...changed]) },
      now,
    );
  }
  writeEntries(next, entries);
  return next;
}
