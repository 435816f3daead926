// Secret values never leave the planner unmasked: field changes, rendered plans and rendered objects.
import type { FieldChange, KubeObject } from '../model/index.js';

export const MASKED = '(sensitive value)';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function isSecret(obj: { kind: string }): boolean {
  return obj.kind === 'Secret';
}

function maskValues(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, MASKED]));
  }
  return value === undefined ? undefined : MASKED;
}

function maskAnnotations(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !(LAST_APPLIED in value)) return value;
  return { ...value, [LAST_APPLIED]: MASKED };
}

/** A copy of a Secret with every value masked (other kinds are returned as they are). */
export function maskObject<T extends KubeObject>(obj: T): T {
  if (!isSecret(obj)) return obj;
  const out: Record<string, unknown> = { ...obj };
  if ('data' in obj) out.data = maskValues(obj.data);
  if ('stringData' in obj) out.stringData = maskValues(obj.stringData);
  if (obj.metadata.annotations) {
    out.metadata = { ...obj.metadata, annotations: maskAnnotations(obj.metadata.annotations) };
  }
  return out as T;
}

function maskAt(path: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (path === '')
    return typeof value === 'object' && value !== null ? maskObject(value as KubeObject) : value;
  if (path === 'data' || path === 'stringData') return maskValues(value);
  if (/^(data|stringData)[.[]/.test(path)) return MASKED;
  if (path === 'metadata' && typeof value === 'object' && value !== null) {
    const meta = value as Record<string, unknown>;
    return 'annotations' in meta ? { ...meta, annotations: maskAnnotations(meta.annotations) } : meta;
  }
  if (path === 'metadata.annotations') return maskAnnotations(value);
  if (path === `metadata.annotations[${JSON.stringify(LAST_APPLIED)}]`) return MASKED;
  return value;
}

/** Field changes of an object of `kind`, with Secret values masked. */
export function maskChanges(kind: string, changes: FieldChange[]): FieldChange[] {
  if (kind !== 'Secret') return changes;
  return changes.map((c) => {
    const out: FieldChange = { path: c.path };
    if ('from' in c) out.from = maskAt(c.path, c.from);
    if ('to' in c) out.to = maskAt(c.path, c.to);
    return out;
  });
}
