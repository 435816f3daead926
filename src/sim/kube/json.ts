// Plain-JSON helpers shared by the store, patches and server-side apply.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The key field that identifies items of a list, where Kubernetes declares one
 * (`patchMergeKey` / `x-kubernetes-list-map-keys`). Lists without one are atomic.
 * Simplification: decided by the list's field name alone, for every kind.
 */
export function mergeKeyOf(field: string, items: readonly unknown[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'ports': {
      const first = items.find(isObject);
      if (first && 'containerPort' in first) return 'containerPort';
      return 'port';
    }
    default:
      return undefined;
  }
}

/** A scalar as text; objects and arrays as JSON (never `[object Object]`). */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * A request value for an error message: short scalars as they are, anything else by its type, so
 * a message never carries a whole (possibly secret) piece of a request body.
 */
export function shown(v: unknown): string {
  if (typeof v === 'string') return v.length > 64 ? `${v.slice(0, 61)}...` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return '';
  return Array.isArray(v) ? '<array>' : '<object>';
}
