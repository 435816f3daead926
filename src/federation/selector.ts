// Label selectors over cluster labels: matchLabels plus In/NotIn/Exists/DoesNotExist/Gt/Lt.
import type { LabelSelector, LabelSelectorRequirement, Labels } from '../model/index.js';

/** True when `labels` satisfy every term of `selector`; an empty selector matches everything. */
export function matchesSelector(labels: Labels, selector: LabelSelector): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => matchesRequirement(labels, req));
}

function matchesRequirement(labels: Labels, req: LabelSelectorRequirement): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value ?? '');
    case 'NotIn':
      // Kubernetes semantics: a missing label satisfies NotIn.
      return !has || !values.includes(value ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const bound = parseInteger(values[0]);
      const actual = parseInteger(value);
      if (bound === undefined || actual === undefined || values.length !== 1) return false;
      return req.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}
