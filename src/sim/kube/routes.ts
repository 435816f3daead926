// Parses Kubernetes API paths into a resource request.
import type { ResourceRegistry, ResourceType } from './resources.js';

export type ResourcePath = {
  t: ResourceType;
  /** Undefined for cluster-scoped types and for lists across all namespaces. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
};

export type ParsedPath =
  | { kind: 'resource'; path: ResourcePath }
  | { kind: 'unknown-resource'; group: string; version: string; plural: string }
  | { kind: 'other' };

export function parseApiPath(registry: ResourceRegistry, pathname: string): ParsedPath {
  const segs = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1] ?? '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1] ?? '';
    version = segs[2] ?? '';
    rest = segs.slice(3);
  } else {
    return { kind: 'other' };
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural = '', name, subresource, ...extra] = rest;
  if (extra.length > 0) return { kind: 'other' };
  const t = registry.byPath(group, version, plural);
  if (!t) return { kind: 'unknown-resource', group, version, plural };
  if (!t.namespaced && namespace !== undefined) return { kind: 'unknown-resource', group, version, plural };
  return { kind: 'resource', path: { t, namespace, name, subresource } };
}
