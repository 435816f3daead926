// JSON with object keys sorted at every depth, two-space indent and a final newline: the same data
// always gives the same bytes, so the status branch's own diffs show only real changes.

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** One line, keys sorted (for JSON Lines). */
export function canonicalJsonLine(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
