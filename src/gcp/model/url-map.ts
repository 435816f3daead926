// An Ingress's rules as a URL map, with the global load balancer's matching semantics: a host rule
// per host (`*` for rules without one) pointing at its own path matcher; within a matcher the longest
// path wins, `/x/*` matching everything under `/x/` and any other path matching exactly. Kubernetes
// path types map onto that: Exact → `/x`; Prefix → `/x` and `/x/*` (element-wise prefix, trailing
// slash ignored; `/` → `/*`); ImplementationSpecific → the path as written (GCE's own semantics).
import { pathMatcherName } from './names.js';
import type { IngressPath, PathType } from './ingress-spec.js';
import type { Json } from './resources.js';

/** The URL-map paths one Ingress path stands for; a string when it cannot be expressed. */
export function gclbPaths(path: string, pathType: PathType): string[] | string {
  if (path !== '' && !path.startsWith('/')) return `path '${path}' does not start with '/'`;
  if (/[?#]/.test(path)) return `path '${path}' contains '?' or '#'`;
  if (pathType === 'Exact') {
    if (path === '') return 'an Exact path cannot be empty';
    if (path.includes('*')) return `Exact path '${path}' contains '*'`;
    return [path];
  }
  if (pathType === 'Prefix') {
    if (path.includes('*')) return `Prefix path '${path}' contains '*'`;
    const base = path.replace(/\/+$/, '');
    return base === '' ? ['/*'] : [base, `${base}/*`];
  }
  if (path === '' || path === '/*') return ['/*'];
  const star = path.indexOf('*');
  if (star >= 0 && (star !== path.length - 1 || !path.endsWith('/*')))
    return `path '${path}' may only end in '/*' (the load balancer has no other wildcard)`;
  return [path];
}

export type UrlMapRules = { hostRules: Json[]; pathMatchers: Json[]; problems: string[] };

/**
 * Host rules and path matchers for the paths, each path's backend given as a backend-service link.
 * Hosts and paths are sorted, so the map is the same whatever order the Ingress lists them in (the
 * load balancer's matching does not depend on order). Two backends for one host and path: the first
 * in the Ingress wins and the clash is reported.
 */
export function urlMapRules(
  paths: readonly (IngressPath & { service: string })[],
  defaultService: string,
): UrlMapRules {
  const problems: string[] = [];
  const byHost = new Map<string, Map<string, string>>();
  for (const p of paths) {
    const converted = gclbPaths(p.path, p.pathType);
    if (typeof converted === 'string') {
      problems.push(`host ${p.host}: ${converted}`);
      continue;
    }
    const rules = byHost.get(p.host) ?? new Map<string, string>();
    byHost.set(p.host, rules);
    for (const gp of converted) {
      const existing = rules.get(gp);
      if (existing !== undefined && existing !== p.service) {
        problems.push(
          `host ${p.host}: path ${gp} is routed to two different backends; the first one is used`,
        );
        continue;
      }
      rules.set(gp, p.service);
    }
  }
  const hostRules: Json[] = [];
  const pathMatchers: Json[] = [];
  for (const host of [...byHost.keys()].sort()) {
    const matcher = pathMatcherName(host);
    const byService = new Map<string, string[]>();
    for (const [path, service] of byHost.get(host)!) {
      byService.set(service, [...(byService.get(service) ?? []), path]);
    }
    const pathRules = [...byService.entries()]
      .map(([service, ps]) => ({ paths: ps.sort(), service }))
      .sort((a, b) => (a.paths[0]! < b.paths[0]! ? -1 : a.paths[0]! > b.paths[0]! ? 1 : 0));
    hostRules.push({ hosts: [host], pathMatcher: matcher });
    pathMatchers.push({ name: matcher, defaultService, pathRules });
  }
  return { hostRules, pathMatchers, problems };
}
