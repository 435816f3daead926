// Discovery cached per apiVersion: one GET /api/v1 or /apis/<group>/<version> per apiVersion for the
// client's lifetime. A kind the server does not serve (yet: a CRD may be installed later) triggers
// at most one re-discovery of its apiVersion per `refreshAfterMs`, so steady state costs nothing.
import type { ResourceInfo } from './port.js';
import { KubeError, KubeErrorCode } from './port.js';
import type { Clock } from '../model/index.js';

type ApiResource = { name: string; kind: string; namespaced: boolean };
type Entry = { at: number; byKind: Map<string, ResourceInfo> };

export type Discovery = {
  resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
};

export function discoveryPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export function createDiscovery(options: {
  /** GETs a discovery document; throws KubeError (notFound when the group/version is not served). */
  fetchJson: (path: string) => Promise<unknown>;
  clock: Clock;
  refreshAfterMs?: number;
}): Discovery {
  const refreshAfterMs = options.refreshAfterMs ?? 30_000;
  const cache = new Map<string, Promise<Entry>>();

  const load = async (apiVersion: string): Promise<Entry> => {
    const byKind = new Map<string, ResourceInfo>();
    try {
      const doc = (await options.fetchJson(discoveryPath(apiVersion))) as { resources?: ApiResource[] };
      for (const r of doc.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources such as deployments/status
        byKind.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced });
      }
    } catch (err) {
      if (!(err instanceof KubeError && err.code === KubeErrorCode.notFound)) throw err;
    }
    return { at: options.clock.now().getTime(), byKind };
  };

  const entry = (apiVersion: string): Promise<Entry> => {
    let p = cache.get(apiVersion);
    if (!p) {
      p = load(apiVersion);
      cache.set(apiVersion, p);
      // A failed discovery is not cached: the next call asks again.
      p.catch(() => cache.delete(apiVersion));
    }
    return p;
  };

  return {
    async resource(apiVersion, kind) {
      const e = await entry(apiVersion);
      const found = e.byKind.get(kind);
      if (found || options.clock.now().getTime() - e.at < refreshAfterMs) return found;
      cache.delete(apiVersion);
      return (await entry(apiVersion)).byKind.get(kind);
    },
  };
}
