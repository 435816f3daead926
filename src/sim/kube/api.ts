// The verbs of the simulated API server on in-memory objects: get, list, create, update, patch
// (merge, json, strategic, server-side apply), delete. The HTTP layer and the controllers both call
// these, so validation, defaulting, ownership and no-op detection happen in one place.
import { randomUUID, randomBytes } from 'node:crypto';
import { decodeYamlBody } from './yaml-body.js';
import { applyDefaults } from './defaults.js';
import { clone, deepEqual, isObject, shown, text, type Json, type JsonObject } from './json.js';
import { serverSideApply, trackUpdate } from './managed.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resources.js';
import type { ServiceAllocator } from './services.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  staleObject,
  StatusError,
  type StatusCause,
  undecodable,
} from './status.js';
import type { Store } from './store.js';
import { validate as validateObject } from './validate.js';
import { deletion } from './deletion.js';
import { listObjects } from './list.js';
import { decodeLease } from './lease.js';

export type Subresource = 'status' | undefined;

export type WriteOptions = { dryRun?: boolean; fieldManager?: string; subresource?: Subresource };

export type ListQuery = {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
};

export const PatchTypes = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type KubeApi = {
  readonly registry: ResourceRegistry;
  readonly store: Store;
  get(t: ResourceType, namespace: string, name: string): JsonObject;
  list(t: ResourceType, namespace: string | undefined, q?: ListQuery): JsonObject;
  create(t: ResourceType, namespace: string, body: unknown, o?: WriteOptions): JsonObject;
  update(t: ResourceType, namespace: string, name: string, body: unknown, o?: WriteOptions): JsonObject;
  patch(
    t: ResourceType,
    namespace: string,
    name: string,
    patch: { type: string; body: string },
    o?: WriteOptions & { force?: boolean },
  ): JsonObject;
  remove(
    t: ResourceType,
    namespace: string,
    name: string,
    o?: WriteOptions & {
      propagationPolicy?: string;
      preconditions?: { uid?: string; resourceVersion?: string };
    },
  ): JsonObject;
};

function meta(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
}

function nameOf(obj: JsonObject): string {
  return text(meta(obj).name);
}

/** Everything but metadata and status: what `generation` counts changes of. */
function specPart(obj: JsonObject): JsonObject {
  const rest = { ...obj };
  delete rest.metadata;
  delete rest.status;
  return rest;
}

const serverMetaKeys = [
  'uid',
  'creationTimestamp',
  'generation',
  'resourceVersion',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
] as const;

export type KubeApiDeps = {
  registry: ResourceRegistry;
  store: Store;
  services: ServiceAllocator;
  now: () => string;
};

export function kubeApi(deps: KubeApiDeps): KubeApi {
  const { registry, store, services, now } = deps;
  const nsType = registry.byPath('', 'v1', 'namespaces');
  if (!nsType) throw new Error('namespaces resource missing');

  const get = (t: ResourceType, namespace: string, name: string): JsonObject => {
    const o = store.get(t, t.namespaced ? namespace : '', name);
    if (!o) throw notFound(t.group, t.plural, name);
    return o;
  };

  const checkIdentity = (t: ResourceType, body: unknown, namespace: string, name?: string): JsonObject => {
    if (!isObject(body)) throw badRequest('the body of the request was not a JSON object');
    const obj = clone(body);
    const apiVersion = apiVersionOf(t);
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
      throw badRequest(
        `the API version in the data (${shown(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== t.kind) {
      throw badRequest(
        `the kind in the data (${shown(obj.kind)}) does not match the expected kind (${t.kind})`,
      );
    }
    obj.apiVersion = apiVersion;
    obj.kind = t.kind;
    const m = meta(obj);
    if (t.namespaced) {
      if (m.namespace !== undefined && m.namespace !== '' && m.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      m.namespace = namespace;
    } else {
      delete m.namespace;
    }
    if (name !== undefined) {
      if (m.name === undefined) m.name = name;
      if (m.name !== name) {
        throw badRequest(
          `the name of the object (${shown(m.name)}) does not match the name on the URL (${name})`,
        );
      }
    }
    return obj;
  };

  const checkNamespace = (t: ResourceType, namespace: string, name: string): void => {
    if (!t.namespaced) return;
    const ns = store.get(nsType, '', namespace);
    if (!ns) throw notFound('', 'namespaces', namespace);
    if (meta(ns).deletionTimestamp) {
      throw new StatusError(
        'Forbidden',
        `${t.group ? `${t.plural}.${t.group}` : t.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name, group: t.group, kind: t.plural },
      );
    }
  };

  /** Defaulting, validation, allocation and generation for a candidate object. */
  const prepare = (t: ResourceType, old: JsonObject | undefined, next: JsonObject): void => {
    // ObjectMeta's maps are omitempty: an empty labels or annotations map is not stored.
    for (const k of ['labels', 'annotations']) {
      const v = meta(next)[k];
      if (isObject(v) && Object.keys(v).length === 0) delete meta(next)[k];
    }
    if (t.builtin && t.group === 'coordination.k8s.io' && t.kind === 'Lease') decodeLease(next);
    applyDefaults(t, next);
    const causes: StatusCause[] = [...validateObject(t, next)];
    const oldSelector = old && isObject(old.spec) ? old.spec.selector : undefined;
    const newSelector = isObject(next.spec) ? next.spec.selector : undefined;
    if (t.builtin && t.group === 'apps' && old && !deepEqual(oldSelector, newSelector)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(newSelector ?? null)}: field is immutable`,
        field: 'spec.selector',
      });
    }
    if (t.builtin && t.kind === 'Service') {
      // Read-only: a copy of every Service per write made big clusters quadratic to fill.
      causes.push(...services.allocate(next, old, store.peek(t)));
    }
    if (causes.length > 0) throw invalid(t.group, t.kind, nameOf(next), causes);
    const m = meta(next);
    if (!old) m.generation = 1;
    else {
      const gen = typeof meta(old).generation === 'number' ? (meta(old).generation as number) : 1;
      m.generation = deepEqual(specPart(old), specPart(next)) ? gen : gen + 1;
    }
  };

  const { finishRemoval, removeTree } = deletion({
    registry,
    store,
    now,
    update: (t, old, next) => commit(t, old, next, false),
  });

  /** Stores next unless it equals old (a no-op write bumps nothing and emits no event). */
  const commit = (
    t: ResourceType,
    old: JsonObject | undefined,
    next: JsonObject,
    dryRun: boolean,
  ): JsonObject => {
    if (old && deepEqual(old, next)) return old;
    const m = meta(next);
    if (old && m.deletionTimestamp && !(Array.isArray(m.finalizers) && m.finalizers.length > 0)) {
      // The last finalizer is gone from an object being deleted: it goes away now.
      if (dryRun) return next;
      return finishRemoval(t, next);
    }
    if (dryRun) return next;
    return store.put(t, next);
  };

  const create = (t: ResourceType, namespace: string, body: unknown, o: WriteOptions = {}): JsonObject => {
    const obj = checkIdentity(t, body, namespace);
    const m = meta(obj);
    if ((m.name === undefined || m.name === '') && typeof m.generateName === 'string') {
      m.name = `${m.generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
    }
    const name = nameOf(obj);
    if (m.resourceVersion !== undefined && m.resourceVersion !== '') {
      // What etcd storage answers (an InternalError) when a client re-creates an object it read.
      throw new StatusError('InternalError', 'resourceVersion should not be set on objects to be created');
    }
    if (store.get(t, t.namespaced ? namespace : '', name)) throw alreadyExists(t.group, t.plural, name);
    checkNamespace(t, namespace, name);
    for (const k of serverMetaKeys) delete m[k];
    m.uid = randomUUID();
    m.creationTimestamp = now();
    if (t.hasStatus && t.kind !== 'Namespace') delete obj.status;
    prepare(t, undefined, obj);
    const tracked = trackUpdate({
      old: undefined,
      next: obj,
      manager: o.fieldManager ?? 'unknown',
      apiVersion: apiVersionOf(t),
      now: now(),
      includeStatus: !t.hasStatus,
    });
    return commit(t, undefined, tracked, o.dryRun ?? false);
  };

  /** Shared tail of update and non-apply patches: `candidate` is the whole desired object. */
  const replace = (t: ResourceType, old: JsonObject, candidate: JsonObject, o: WriteOptions): JsonObject => {
    const next = clone(candidate);
    const m = meta(next);
    const requestedManagedFields = m.managedFields;
    const rv = m.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== meta(old).resourceVersion) {
      throw conflict(t.group, t.plural, nameOf(old), staleObject);
    }
    for (const k of serverMetaKeys) {
      if (meta(old)[k] === undefined) delete m[k];
      else m[k] = clone(meta(old)[k] ?? null);
    }
    let result: JsonObject;
    if (o.subresource === 'status') {
      result = clone(old);
      if (next.status === undefined) delete result.status;
      else result.status = next.status;
    } else {
      if (t.hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      prepare(t, old, next);
      result = trackUpdate({
        old,
        ...(requestedManagedFields !== undefined ? { requestedManagedFields } : {}),
        next,
        manager: o.fieldManager ?? 'unknown',
        apiVersion: apiVersionOf(t),
        now: now(),
        includeStatus: !t.hasStatus,
      });
    }
    return commit(t, old, result, o.dryRun ?? false);
  };

  const update = (
    t: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    o: WriteOptions = {},
  ): JsonObject => {
    const obj = checkIdentity(t, body, namespace, name);
    const old = get(t, namespace, name);
    return replace(t, old, obj, o);
  };

  const apply = (
    t: ResourceType,
    namespace: string,
    name: string,
    body: string,
    o: WriteOptions & { force?: boolean },
  ): JsonObject => {
    if (!o.fieldManager) throw badRequest('PATCH: fieldManager is required for apply requests');
    let parsed: unknown;
    try {
      parsed = decodeYamlBody(body);
    } catch (err) {
      throw undecodable('error decoding YAML', 'yaml', err);
    }
    if (!isObject(parsed) || parsed.apiVersion === undefined || parsed.kind === undefined) {
      throw badRequest('apply requires apiVersion and kind in the applied configuration');
    }
    const applied = checkIdentity(t, parsed, namespace, name);
    const am = meta(applied);
    const rv = am.resourceVersion;
    delete am.resourceVersion;
    for (const k of serverMetaKeys) delete am[k];
    const live = store.get(t, t.namespaced ? namespace : '', name);
    if (live && rv !== undefined && rv !== meta(live).resourceVersion) {
      throw conflict(t.group, t.plural, name, staleObject);
    }
    if (o.subresource === 'status') {
      if (!live) throw notFound(t.group, t.plural, name);
      const next = clone(live);
      next.status = mergePatch(live.status ?? null, applied.status ?? null);
      return commit(t, live, next, o.dryRun ?? false);
    }
    const merged = serverSideApply({
      live,
      applied,
      manager: o.fieldManager,
      force: o.force ?? false,
      apiVersion: apiVersionOf(t),
      now: now(),
      includeStatus: !t.hasStatus,
    });
    const m = meta(merged);
    merged.apiVersion = apiVersionOf(t);
    merged.kind = t.kind;
    m.name = name;
    if (t.namespaced) m.namespace = namespace;
    if (!live) {
      checkNamespace(t, namespace, name);
      m.uid = randomUUID();
      m.creationTimestamp = now();
      prepare(t, undefined, merged);
      return commit(t, undefined, merged, o.dryRun ?? false);
    }
    for (const k of serverMetaKeys) {
      if (k === 'managedFields') continue;
      if (meta(live)[k] === undefined) delete m[k];
      else m[k] = clone(meta(live)[k] ?? null);
    }
    if (t.hasStatus) {
      if (live.status === undefined) delete merged.status;
      else merged.status = clone(live.status);
    }
    prepare(t, live, merged);
    return commit(t, live, merged, o.dryRun ?? false);
  };

  const patch: KubeApi['patch'] = (t, namespace, name, p, o = {}) => {
    const type = p.type.split(';')[0]?.trim() ?? '';
    if (type === PatchTypes.apply) return apply(t, namespace, name, p.body, o);
    const old = get(t, namespace, name);
    let body: Json;
    try {
      body = JSON.parse(p.body) as Json;
    } catch (err) {
      throw undecodable('error decoding patch', 'json', err);
    }
    let patched: Json;
    switch (type) {
      case PatchTypes.merge:
        patched = mergePatch(old, body);
        break;
      case PatchTypes.json:
        patched = jsonPatch(old, body);
        break;
      case PatchTypes.strategic:
        if (!t.builtin) {
          throw new StatusError(
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${PatchTypes.json}, ${PatchTypes.merge}, ${PatchTypes.apply}`,
          );
        }
        patched = strategicMergePatch(old, body);
        break;
      default:
        throw new StatusError(
          'UnsupportedMediaType',
          `the body of the request was in an unknown format: ${type}`,
        );
    }
    const obj = checkIdentity(t, patched, namespace, name);
    return replace(t, old, obj, o);
  };

  const remove: KubeApi['remove'] = (t, namespace, name, o = {}) => {
    const obj = get(t, namespace, name);
    const pre = o.preconditions;
    if (pre?.uid && pre.uid !== meta(obj).uid) {
      throw conflict(
        t.group,
        t.plural,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${text(meta(obj).uid)}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== meta(obj).resourceVersion) {
      throw conflict(t.group, t.plural, name, staleObject);
    }
    return removeTree(t, obj, o.propagationPolicy ?? 'Background', o.dryRun ?? false);
  };

  const list = (t: ResourceType, namespace: string | undefined, q: ListQuery = {}): JsonObject =>
    listObjects(store, t, namespace, q);

  return { registry, store, get, list, create, update, patch, remove };
}
