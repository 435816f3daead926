// Drift a plan corrects: which planned writes put back what someone changed in a cluster, as opposed
// to what a new commit changed. Server-side apply says it: when another field manager (kubectl
// scale, kubectl edit, an operator) writes a field fedsync applied, the field becomes that manager's.
// So a planned update is a correction of drift for the changed fields another manager now owns, and
// a planned create of an object fedsync recorded as applied is a correction of a deletion.
import { FIELD_MANAGER, refKey } from '../model/index.js';
import type {
  ClusterName,
  FieldChange,
  KubeObject,
  ObjectRef,
  ObservedCluster,
  Plan,
} from '../model/index.js';
import type { FieldSet } from './managed-fields.js';

export type PlannedDrift = {
  cluster: ClusterName;
  ref: ObjectRef;
  /** refKey of the object. */
  key: string;
  /** `modified`: fields another manager changed; `missing`: deleted although fedsync applied it. */
  classification: 'modified' | 'missing';
  /** The drifted fields only (the plan's masked changes). */
  fields: FieldChange[];
  /** The field manager that owns the drifted fields now. */
  manager?: string;
};

type Segment = { field: string } | { item: Record<string, string> } | { index: number };

/** Parses the human path format of field-path.ts; undefined for what it cannot read. */
export function parseFieldPath(path: string): Segment[] | undefined {
  const out: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      continue;
    }
    if (path[i] === '[') {
      if (path[i + 1] === '"') {
        const end = path.indexOf('"]', i + 2);
        if (end < 0) return undefined;
        try {
          out.push({ field: JSON.parse(path.slice(i + 1, end + 1)) as string });
        } catch {
          return undefined;
        }
        i = end + 2;
        continue;
      }
      const end = path.indexOf(']', i);
      if (end < 0) return undefined;
      const body = path.slice(i + 1, end);
      if (/^\d+$/.test(body)) out.push({ index: Number(body) });
      else {
        const item: Record<string, string> = {};
        for (const part of body.split(',')) {
          const eq = part.indexOf('=');
          if (eq <= 0) return undefined;
          item[part.slice(0, eq)] = part.slice(eq + 1);
        }
        out.push({ item });
      }
      i = end + 1;
      continue;
    }
    const m = /^[^.[]+/.exec(path.slice(i));
    if (!m) return undefined;
    out.push({ field: m[0] });
    i += m[0].length;
  }
  return out;
}

/** The fieldsV1 keys a list item may be recorded under (values as strings or as numbers). */
function itemKeys(item: Record<string, string>): string[] {
  const entries = Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1));
  const asString = Object.fromEntries(entries);
  const typed = Object.fromEntries(
    entries.map(([k, v]) => [
      k,
      /^-?\d+$/.test(v) ? Number(v) : v === 'true' || v === 'false' ? v === 'true' : v,
    ]),
  );
  return [...new Set([`k:${JSON.stringify(asString)}`, `k:${JSON.stringify(typed)}`])];
}

/** Whether `set` covers `path`: the path or one of its atomic parents is in it. */
export function ownsPath(set: FieldSet, path: string): boolean {
  const segments = parseFieldPath(path);
  if (!segments || segments.length === 0) return false;
  let node: FieldSet = set;
  for (const s of segments) {
    // A leaf above the path: the manager owns that whole (atomic) value.
    if (node !== set && Object.keys(node).length === 0) return true;
    const keys = 'field' in s ? [`f:${s.field}`] : 'item' in s ? itemKeys(s.item) : [`i:${s.index}`];
    const next = keys.map((k) => node[k]).find((n) => n !== undefined);
    if (!next) return false;
    node = next;
  }
  return true;
}

type ManagedEntry = { manager?: unknown; time?: unknown; fieldsV1?: unknown };

const timeOf = (e: { time?: unknown }): string => (typeof e.time === 'string' ? e.time : '');

/** The field sets of every manager but fedsync, newest first. */
function otherManagers(live: KubeObject): { manager: string; set: FieldSet }[] {
  const entries = live.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  return (entries as ManagedEntry[])
    .filter(
      (e): e is { manager: string; time?: unknown; fieldsV1: FieldSet } =>
        typeof e.manager === 'string' &&
        e.manager !== FIELD_MANAGER &&
        typeof e.fieldsV1 === 'object' &&
        e.fieldsV1 !== null,
    )
    .sort((a, b) => (timeOf(a) < timeOf(b) ? 1 : -1))
    .map((e) => ({ manager: e.manager, set: e.fieldsV1 }));
}

/** The drift the plan's writes would correct, per cluster in plan order. Pure. */
export function plannedDrift(
  plan: Pick<Plan, 'targets'>,
  observed: readonly ObservedCluster[],
): PlannedDrift[] {
  const out: PlannedDrift[] = [];
  const byName = new Map(observed.map((o) => [o.name, o]));
  for (const t of plan.targets) {
    if (t.kind !== 'cluster' || t.health !== 'Ready') continue;
    const seen = byName.get(t.name);
    const applied = new Set(seen?.inventory ?? []);
    for (const a of t.actions) {
      const key = refKey(a.ref);
      if (!applied.has(key)) continue;
      if (a.action === 'create') {
        out.push({
          cluster: t.name,
          ref: a.ref,
          key,
          classification: 'missing',
          fields: [{ path: '(object)', from: '(deleted)', to: '(exists)' }],
        });
        continue;
      }
      if (a.action !== 'update') continue;
      const live = seen?.objects[key];
      if (!live) continue;
      const managers = otherManagers(live);
      let manager: string | undefined;
      const fields = a.changes.filter((c) => {
        const owner = managers.find((m) => ownsPath(m.set, c.path));
        if (owner && manager === undefined) manager = owner.manager;
        return owner !== undefined;
      });
      if (fields.length === 0) continue;
      out.push({
        cluster: t.name,
        ref: a.ref,
        key,
        classification: 'modified',
        fields,
        ...(manager ? { manager } : {}),
      });
    }
  }
  return out;
}
