// List filters and paging. Two filter dialects, as the real API has: the regular-expression one
// (`name eq "k8s-.*"`, `name ne …`; RE2 full match) and AIP-160 comparisons (`name = x`,
// `labels.owner = fedsync`, `name != x`, `labels.owner:*`, `name:prefix*`). Several expressions are
// ANDed, either parenthesised `(a) (b)` or joined with AND. The two dialects cannot be mixed.
import { badRequest } from './errors.js';

type Body = Record<string, unknown>;
type Term = { field: string; op: 'eq' | 'ne' | '=' | '!=' | ':'; value: string };

const termRe = /^\s*([A-Za-z_][\w.-]*?)\s*(\beq\b|\bne\b|!=|=|:)\s*("(?:[^"\\]|\\.)*"|'[^']*'|\S+)\s*$/;

function unquote(v: string): string {
  if (v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

function splitExpressions(filter: string): string[] {
  const f = filter.trim();
  if (f.startsWith('(')) {
    const parts = [...f.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]!);
    const rest = f
      .replace(/\(([^()]*)\)/g, '')
      .replace(/\bAND\b/g, '')
      .trim();
    if (rest !== '') throw badRequest('invalid', `Invalid list filter expression '${filter}'.`);
    return parts;
  }
  return f.split(/\s+AND\s+/);
}

function parse(filter: string): Term[] {
  const terms = splitExpressions(filter).map((expr) => {
    if (/\bOR\b/.test(expr))
      throw badRequest('invalid', `The simulator does not support OR in list filters: '${filter}'.`);
    const m = termRe.exec(expr);
    if (!m) throw badRequest('invalid', `Invalid list filter expression '${filter}'.`);
    return { field: m[1]!, op: m[2] as Term['op'], value: unquote(m[3]!) };
  });
  const regexDialect = terms.some((t) => t.op === 'eq' || t.op === 'ne');
  if (regexDialect && terms.some((t) => t.op !== 'eq' && t.op !== 'ne')) {
    throw badRequest('invalid', 'Regular-expression (eq/ne) and AIP-160 filter expressions cannot be mixed.');
  }
  return terms;
}

function fieldValue(obj: Body, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Body)[part];
  }
  return cur;
}

function matches(obj: Body, t: Term): boolean {
  const v = fieldValue(obj, t.field);
  const s =
    v === undefined || v === null
      ? undefined
      : typeof v === 'object'
        ? JSON.stringify(v)
        : (v as string | number | boolean).toString();
  switch (t.op) {
    case 'eq':
    case 'ne': {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${t.value})$`);
      } catch {
        throw badRequest('invalid', `Invalid regular expression '${t.value}' in list filter.`);
      }
      const hit = s !== undefined && re.test(s);
      return t.op === 'eq' ? hit : !hit;
    }
    case '=':
      return s === t.value;
    case '!=':
      return s !== t.value;
    case ':':
      if (t.value === '*') return s !== undefined;
      if (t.value.endsWith('*')) return s !== undefined && s.startsWith(t.value.slice(0, -1));
      return s === t.value;
  }
}

export function applyFilter<T extends Body>(items: T[], filter: string | null | undefined): T[] {
  if (!filter || filter.trim() === '') return items;
  const terms = parse(filter);
  return items.filter((i) => terms.every((t) => matches(i, t)));
}

export const DEFAULT_MAX_RESULTS = 500;

/** Offset-based page tokens; opaque to clients. */
export function page<T>(
  items: T[],
  maxResults: string | null,
  pageToken: string | null,
): { items: T[]; nextPageToken?: string } {
  const max = maxResults ? Number(maxResults) : DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(max) || max < 0 || max > DEFAULT_MAX_RESULTS) {
    throw badRequest(
      'invalid',
      `Invalid value for field 'maxResults': '${maxResults}'. Must be between 0 and 500.`,
    );
  }
  const size = max === 0 ? DEFAULT_MAX_RESULTS : max;
  let start = 0;
  if (pageToken) {
    start = Number(
      Buffer.from(pageToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0)
      throw badRequest('invalid', "Invalid value for field 'pageToken'.");
  }
  const slice = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : undefined;
  return next ? { items: slice, nextPageToken: next } : { items: slice };
}
