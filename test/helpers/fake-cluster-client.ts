// An in-memory ClusterClient for unit tests of code written against the port: records every call,
// fails the objects a test names, and keeps what was applied.
import type { KubeObject, ObjectRef } from '../../src/model/index.js';
import { refKey, refOf } from '../../src/model/index.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { KubeError } from '../../src/kube/port.js';

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
    create(object) {
      const key = refKey(refOf(object));
      calls.push(`create ${key}`);
      objects.set(key, object);
      return Promise.resolve(object);
    },
    list: () => Promise.resolve({ items: [...objects.values()], resourceVersion: '1' }),
    watch: () => Promise.resolve({ stop() {} }),
    probe: () => Promise.resolve(true),
  };
}
