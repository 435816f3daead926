// The human path format of a FieldChange: `spec.template.spec.containers[name=web].image`,
// `metadata.labels["app.kubernetes.io/name"]`, `spec.rules[0].host`.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends an object field to a path. */
export function fieldPath(base: string, field: string): string {
  if (IDENTIFIER.test(field)) return base === '' ? field : `${base}.${field}`;
  return `${base}[${JSON.stringify(field)}]`;
}

/** Appends a list item, by merge key (`[name=web]`, `[port=80,protocol=TCP]`) or by index (`[0]`). */
export function itemPath(base: string, key: Record<string, unknown> | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const parts = Object.entries(key).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${base}[${parts.join(',')}]`;
}
