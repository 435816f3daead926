// Secret values never reach the status branch. The planner's masking rules run first; then, because
// a drift report may come from anywhere, every value of a Secret field outside its type, immutability
// flag and metadata is hidden as well, whatever shape its path has.
import { MASKED, maskChanges } from '../../plan/mask.js';
import type { DriftEntry, DriftField, DriftSubject } from './status-snapshot.js';

const VISIBLE = /^(type|immutable|metadata)($|[.[])/;

export function isSecretSubject(subject: DriftSubject): boolean {
  return subject.kind === 'Secret' && (subject.group ?? '') === '';
}

function hide(value: unknown): unknown {
  if (value === undefined || value === MASKED) return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return Object.fromEntries(Object.keys(value).map((k) => [k, MASKED]));
  return MASKED;
}

/** Whether the values of `path` on `subject` are hidden in reports. */
export function valueHidden(subject: DriftSubject, path: string): boolean {
  return isSecretSubject(subject) && !VISIBLE.test(path);
}

function hideField(field: DriftField): DriftField {
  if (VISIBLE.test(field.path)) return field;
  const out: DriftField = { path: field.path };
  if ('from' in field) out.from = hide(field.from);
  if ('to' in field) out.to = hide(field.to);
  return out;
}

/** A drift entry safe to publish. */
export function maskDriftEntry(entry: DriftEntry): DriftEntry {
  if (!isSecretSubject(entry.subject)) return entry;
  return { ...entry, fields: maskChanges('Secret', entry.fields).map(hideField) };
}

export { MASKED };
