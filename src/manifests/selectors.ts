// Cluster selection in every spelling fedsync accepts, canonicalised to one LabelSelector shape:
// only `matchExpressions`, sorted, values sorted. `{}` (or no requirement) means every cluster.
import type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from '../model/federation.js';
import { jsonErrorReason } from './problems.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** v1 `cluster-selector` operator spellings (federation util/clusterselector) → our operator. */
const V1_OPERATORS: Record<string, { op: LabelSelectorOperator; exactlyOne?: boolean }> = {
  in: { op: 'In' },
  In: { op: 'In' },
  '=': { op: 'In', exactlyOne: true },
  '==': { op: 'In', exactlyOne: true },
  notin: { op: 'NotIn' },
  NotIn: { op: 'NotIn' },
  '!=': { op: 'NotIn', exactlyOne: true },
  exists: { op: 'Exists' },
  Exists: { op: 'Exists' },
  '!': { op: 'DoesNotExist' },
  DoesNotExist: { op: 'DoesNotExist' },
  gt: { op: 'Gt' },
  Gt: { op: 'Gt' },
  '>': { op: 'Gt' },
  lt: { op: 'Lt' },
  Lt: { op: 'Lt' },
  '<': { op: 'Lt' },
};

function checkRequirement(r: LabelSelectorRequirement): string | undefined {
  if (!LABEL_KEY.test(r.key)) return `"${r.key}" is not a valid label key`;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return `operator ${r.operator} on "${r.key}" needs at least one value`;
      for (const v of values) if (!LABEL_VALUE.test(v)) return `"${v}" is not a valid label value`;
      return undefined;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) return `operator ${r.operator} on "${r.key}" takes no values`;
      return undefined;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? ''))
        return `operator ${r.operator} on "${r.key}" needs exactly one integer value`;
      return undefined;
  }
}

export function canonicalSelector(requirements: LabelSelectorRequirement[]): LabelSelector {
  const sorted = requirements
    .map((r) =>
      r.operator === 'Exists' || r.operator === 'DoesNotExist'
        ? { key: r.key, operator: r.operator }
        : { key: r.key, operator: r.operator, values: [...new Set(r.values ?? [])].sort() },
    )
    .sort((a, b) => (a.key === b.key ? a.operator.localeCompare(b.operator) : a.key.localeCompare(b.key)));
  return sorted.length ? { matchExpressions: sorted } : {};
}

function fromRequirements(reqs: LabelSelectorRequirement[]): Parsed<LabelSelector> {
  for (const r of reqs) {
    const error = checkRequirement(r);
    if (error) return { ok: false, error };
  }
  return { ok: true, value: canonicalSelector(reqs) };
}

/** `federation.alpha.kubernetes.io/cluster-selector`: a JSON array of {key, operator, values}. */
export function parseV1ClusterSelector(json: string): Parsed<LabelSelector> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `not valid JSON (${jsonErrorReason(err)})` };
  }
  if (!Array.isArray(data)) return { ok: false, error: 'must be a JSON array of {key, operator, values}' };
  const reqs: LabelSelectorRequirement[] = [];
  for (const [i, item] of data.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return { ok: false, error: `item ${i} must be an object {key, operator, values}` };
    const { key, operator, values, ...rest } = item as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length) return { ok: false, error: `item ${i} has unknown field "${extra[0]}"` };
    if (typeof key !== 'string') return { ok: false, error: `item ${i} needs a string "key"` };
    const spelled = typeof operator === 'string' ? V1_OPERATORS[operator] : undefined;
    if (!spelled)
      return {
        ok: false,
        error: `item ${i} has unknown operator ${JSON.stringify(operator)} (use In, NotIn, Exists, DoesNotExist, =, !=, Gt or Lt)`,
      };
    if (values !== undefined && (!Array.isArray(values) || !values.every((v) => typeof v === 'string')))
      return { ok: false, error: `item ${i}: "values" must be an array of strings` };
    const vals = values ?? [];
    if (spelled.exactlyOne && vals.length !== 1)
      return { ok: false, error: `item ${i}: operator ${String(operator)} needs exactly one value` };
    reqs.push({ key, operator: spelled.op, values: vals });
  }
  return fromRequirements(reqs);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

const SET_TERM = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/;
const BINARY_TERM = /^([^\s!=<>(),]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/;

/** `fedsync.io/clusters`: a Kubernetes label-selector string, e.g. `region in (a,b),tier=prod,!legacy`. */
export function parseLabelSelectorString(text: string): Parsed<LabelSelector> {
  if (text.trim() === '') return { ok: false, error: 'is empty (remove it to select every cluster)' };
  const reqs: LabelSelectorRequirement[] = [];
  for (const term of splitTopLevel(text)) {
    if (term === '') return { ok: false, error: `has an empty term in "${text}"` };
    const set = SET_TERM.exec(term);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => v.trim());
      reqs.push({ key: set[1] ?? '', operator: set[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const bin = BINARY_TERM.exec(term);
    if (bin) {
      const op = bin[2];
      const operator: LabelSelectorOperator =
        op === '!=' ? 'NotIn' : op === '>' ? 'Gt' : op === '<' ? 'Lt' : 'In';
      reqs.push({ key: bin[1] ?? '', operator, values: [bin[3] ?? ''] });
      continue;
    }
    if (/^![^\s!=<>(),]+$/.test(term)) {
      reqs.push({ key: term.slice(1), operator: 'DoesNotExist' });
      continue;
    }
    if (/^[^\s!=<>(),]+$/.test(term)) {
      reqs.push({ key: term, operator: 'Exists' });
      continue;
    }
    return {
      ok: false,
      error: `cannot parse "${term}" (use key=value, key!=value, key in (a,b), key notin (a,b), key or !key)`,
    };
  }
  return fromRequirements(reqs);
}

/** A metav1.LabelSelector (kubefed clusterSelector), canonicalised; matchLabels become `In` requirements. */
export function fromLabelSelector(selector: {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?: LabelSelectorRequirement[] | undefined;
}): Parsed<LabelSelector> {
  const reqs: LabelSelectorRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({
    key,
    operator: 'In',
    values: [v],
  }));
  return fromRequirements([...reqs, ...(selector.matchExpressions ?? [])]);
}

/** `fedsync.io/cluster-names`: a comma-separated list of cluster names. */
export function parseClusterNames(text: string): Parsed<string[]> {
  const names = text.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) return { ok: false, error: `has an empty name in "${text}"` };
  return { ok: true, value: [...new Set(names)].sort() };
}
