// An in-memory ClusterClient for unit tests of code written against the port: records every call,
// fails the objects a test names, and keeps what was applied.
import type { KubeObject, ObjectRef } from '../../src/model/index.js';
import { refKey, refOf } from '../../src/model/index.js';
import type { ClusterClient, JsonPatchOp } from '../../src/kube/port.js';
import { KubeError } from '../../src/kube/port.js';

/** RFC 6902 add/remove/replace on plain objects (enough for what fedsync sends). */
function patched(object: KubeObject, ops: readonly JsonPatchOp[]): KubeObject {
  const doc = structuredClone(object) as unknown as Record<string, unknown>;
  for (const op of ops) {
    if (op.op === 'test') continue;
    const parts = op.path
      .slice(1)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let cur = doc;
    for (const p of parts) cur = (cur[p] ??= {}) as Record<string, unknown>;
    if (op.op === 'remove') delete cur[last];
    else cur[last] = structuredClone(op.value);
  }
  return doc as unknown as KubeObject;
}

export type FakeClusterClient = ClusterClient & {
  objects: Map<string, KubeObject>;
  calls: string[];
  /** refKeys whose apply/remove fails with a server error. */
  failing: Set<string>;
};

/** RFC 7386. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export function fakeClusterClient(name: string, initial: KubeObject[] = []): FakeClusterClient {
  const objects = new Map(initial.map((o) => [refKey(refOf(o)), o]));
  const calls: string[] = [];
  const failing = new Set<string>();
  const boom = (key: string): KubeError =>
    new KubeError({ code: 'kube.serverError', cluster: name, status: 500, message: `boom on ${key}` });
  return {
    name,
    objects,
    calls,
    failing,
    resource: () => Promise.resolve(undefined),
    apply(object) {
      const key = refKey(refOf(object));
      calls.push(`apply ${key}`);
      if (failing.has(key)) return Promise.reject(boom(key));
      objects.set(key, object);
      return Promise.resolve(object);
    },
    create(object) {
      const key = refKey(refOf(object));
      calls.push(`create ${key}`);
      if (failing.has(key)) return Promise.reject(boom(key));
      if (objects.has(key))
        return Promise.reject(
          new KubeError({ code: 'kube.conflict', cluster: name, status: 409, message: `${key} exists` }),
        );
      objects.set(key, object);
      return Promise.resolve(object);
    },
    jsonPatch(ref: ObjectRef, ops) {
      const key = refKey(ref);
      calls.push(`jsonPatch ${key}`);
      const live = objects.get(key);
      if (failing.has(key)) return Promise.reject(boom(key));
      if (!live)
        return Promise.reject(
          new KubeError({ code: 'kube.notFound', cluster: name, status: 404, message: `${key} not found` }),
        );
      const next = patched(live, ops);
      objects.set(key, next);
      return Promise.resolve(next);
    },
    remove(ref: ObjectRef) {
      const key = refKey(ref);
      calls.push(`remove ${key}`);
      if (failing.has(key)) return Promise.reject(boom(key));
      return Promise.resolve(objects.delete(key) ? 'deleted' : 'absent');
    },
    get: (ref) => Promise.resolve(objects.get(refKey(ref))),
    patch(ref, patch, options) {
      const key = refKey(ref);
      calls.push(`patch${options.subresource ? ` ${options.subresource}` : ''} ${key}`);
      const live = objects.get(key);
      if (failing.has(key) || !live) return Promise.reject(boom(key));
      const next = mergePatch(live, patch) as KubeObject;
      objects.set(key, next);
      return Promise.resolve(next);
    },
    list: () => Promise.resolve({ items: [...objects.values()], resourceVersion: '1' }),
    watch: () => Promise.resolve({ stop() {} }),
    probe: () => Promise.resolve(),
  };
}
