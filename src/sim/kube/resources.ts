// The resource types a simulated cluster serves: built-in kinds plus custom resources registered at start-up.

export type ResourceType = {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in URLs: `ingresses`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Has a `/status` subresource: writes to the main resource leave status alone and vice versa. */
  hasStatus: boolean;
  /** Built-in kinds accept strategic-merge patches; custom resources answer 415 like a real server. */
  builtin: boolean;
};

export type CustomResource = {
  group: string;
  version: string;
  kind: string;
  plural?: string;
  namespaced?: boolean;
  shortNames?: string[];
  /** Default true, as for CRDs with `subresources.status`. */
  hasStatus?: boolean;
};

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  opts: { namespaced: boolean; shortNames?: string[]; hasStatus?: boolean },
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced,
    shortNames: opts.shortNames ?? [],
    hasStatus: opts.hasStatus ?? false,
    builtin: true,
  };
}

export const builtinResources: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], hasStatus: true }),
  builtin('', 'v1', 'Node', 'nodes', { namespaced: false, shortNames: ['no'], hasStatus: true }),
  builtin('', 'v1', 'Pod', 'pods', { namespaced: true, shortNames: ['po'], hasStatus: true }),
  builtin('', 'v1', 'Service', 'services', { namespaced: true, shortNames: ['svc'], hasStatus: true }),
  builtin('', 'v1', 'Endpoints', 'endpoints', { namespaced: true, shortNames: ['ep'] }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', { namespaced: true, shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets', { namespaced: true }),
  builtin('', 'v1', 'Event', 'events', { namespaced: true, shortNames: ['ev'] }),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', { namespaced: true, shortNames: ['sa'] }),
  builtin('apps', 'v1', 'Deployment', 'deployments', {
    namespaced: true,
    shortNames: ['deploy'],
    hasStatus: true,
  }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', {
    namespaced: true,
    shortNames: ['rs'],
    hasStatus: true,
  }),
  builtin('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', { namespaced: true }),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', {
    namespaced: true,
    shortNames: ['ing'],
    hasStatus: true,
  }),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', { namespaced: true }),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', { namespaced: true }),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', { namespaced: true }),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', { namespaced: false }),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', {
    namespaced: false,
  }),
];

export function customResourceType(cr: CustomResource): ResourceType {
  return {
    group: cr.group,
    version: cr.version,
    kind: cr.kind,
    plural: cr.plural ?? `${cr.kind.toLowerCase()}s`,
    singular: cr.kind.toLowerCase(),
    namespaced: cr.namespaced ?? true,
    shortNames: cr.shortNames ?? [],
    hasStatus: cr.hasStatus ?? true,
    builtin: false,
  };
}

export type ResourceRegistry = {
  all(): readonly ResourceType[];
  byPath(group: string, version: string, plural: string): ResourceType | undefined;
  byKind(apiVersion: string, kind: string): ResourceType | undefined;
  /** Group-versions in discovery order: core first. */
  groupVersions(): { group: string; version: string }[];
};

export function resourceRegistry(custom: readonly CustomResource[] = []): ResourceRegistry {
  const types = [...builtinResources, ...custom.map(customResourceType)];
  const gv = (t: { group: string; version: string }): string =>
    t.group ? `${t.group}/${t.version}` : t.version;
  return {
    all: () => types,
    byPath: (group, version, plural) =>
      types.find((t) => t.group === group && t.version === version && t.plural === plural),
    byKind: (apiVersion, kind) => types.find((t) => gv(t) === apiVersion && t.kind === kind),
    groupVersions: () => {
      const seen = new Map<string, { group: string; version: string }>();
      for (const t of types) seen.set(gv(t), { group: t.group, version: t.version });
      return [...seen.values()];
    },
  };
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
