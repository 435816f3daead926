// Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and the field selectors the simulator supports.
import { badRequest } from './status.js';
import { isObject, type JsonObject } from './json.js';

export type Matcher = (obj: JsonObject) => boolean;

function labelsOf(obj: JsonObject): Record<string, unknown> {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  return isObject(meta.labels) ? meta.labels : {};
}

/** Splits on commas that are not inside parentheses. */
function terms(sel: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

export function parseLabelSelector(sel: string | null): Matcher {
  if (!sel) return () => true;
  const checks = terms(sel).map((term): Matcher => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key = '', op, list = ''] = m;
      const values = list.split(',').map((v) => v.trim());
      return (o) => {
        const v = labelsOf(o)[key];
        const hit = typeof v === 'string' && values.includes(v);
        return op === 'in' ? hit : !hit;
      };
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) {
      const [, key = '', op, value] = m;
      return (o) => {
        const v = labelsOf(o)[key];
        return op === '!=' ? v !== value : v === value;
      };
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) {
      const [, not, key = ''] = m;
      return (o) => key in labelsOf(o) !== (not === '!');
    }
    throw badRequest(`unable to parse requirement: ${term}`);
  });
  return (o) => checks.every((c) => c(o));
}

const fieldGetters: Record<string, (o: JsonObject) => unknown> = {
  'metadata.name': (o) => (isObject(o.metadata) ? o.metadata.name : undefined),
  'metadata.namespace': (o) => (isObject(o.metadata) ? (o.metadata.namespace ?? '') : undefined),
  'spec.nodeName': (o) => (isObject(o.spec) ? (o.spec.nodeName ?? '') : ''),
  'status.phase': (o) => (isObject(o.status) ? (o.status.phase ?? '') : ''),
};

// The Event fields an API server selects on (`kubectl describe` lists an object's events by them).
const involved = (field: string) => (o: JsonObject) =>
  isObject(o.involvedObject) ? (o.involvedObject[field] ?? '') : '';
const eventFieldGetters: Record<string, (o: JsonObject) => unknown> = {
  'involvedObject.kind': involved('kind'),
  'involvedObject.namespace': involved('namespace'),
  'involvedObject.name': involved('name'),
  'involvedObject.uid': involved('uid'),
  'involvedObject.apiVersion': involved('apiVersion'),
  'involvedObject.resourceVersion': involved('resourceVersion'),
  'involvedObject.fieldPath': involved('fieldPath'),
  reason: (o) => o.reason ?? '',
  type: (o) => o.type ?? '',
  source: (o) => (isObject(o.source) ? (o.source.component ?? '') : ''),
  reportingComponent: (o) => o.reportingComponent ?? '',
};

export function parseFieldSelector(sel: string | null, kind: string): Matcher {
  if (!sel) return () => true;
  const checks = terms(sel).map((term): Matcher => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector: ${term}`);
    const [, field = '', op, value] = m;
    const get = fieldGetters[field] ?? (kind === 'Event' ? eventFieldGetters[field] : undefined);
    const podOnly = field === 'spec.nodeName' || field === 'status.phase';
    if (!get || (podOnly && kind !== 'Pod')) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return (o) => (op === '!=' ? get(o) !== value : get(o) === value);
  });
  return (o) => checks.every((c) => c(o));
}
