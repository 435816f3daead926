// Server-side-apply field ownership: reads the fieldsV1 set of fedsync's field manager, so the
// diff can notice fields fedsync set before and Git no longer has (an apply would remove them).
import { FIELD_MANAGER } from '../model/index.js';
import type { KubeObject } from '../model/index.js';

/** A fieldsV1 tree: keys `f:<field>`, `k:<json key>`, `v:<json value>`, `i:<index>`, `.`. */
export type FieldSet = { [key: string]: FieldSet };

type ManagedFieldsEntry = {
  manager?: unknown;
  operation?: unknown;
  fieldsType?: unknown;
  fieldsV1?: unknown;
};

function isSet(value: unknown): value is FieldSet {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeSets(out[k]!, v) : v;
  return out;
}

/** The union of the fields fedsync applied (operation Apply), or undefined when it owns none. */
export function fedsyncFieldSet(live: KubeObject): FieldSet | undefined {
  const entries = live.metadata.managedFields;
  if (!Array.isArray(entries)) return undefined;
  let out: FieldSet | undefined;
  for (const e of entries as ManagedFieldsEntry[]) {
    if (e.manager !== FIELD_MANAGER || e.operation !== 'Apply') continue;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') continue;
    if (!isSet(e.fieldsV1)) continue;
    out = out ? mergeSets(out, e.fieldsV1) : e.fieldsV1;
  }
  return out;
}

/** Builds the fieldsV1 set a server would record for an applied object (used by tests and simulators). */
export function fieldSetOf(value: unknown, listKeys: (items: unknown[]) => string[] | undefined): FieldSet {
  const out: FieldSet = {};
  if (!isSet(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[`f:${k}`] = childSet(v, listKeys);
  }
  return out;
}

function childSet(v: unknown, listKeys: (items: unknown[]) => string[] | undefined): FieldSet {
  if (isSet(v)) return fieldSetOf(v, listKeys);
  if (Array.isArray(v)) {
    const keys = listKeys(v);
    if (!keys) return {};
    const out: FieldSet = {};
    for (const item of v as Record<string, unknown>[]) {
      const id = Object.fromEntries(keys.map((k) => [k, item[k]]));
      out[`k:${JSON.stringify(id)}`] = { '.': {}, ...fieldSetOf(item, listKeys) };
    }
    return out;
  }
  return {};
}
