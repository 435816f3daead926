// A bare ClusterClient over fetch for tests against simulated clusters, used until (and beside)
// the real adapter: discovery, SSA, delete, get, list, probe. No retries, no rate limit, no watch.
import type { KubeObject } from '../../src/model/index.js';
import { FIELD_MANAGER } from '../../src/model/index.js';
import type { ClusterClient, ResourceInfo } from '../../src/kube/port.js';
import { KubeError } from '../../src/kube/port.js';

export function httpClusterClient(options: {
  name: string;
  url: string;
  token: string;
  timeoutMs?: number;
}): ClusterClient {
  const { name, url, token } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const discovered = new Map<string, { name: string; kind: string; namespaced: boolean }[]>();
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new KubeError({ code: 'kube.unreachable', cluster: name, message: String(err) });
    }
    const text = await res.text();
    if (res.ok) return text.startsWith('{') ? JSON.parse(text) : text;
    const code =
      res.status === 404
        ? 'kube.notFound'
        : res.status === 409
          ? 'kube.conflict'
          : res.status === 429
            ? 'kube.throttled'
            : res.status >= 500
              ? 'kube.serverError'
              : 'kube.invalid';
    throw new KubeError({
      code,
      cluster: name,
      status: res.status,
      message: `${method} ${path}: ${res.status}`,
    });
  };

  const resource = async (apiVersion: string, kind: string): Promise<ResourceInfo | undefined> => {
    let list = discovered.get(apiVersion);
    if (!list) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const doc = (await call('GET', base).catch(() => ({ resources: [] }))) as {
        resources: { name: string; kind: string; namespaced: boolean }[];
      };
      list = doc.resources;
      discovered.set(apiVersion, list);
    }
    const r = list.find((x) => x.kind === kind && !x.name.includes('/'));
    return r ? { apiVersion, kind, plural: r.name, namespaced: r.namespaced } : undefined;
  };

  const pathOf = async (
    apiVersion: string,
    kind: string,
    namespace?: string,
    objName?: string,
  ): Promise<string> => {
    const info = await resource(apiVersion, kind);
    if (!info)
      throw new KubeError({ code: 'kube.unknownKind', cluster: name, message: `${apiVersion} ${kind}` });
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = info.namespaced && namespace ? `/namespaces/${namespace}` : '';
    return `${base}${ns}/${info.plural}${objName ? `/${objName}` : ''}`;
  };

  return {
    name,
    resource,
    async apply(object: KubeObject) {
      const p = await pathOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
      return (await call(
        'PATCH',
        `${p}?fieldManager=${FIELD_MANAGER}&force=true`,
        object,
        'application/apply-patch+yaml',
      )) as KubeObject;
    },
    async remove(ref) {
      const p = await pathOf(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      try {
        await call('DELETE', p, { propagationPolicy: 'Background' }, 'application/json');
        return 'deleted';
      } catch (err) {
        if (err instanceof KubeError && err.code === 'kube.notFound') return 'absent';
        throw err;
      }
    },
    async get(ref) {
      const p = await pathOf(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      try {
        return (await call('GET', p)) as KubeObject;
      } catch (err) {
        if (err instanceof KubeError && err.code === 'kube.notFound') return undefined;
        throw err;
      }
    },
    async list(o) {
      const p = await pathOf(o.apiVersion, o.kind, o.namespace);
      const q = o.labelSelector ? `?labelSelector=${encodeURIComponent(o.labelSelector)}` : '';
      const doc = (await call('GET', `${p}${q}`)) as {
        items: KubeObject[];
        metadata: { resourceVersion: string };
      };
      return {
        items: doc.items.map((i) => ({
          ...i,
          apiVersion: i.apiVersion || o.apiVersion,
          kind: i.kind || o.kind,
        })),
        resourceVersion: doc.metadata.resourceVersion,
      };
    },
    watch() {
      return Promise.reject(new Error('httpClusterClient has no watch'));
    },
    async probe() {
      try {
        await call('GET', '/readyz');
        return true;
      } catch {
        return false;
      }
    },
  };
}
