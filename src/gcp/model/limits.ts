// The load balancer's object limits and the project's quotas, checked on the desired resources
// before any call: a plan that would hit one says so instead of failing half-way through an apply.
import type { Problem } from '../../model/index.js';
import type { DesiredResource, GcpKind, ObservedLoadBalancer } from './resources.js';

/** Limits of the global external Application Load Balancer (per URL map, backend service, proxy). */
export const LB_LIMITS = {
  hostRulesPerUrlMap: 1000,
  pathMatchersPerUrlMap: 1000,
  pathRulesPerPathMatcher: 1000,
  hostsPerHostRule: 1000,
  urlMapBytes: 64 * 1024,
  backendsPerBackendService: 50,
  sslCertificatesPerTargetProxy: 15,
} as const;

/** The project quota metric each kind counts against (global resources only). */
export const QUOTA_METRIC: Partial<Record<GcpKind, string>> = {
  backendService: 'BACKEND_SERVICES',
  healthCheck: 'HEALTH_CHECKS',
  urlMap: 'URL_MAPS',
  targetHttpProxy: 'TARGET_HTTP_PROXIES',
  targetHttpsProxy: 'TARGET_HTTPS_PROXIES',
  sslCertificate: 'SSL_CERTIFICATES',
  firewall: 'FIREWALLS',
};

/** How the URL map's size is counted: with links as long as the real API stores them. */
const LINK_HOST = 'https://www.googleapis.com/compute/v1/';

function urlMapBytes(body: Record<string, unknown>): number {
  return new TextEncoder().encode(
    JSON.stringify(body, (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith('projects/') ? `${LINK_HOST}${v}` : v,
    ),
  ).length;
}

function over(what: string, count: number, limit: number): string {
  return `${what}: ${count} exceeds the load balancer's limit of ${limit}`;
}

function ingressLimits(resources: readonly DesiredResource[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    if (r.ref.kind === 'urlMap') {
      const hostRules = (r.body.hostRules ?? []) as { hosts: unknown[] }[];
      const matchers = (r.body.pathMatchers ?? []) as { name: string; pathRules: unknown[] }[];
      if (hostRules.length > LB_LIMITS.hostRulesPerUrlMap)
        out.push(over('host rules', hostRules.length, LB_LIMITS.hostRulesPerUrlMap));
      if (matchers.length > LB_LIMITS.pathMatchersPerUrlMap)
        out.push(over('path matchers', matchers.length, LB_LIMITS.pathMatchersPerUrlMap));
      for (const h of hostRules)
        if (h.hosts.length > LB_LIMITS.hostsPerHostRule)
          out.push(over('hosts in one host rule', h.hosts.length, LB_LIMITS.hostsPerHostRule));
      for (const m of matchers)
        if (m.pathRules.length > LB_LIMITS.pathRulesPerPathMatcher)
          out.push(over(`path rules of one host`, m.pathRules.length, LB_LIMITS.pathRulesPerPathMatcher));
      const bytes = urlMapBytes(r.body);
      if (bytes > LB_LIMITS.urlMapBytes)
        out.push(over('URL map size in bytes', bytes, LB_LIMITS.urlMapBytes));
    }
    if (r.ref.kind === 'targetHttpsProxy') {
      const certs = (r.body.sslCertificates ?? []) as unknown[];
      if (certs.length > LB_LIMITS.sslCertificatesPerTargetProxy)
        out.push(over('certificates', certs.length, LB_LIMITS.sslCertificatesPerTargetProxy));
    }
  }
  return out;
}

function sharedLimits(resources: readonly DesiredResource[]): Problem[] {
  const out: Problem[] = [];
  for (const r of resources) {
    if (r.ref.kind !== 'backendService') continue;
    const n = ((r.body.backends ?? []) as unknown[]).length;
    if (n > LB_LIMITS.backendsPerBackendService)
      out.push({
        code: 'gcp.limit',
        severity: 'error',
        message: `backend service ${r.ref.name}: ${over('backends (cluster zones)', n, LB_LIMITS.backendsPerBackendService)}; no load-balancer change is made`,
      });
  }
  return out;
}

/** Resources the plan would create, counted against the project's quotas (when they were read). */
export function checkQuotas(
  resources: readonly DesiredResource[],
  observed: ObservedLoadBalancer,
): Problem[] {
  if (!observed.quotas || observed.quotas.length === 0) return [];
  const exists = new Set(observed.resources.map((r) => `${r.ref.kind}/${r.ref.zone ?? ''}/${r.ref.name}`));
  const adding = new Map<string, number>();
  for (const r of resources) {
    const metric = QUOTA_METRIC[r.ref.kind];
    if (!metric || exists.has(`${r.ref.kind}/${r.ref.zone ?? ''}/${r.ref.name}`)) continue;
    adding.set(metric, (adding.get(metric) ?? 0) + 1);
  }
  const out: Problem[] = [];
  for (const [metric, n] of [...adding.entries()].sort()) {
    const q = observed.quotas.find((x) => x.metric === metric);
    if (q && q.usage + n > q.limit)
      out.push({
        code: 'gcp.quota',
        severity: 'error',
        message: `quota ${metric}: ${q.usage} used of ${q.limit}, the plan needs ${n} more; raise the quota; no load-balancer change is made`,
      });
  }
  return out;
}

export const checkLimits = { ingress: ingressLimits, shared: sharedLimits };
