// The /scale subresource of Deployments, ReplicaSets and StatefulSets (autoscaling/v1 Scale), as
// `kubectl scale` and autoscalers use it: reading it shows spec.replicas, writing it changes only
// spec.replicas of the parent, recorded under the writer's field manager.
import type { KubeApi, WriteOptions } from './api.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import type { ResourceType } from './resources.js';
import { badRequest, invalid, undecodable } from './status.js';

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

export function hasScale(t: ResourceType): boolean {
  return t.group === 'apps' && SCALABLE.has(t.kind);
}

function selectorText(spec: JsonObject): string {
  const sel = isObject(spec.selector) ? spec.selector : {};
  const labels = isObject(sel.matchLabels) ? sel.matchLabels : {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .sort()
    .join(',');
}

export function scaleOf(parent: JsonObject): JsonObject {
  const meta = isObject(parent.metadata) ? parent.metadata : {};
  const spec = isObject(parent.spec) ? parent.spec : {};
  const status = isObject(parent.status) ? parent.status : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: Object.fromEntries(
      ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'].flatMap((k) =>
        meta[k] === undefined ? [] : [[k, meta[k]]],
      ),
    ),
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorText(spec),
    },
  };
}

function parse(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw undecodable('Scale', 'json', err);
  }
}

/** The Scale after a write (PUT body, or a patch of the current Scale). */
function nextScale(current: JsonObject, write: { method: string; type: string; body: string }): JsonObject {
  const body = parse(write.body);
  if (write.method === 'PUT') return isObject(body) ? body : {};
  if (write.type.startsWith('application/json-patch')) return jsonPatch(current, body) as JsonObject;
  if (write.type.startsWith('application/strategic-merge-patch'))
    return strategicMergePatch(current, body) as JsonObject;
  if (write.type.startsWith('application/merge-patch')) return mergePatch(current, body) as JsonObject;
  throw badRequest(`unsupported patch type for scale: ${write.type || '(none)'}`);
}

/** Serves GET, PUT and PATCH of `<plural>/<name>/scale`. */
export function serveScale(options: {
  api: KubeApi;
  t: ResourceType;
  namespace: string;
  name: string;
  write?: { method: string; type: string; body: string };
  opts: WriteOptions;
}): JsonObject {
  const { api, t, namespace, name } = options;
  const current = scaleOf(api.get(t, namespace, name));
  if (!options.write) return current;
  const next = nextScale(current, options.write);
  const replicas = isObject(next.spec) ? next.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw invalid('autoscaling', 'Scale', name, [
      { reason: 'FieldValueInvalid', message: 'must be a non-negative integer', field: 'spec.replicas' },
    ]);
  const parent = api.patch(
    t,
    namespace,
    name,
    { type: 'application/merge-patch+json', body: JSON.stringify({ spec: { replicas } }) },
    options.opts,
  );
  return scaleOf(parent);
}
