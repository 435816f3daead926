// Kubernetes object vocabulary shared by every layer: objects, references, keys and subjects.

export type Labels = Record<string, string>;

export type ObjectMeta = {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  [field: string]: unknown;
};

/** Any Kubernetes object as plain JSON. Unknown fields are kept verbatim. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
};

/** Identity of an object inside one cluster. `group` is '' for the core API group. */
export type ObjectRef = {
  group: string;
  kind: string;
  namespace: string;
  name: string;
};

export type ClusterName = string;

/** Splits `apps/v1` into `{ group: 'apps', version: 'v1' }` and `v1` into `{ group: '', version: 'v1' }`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    group: splitApiVersion(obj.apiVersion).group,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
  };
}

/** The one map/inventory key format: `group/kind/namespace/name` (empty parts stay empty). */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

export function parseRefKey(key: string): ObjectRef {
  const parts = key.split('/');
  if (parts.length !== 4) throw new Error(`not a refKey: ${key}`);
  const [group, kind, namespace, name] = parts as [string, string, string, string];
  return { group, kind, namespace, name };
}

/** The one human format: `Kind/namespace/name` (or `Kind/name` when cluster-scoped), `@cluster` when given. */
export function subject(ref: ObjectRef, cluster?: ClusterName): string {
  const base = ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
  return cluster ? `${base}@${cluster}` : base;
}
