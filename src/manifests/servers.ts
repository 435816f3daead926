// One API server, however it is spelled. Two registrations that reach the same server are one cluster
// registered twice: each run would apply the objects placed on one and prune those placed on the
// other, so the same objects are created and deleted on alternate runs. Pure: the fleet calls
// duplicateServers with what its kubeconfig resolves; the manifest loader compares what the
// registrations themselves declare.

/**
 * A comparable form of an API server address: scheme and host lower-cased, the default port and
 * trailing slashes dropped, `https://` assumed when no scheme is given (federation v1 allows
 * `host:port`). A path is kept: proxies serve many clusters under one host, one per path. User info
 * and a query string are dropped (the result may be printed).
 */
export function normaliseServer(address: string): string {
  const text = address.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return text.toLowerCase().replace(/\/+$/, '');
  }
  const defaultPort = url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '';
  const port = url.port && url.port !== defaultPort ? `:${url.port}` : '';
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.hostname}${port}${path}`;
}

/** Contexts that resolve to the same API server. */
export type DuplicateServer = { server: string; contexts: string[] };

/**
 * Groups contexts by the API server they resolve to and returns every group of two or more, sorted
 * by server, contexts sorted. A context with no server (empty string) is not compared.
 */
export function duplicateServers(
  contextsToServers: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): DuplicateServer[] {
  const entries: [string, string][] =
    contextsToServers instanceof Map
      ? [...(contextsToServers as ReadonlyMap<string, string>).entries()]
      : Object.entries(contextsToServers as Readonly<Record<string, string>>);
  const byServer = new Map<string, string[]>();
  for (const [context, server] of entries) {
    if (server.trim() === '') continue;
    const key = normaliseServer(server);
    byServer.set(key, [...(byServer.get(key) ?? []), context]);
  }
  return [...byServer.entries()]
    .filter(([, contexts]) => contexts.length > 1)
    .map(([server, contexts]) => ({ server, contexts: [...contexts].sort() }))
    .sort((a, b) => a.server.localeCompare(b.server));
}
