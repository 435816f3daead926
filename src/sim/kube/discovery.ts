// Discovery documents (/version, /api, /apis, resource lists) and the minimal OpenAPI v3 that
// kubectl needs to validate and apply: a PATCH operation with a fieldValidation parameter per kind.
import { hasScale } from './scale.js';
import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resources.js';

export const simVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-fedsync-sim',
  platform: 'linux/amd64',
};

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function versionDoc(): JsonObject {
  return {
    ...simVersion,
    gitCommit: 'sim',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23',
    compiler: 'gc',
  };
}

export function coreVersions(address: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  };
}

export function groupList(registry: ResourceRegistry): JsonObject {
  const groups = new Map<string, string[]>();
  for (const gv of registry.groupVersions()) {
    if (!gv.group) continue;
    groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => group(name, versions)),
  };
}

function group(name: string, versions: string[]): JsonObject {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] ?? null };
}

export function groupDoc(registry: ResourceRegistry, name: string): JsonObject | undefined {
  const versions = registry
    .groupVersions()
    .filter((gv) => gv.group === name)
    .map((gv) => gv.version);
  return versions.length > 0 ? { kind: 'APIGroup', apiVersion: 'v1', ...group(name, versions) } : undefined;
}

export function resourceList(registry: ResourceRegistry, g: string, v: string): JsonObject | undefined {
  const types = registry.all().filter((t) => t.group === g && t.version === v);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs,
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
    });
    if (hasScale(t)) {
      resources.push({
        name: `${t.plural}/scale`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (t.hasStatus) {
      resources.push({
        name: `${t.plural}/status`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group: g, version: v }),
    resources,
  };
}

function gvPath(gv: { group: string; version: string }): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

export function openApiDoc(registry: ResourceRegistry, g: string, v: string): JsonObject | undefined {
  const types = registry.all().filter((t) => t.group === g && t.version === v);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const t of types) paths[itemPath(t)] = { patch: patchOp(t) };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

function itemPath(t: ResourceType): string {
  const base = `/${gvPath(t)}`;
  return t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}/{name}` : `${base}/${t.plural}/{name}`;
}

function patchOp(t: ResourceType): JsonObject {
  return {
    'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
    parameters: [
      { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
      { name: 'force', in: 'query', schema: { type: 'boolean' } },
    ],
    responses: { '200': { description: 'OK' } },
  };
}

export function openApiIndex(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const gv of registry.groupVersions()) {
    const doc = openApiDoc(registry, gv.group, gv.version);
    const hash = createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16).toUpperCase();
    paths[gvPath(gv)] = { serverRelativeURL: `/openapi/v3/${gvPath(gv)}?hash=${hash}` };
  }
  return { paths };
}
