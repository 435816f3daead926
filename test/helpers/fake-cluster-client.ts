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
    list: () => Promise.resolve({ items: [...objects.values()], resourceVersion: '1' }),
    watch: () => Promise.resolve({ stop() {} }),
    probe: () => Promise.resolve(),
  };
}
