// The ClusterClient adapter for @kubernetes/client-node 1.4: kubeconfig loading, discovery, raw
// server-side apply, delete, get, list (paginated), watch (JSON lines) and probe. Every request
// except probe passes the cluster's token bucket; every request except watch and probe goes through
// the one retry policy (retry.ts). Watch restarts belong to the cache, probe failures to health (a
// probe is sent again only after a stale kept-alive connection, which retry.ts decides too).
import { millisOf, systemClock } from '../clock.js';
import { KubeConfig } from '@kubernetes/client-node';
import { FIELD_MANAGER, type ClusterName, type KubeObject, type ObjectRef } from '../model/index.js';
import { createDiscovery, discoveryPath } from './discovery.js';
import { KubeconfigError, kubeconfigLoadError, unknownKindError } from './errors.js';
import { tokenBucket, type RateLimitOptions } from './rate-limit.js';
import { retryPolicy, withRetry, type RetryPolicy } from './retry.js';
import { createTransport, type HttpRequest } from './transport.js';
import { openWatch } from './watch-stream.js';
import { KubeError, KubeErrorCode, type ClusterClient, type ResourceInfo } from './port.js';
import type { Clock } from '../model/index.js';

/** Per request: a hung cluster costs a reconcile of the others at most this long. */
export const defaultTimeoutMs = 10_000;
export const listPageSize = 500;

export type ClusterClientOptions = {
  /** The cluster's name in fedsync (default: the context name). */
  name?: ClusterName;
  /** Either a loaded KubeConfig (its current context is used) ... */
  kubeConfig?: KubeConfig;
  /** ... or a kubeconfig file and the context to use in it (default: its current-context). */
  kubeconfigPath?: string;
  context?: string;
  /** Per-request timeout; for a watch, until the response headers arrive (default 10 s). */
  timeoutMs?: number;
  rateLimit?: Partial<RateLimitOptions>;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** The User-Agent header (default `fedsync`); an agent sends its identity in it. */
  userAgent?: string;
};

/** A KubeConfig whose current context is `context` (validated: unknown contexts throw). */
export function loadKubeConfig(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw kubeconfigLoadError(path, err);
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context))
      throw new KubeconfigError(`kubeconfig ${path} has no context ${context}`);
    kc.setCurrentContext(context);
  }
  return kc;
}

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** List items come without apiVersion/kind from a real API server; put them back. */
function withType(obj: KubeObject, info: ResourceInfo): KubeObject {
  return { ...obj, apiVersion: obj.apiVersion || info.apiVersion, kind: obj.kind || info.kind };
}

export function resourcePath(info: ResourceInfo, namespace?: string, name?: string): string {
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const tail = name !== undefined ? `/${encodeURIComponent(name)}` : '';
  return `${discoveryPath(info.apiVersion)}${ns}/${info.plural}${tail}`;
}

export function createClusterClient(options: ClusterClientOptions): ClusterClient {
  const kc =
    options.kubeConfig ??
    (options.kubeconfigPath !== undefined
      ? loadKubeConfig(options.kubeconfigPath, options.context)
      : undefined);
  if (!kc) throw new Error('createClusterClient: give kubeConfig or kubeconfigPath');
  const name = options.name ?? options.context ?? kc.getCurrentContext();
  const clock = options.clock ?? systemClock;
  // The rate limiter and the transport count in milliseconds.
  const now = millisOf(clock);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const policy = retryPolicy(options.retry);
  const limiter = tokenBucket({ now, sleep: policy.sleep, ...options.rateLimit });
  const transport = createTransport({
    cluster: name,
    kubeConfig: kc,
    now,
    onResponse: limiter.observe,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });

  /** One request: rate-limited, timed out, retried when transient. */
  const call = (req: Omit<HttpRequest, 'timeoutMs'>): Promise<string> =>
    withRetry(
      policy,
      async () => {
        await limiter.take();
        try {
          return (await transport.send({ ...req, timeoutMs })).text;
        } catch (err) {
          if (err instanceof KubeError && err.retryAfterSeconds !== undefined) {
            limiter.holdFor(Math.min(err.retryAfterSeconds * 1000, policy.maxRetryAfterMs));
          }
          throw err;
        }
      },
      { request: req },
    );

  const discovery = createDiscovery({
    clock,
    fetchJson: async (path) => parse(await call({ method: 'GET', path })),
  });

  const info = async (apiVersion: string, kind: string): Promise<ResourceInfo> => {
    const found = await discovery.resource(apiVersion, kind);
    if (!found) throw unknownKindError(name, apiVersion, kind);
    return found;
  };

  const isNotFound = (err: unknown): boolean =>
    err instanceof KubeError && err.code === KubeErrorCode.notFound;

  return {
    name,
    resource: (apiVersion, kind) => discovery.resource(apiVersion, kind),

    async apply(object, opts = {}) {
      const i = await info(object.apiVersion, object.kind);
      const text = await call({
        method: 'PATCH',
        path: resourcePath(i, object.metadata.namespace ?? 'default', object.metadata.name),
        query: { fieldManager: FIELD_MANAGER, force: 'true', dryRun: opts.dryRun ? 'All' : undefined },
        // JSON is YAML: the object goes out byte for byte as given, unknown fields included.
        body: JSON.stringify(object),
        contentType: 'application/apply-patch+yaml',
      });
      return withType(parse<KubeObject>(text), i);
    },

    async jsonPatch(ref, ops) {
      const i = await info(ref.apiVersion, ref.kind);
      const text = await call({
        method: 'PATCH',
        path: resourcePath(i, ref.namespace, ref.name),
        query: { fieldManager: FIELD_MANAGER },
        body: JSON.stringify(ops),
        contentType: 'application/json-patch+json',
      });
      return withType(parse<KubeObject>(text), i);
    },

    async remove(ref, opts = {}) {
      const i = await info(ref.apiVersion, ref.kind);
      const body = {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: opts.propagation ?? 'Background',
        ...(opts.resourceVersion !== undefined
          ? { preconditions: { resourceVersion: opts.resourceVersion } }
          : {}),
      };
      try {
        await call({
          method: 'DELETE',
          path: resourcePath(i, ref.namespace, ref.name),
          body: JSON.stringify(body),
        });
        return 'deleted';
      } catch (err) {
        if (isNotFound(err)) return 'absent';
        throw err;
      }
    },

    async get(ref: ObjectRef & { apiVersion: string }) {
      const i = await info(ref.apiVersion, ref.kind);
      try {
        const text = await call({ method: 'GET', path: resourcePath(i, ref.namespace, ref.name) });
        return withType(parse<KubeObject>(text), i);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async patch(ref, body, opts) {
      const i = await info(ref.apiVersion, ref.kind);
      const path = resourcePath(i, ref.namespace, ref.name);
      const text = await call({
        method: 'PATCH',
        path: opts.subresource ? `${path}/${opts.subresource}` : path,
        query: { fieldManager: opts.fieldManager },
        body: JSON.stringify(body),
        contentType: 'application/merge-patch+json',
      });
      return withType(parse<KubeObject>(text), i);
    },

    async create(object) {
      const i = await info(object.apiVersion, object.kind);
      const text = await call({
        method: 'POST',
        path: resourcePath(i, object.metadata.namespace ?? 'default'),
        query: { fieldManager: FIELD_MANAGER },
        body: JSON.stringify(object),
        contentType: 'application/json',
      });
      return withType(parse<KubeObject>(text), i);
    },

    async list(o) {
      const i = await info(o.apiVersion, o.kind);
      const items: KubeObject[] = [];
      let cont: string | undefined;
      let resourceVersion = '';
      do {
        const page = parse<{
          items?: KubeObject[];
          metadata?: { resourceVersion?: string; continue?: string };
        }>(
          await call({
            method: 'GET',
            path: resourcePath(i, o.namespace),
            query: { labelSelector: o.labelSelector, limit: String(listPageSize), continue: cont },
          }),
        );
        for (const item of page.items ?? []) items.push(withType(item, i));
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return { items, resourceVersion };
    },

    async watch(o, onEvent, done) {
      const i = await info(o.apiVersion, o.kind);
      await limiter.take();
      // Servers end a watch after timeoutSeconds; a spread avoids every watch reconnecting at once.
      const timeoutSeconds = 300 + Math.floor(policy.random() * 300);
      return openWatch({
        transport,
        request: {
          method: 'GET',
          path: resourcePath(i, o.namespace),
          timeoutMs,
          query: {
            watch: 'true',
            resourceVersion: o.resourceVersion,
            allowWatchBookmarks: 'true',
            labelSelector: o.labelSelector,
            timeoutSeconds: String(timeoutSeconds),
          },
        },
        info: i,
        inactivityMs: (timeoutSeconds + 30) * 1000,
        onEvent,
        done,
      });
    },

    async probe() {
      // One attempt (health counts failed probes), but a stale kept-alive connection is no failure.
      const once = { ...policy, maxAttempts: 1 };
      const get = (path: string): Promise<unknown> =>
        withRetry(once, () => transport.send({ method: 'GET', path, timeoutMs }), {
          request: { method: 'GET' },
        });
      try {
        await get('/readyz');
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await get('/healthz');
      }
    },
  };
}
