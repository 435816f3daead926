// JSON pointers (RFC 6901) and the add/replace/remove subset of JSON Patch that overrides use.
import type { Override } from '../model/index.js';

/** Splits `/a/b~1c/~0d` into `['a', 'b/c', '~d']`; undefined when it is not a pointer. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number | undefined {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const index = Number(token);
  return index < length || (allowEnd && index === length) ? index : undefined;
}

/**
 * Applies one operation to `doc` in place. Returns an error message when the path points at
 * nothing (missing parent, missing target for replace/remove, bad array index).
 */
export function patchInPlace(doc: unknown, op: Override): string | undefined {
  const tokens = parsePointer(op.path);
  if (tokens === undefined) return `"${op.path}" is not a JSON pointer`;
  if (tokens.length === 0) return 'the whole object cannot be overridden';
  let parent: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(parent)) {
      const index = arrayIndex(token, parent.length, false);
      if (index === undefined) return `"${op.path}" points at nothing (no element ${token})`;
      parent = parent[index];
    } else if (isDict(parent) && Object.hasOwn(parent, token)) {
      parent = parent[token];
    } else {
      return `"${op.path}" points at nothing (no field ${token})`;
    }
  }
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, op.op === 'add');
    if (index === undefined) return `"${op.path}" points at nothing (no element ${last})`;
    if (op.op === 'add') parent.splice(index, 0, structuredClone(op.value));
    else if (op.op === 'replace') parent[index] = structuredClone(op.value);
    else parent.splice(index, 1);
    return undefined;
  }
  if (!isDict(parent)) return `"${op.path}" points at nothing (parent is not an object)`;
  if (op.op !== 'add' && !Object.hasOwn(parent, last)) return `"${op.path}" points at nothing`;
  if (op.op === 'remove') delete parent[last];
  else parent[last] = structuredClone(op.value);
  return undefined;
}
