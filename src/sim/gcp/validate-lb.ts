// Validation, reference checks and limits for the load-balancer chain: backend services, URL maps,
// target proxies, forwarding rules.
import { badRequest, invalid, show } from './errors.js';
import { resolveRef } from './references.js';
import { intField, isIpv4, labelsField, allocateIp, type Body, type Validator } from './validate-basic.js';

function list(input: Body, field: string): unknown[] {
  const v = input[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(`resource.${field}`, 'must be a list.');
  return v;
}

function overLimit(field: string, count: number, limit: number, what: string): never {
  throw badRequest(
    'invalid',
    `Invalid value for field '${field}': ${count} ${what} exceeds the limit of ${limit}.`,
  );
}

export const validateBackendService: Validator = (ctx, input) => {
  const healthChecks = list(input, 'healthChecks').map(
    (hc, i) => resolveRef(ctx, hc, `resource.healthChecks[${i}]`, ['healthChecks']).selfLink,
  );
  if (healthChecks.length > 1) throw invalid('resource.healthChecks', 'at most one health check is allowed.');
  const backends = list(input, 'backends').map((raw, i) => {
    const b = (raw ?? {}) as Body;
    const group = resolveRef(ctx, b.group, `resource.backends[${i}].group`, ['instanceGroups']).selfLink;
    const scaler = b.capacityScaler ?? 1;
    if (typeof scaler !== 'number' || !(scaler === 0 || (scaler >= 0.1 && scaler <= 1))) {
      throw invalid(
        `resource.backends[${i}].capacityScaler`,
        `'${show(scaler)}'. Must be 0 or between 0.1 and 1.0.`,
      );
    }
    return { ...b, group, balancingMode: b.balancingMode ?? 'UTILIZATION', capacityScaler: scaler };
  });
  if (backends.length > ctx.limits.backendsPerBackendService) {
    overLimit('resource.backends', backends.length, ctx.limits.backendsPerBackendService, 'backends');
  }
  if (new Set(backends.map((b) => b.group)).size !== backends.length) {
    throw invalid('resource.backends', 'the same instance group is listed twice.');
  }
  if (backends.length === 1 && backends[0]!.capacityScaler === 0) {
    throw invalid(
      'resource.backends[0].capacityScaler',
      'capacityScaler cannot be 0 when it is the only backend.',
    );
  }
  if (backends.length > 0 && healthChecks.length === 0) {
    throw invalid(
      'resource.healthChecks',
      'a backend service with instance group backends needs a health check.',
    );
  }
  const protocol = input.protocol ?? 'HTTP';
  if (!['HTTP', 'HTTPS', 'HTTP2'].includes(show(protocol))) {
    throw invalid('resource.protocol', `'${show(protocol)}'. Must be HTTP, HTTPS or HTTP2.`);
  }
  return {
    ...input,
    protocol,
    portName: input.portName ?? 'http',
    timeoutSec: intField(input, 'timeoutSec', 30, 1, 86400),
    loadBalancingScheme: input.loadBalancingScheme ?? 'EXTERNAL',
    connectionDraining: input.connectionDraining ?? { drainingTimeoutSec: 0 },
    healthChecks,
    backends,
  };
};

const hostRe = /^(\*|(\*[-.])?[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(:\d+)?$/i;
const pathRe = /^\/[^*?#]*(\/\*)?$|^\/\*$/;

export const validateUrlMap: Validator = (ctx, input) => {
  const service = (v: unknown, field: string) => resolveRef(ctx, v, field, ['backendServices']).selfLink;
  if (input.routeRules || input.defaultRouteAction || input.defaultUrlRedirect) {
    throw invalid('resource', 'route rules, route actions and redirects are not simulated.');
  }
  const hostRules = list(input, 'hostRules');
  const pathMatchers = list(input, 'pathMatchers');
  const { limits } = ctx;
  if (hostRules.length > limits.hostRulesPerUrlMap) {
    overLimit('resource.hostRules', hostRules.length, limits.hostRulesPerUrlMap, 'host rules');
  }
  if (pathMatchers.length > limits.pathMatchersPerUrlMap) {
    overLimit('resource.pathMatchers', pathMatchers.length, limits.pathMatchersPerUrlMap, 'path matchers');
  }
  const matcherNames = new Set<string>();
  const outMatchers = pathMatchers.map((raw, i) => {
    const pm = (raw ?? {}) as Body;
    const f = `resource.pathMatchers[${i}]`;
    if (typeof pm.name !== 'string' || matcherNames.has(pm.name))
      throw invalid(`${f}.name`, 'path matcher names must be unique.');
    matcherNames.add(pm.name);
    if (pm.routeRules) throw invalid(`${f}.routeRules`, 'route rules are not simulated.');
    const rules = list(pm, 'pathRules');
    if (rules.length > limits.pathRulesPerPathMatcher) {
      overLimit(`${f}.pathRules`, rules.length, limits.pathRulesPerPathMatcher, 'path rules');
    }
    const seen = new Set<string>();
    const pathRules = rules.map((r, j) => {
      const pr = (r ?? {}) as Body;
      const paths = list(pr, 'paths');
      if (paths.length === 0) throw invalid(`${f}.pathRules[${j}].paths`, 'at least one path is required.');
      for (const p of paths) {
        if (typeof p !== 'string' || !pathRe.test(p)) {
          throw invalid(
            `${f}.pathRules[${j}].paths`,
            `'${String(p)}'. Paths start with '/' and may only end in '/*'.`,
          );
        }
        if (seen.has(p)) throw invalid(`${f}.pathRules[${j}].paths`, `duplicate path '${p}'.`);
        seen.add(p);
      }
      return { ...pr, paths, service: service(pr.service, `${f}.pathRules[${j}].service`) };
    });
    return { ...pm, defaultService: service(pm.defaultService, `${f}.defaultService`), pathRules };
  });
  const seenHosts = new Set<string>();
  const outHostRules = hostRules.map((raw, i) => {
    const hr = (raw ?? {}) as Body;
    const f = `resource.hostRules[${i}]`;
    const hosts = list(hr, 'hosts');
    if (hosts.length === 0) throw invalid(`${f}.hosts`, 'at least one host is required.');
    if (hosts.length > limits.hostsPerHostRule)
      overLimit(`${f}.hosts`, hosts.length, limits.hostsPerHostRule, 'hosts');
    for (const h of hosts) {
      if (typeof h !== 'string' || !hostRe.test(h))
        throw invalid(`${f}.hosts`, `'${String(h)}' is not a valid host pattern.`);
      if (seenHosts.has(h.toLowerCase())) throw invalid(`${f}.hosts`, `duplicate host '${h}'.`);
      seenHosts.add(h.toLowerCase());
    }
    if (typeof hr.pathMatcher !== 'string' || !matcherNames.has(hr.pathMatcher)) {
      throw invalid(
        `${f}.pathMatcher`,
        `'${String(hr.pathMatcher)}' does not name a path matcher of this URL map.`,
      );
    }
    return { ...hr, hosts };
  });
  const out = {
    ...input,
    defaultService: service(input.defaultService, 'resource.defaultService'),
    hostRules: outHostRules,
    pathMatchers: outMatchers,
  };
  const bytes = Buffer.byteLength(JSON.stringify(out));
  if (bytes > limits.urlMapBytes) overLimit('resource', bytes, limits.urlMapBytes, 'bytes of URL map');
  return out;
};

export const validateTargetHttpProxy: Validator = (ctx, input) => ({
  ...input,
  urlMap: resolveRef(ctx, input.urlMap, 'resource.urlMap', ['urlMaps']).selfLink,
});

export function validateCertificateList(
  ctx: Parameters<Validator>[0],
  value: unknown,
  field: string,
): string[] {
  const certs = Array.isArray(value) ? value : [];
  if (certs.length === 0) throw invalid(field, 'at least one SSL certificate is required.');
  if (certs.length > ctx.limits.sslCertificatesPerTargetProxy) {
    overLimit(field, certs.length, ctx.limits.sslCertificatesPerTargetProxy, 'SSL certificates');
  }
  return certs.map((c: unknown, i) => resolveRef(ctx, c, `${field}[${i}]`, ['sslCertificates']).selfLink);
}

export const validateTargetHttpsProxy: Validator = (ctx, input) => ({
  ...input,
  urlMap: resolveRef(ctx, input.urlMap, 'resource.urlMap', ['urlMaps']).selfLink,
  sslCertificates: validateCertificateList(ctx, input.sslCertificates, 'resource.sslCertificates'),
  quicOverride: input.quicOverride ?? 'NONE',
});

const allowedPorts = { targetHttpProxies: ['80', '8080'], targetHttpsProxies: ['443'] } as const;

export const validateForwardingRule: Validator = (ctx, input, opts) => {
  const target = resolveRef(ctx, input.target, 'resource.target', [
    'targetHttpProxies',
    'targetHttpsProxies',
  ]);
  const kind = target.collection === 'targetHttpsProxies' ? 'targetHttpsProxies' : 'targetHttpProxies';
  const rawPort = show(input.portRange ?? allowedPorts[kind][0]);
  const m = /^(\d+)(?:-(\d+))?$/.exec(rawPort);
  if (
    !m ||
    (m[2] !== undefined && m[2] !== m[1]) ||
    !(allowedPorts[kind] as readonly string[]).includes(m[1]!)
  ) {
    throw invalid(
      'resource.portRange',
      `'${rawPort}'. A ${kind} target accepts ports ${allowedPorts[kind].join(', ')}.`,
    );
  }
  const portRange = `${m[1]}-${m[1]}`;
  if ((input.IPProtocol ?? 'TCP') !== 'TCP')
    throw invalid('resource.IPProtocol', 'must be TCP for an HTTP(S) proxy.');
  let ip = input.IPAddress;
  if (ip === undefined || ip === '') ip = opts.existing?.IPAddress ?? allocateIp(ctx);
  else if (!isIpv4(ip)) ip = resolveRef(ctx, ip, 'resource.IPAddress', ['addresses']).resource.address;
  else if (
    ip !== opts.existing?.IPAddress &&
    !ctx.store.list('addresses', 'global').some((a) => a.address === ip)
  ) {
    throw invalid(
      'resource.IPAddress',
      `'${ip}' is not a reserved global address of project ${ctx.project}.`,
    );
  }
  const clash = ctx.store
    .list('forwardingRules', 'global')
    .find((f) => f.name !== input.name && f.IPAddress === ip && f.portRange === portRange);
  if (clash)
    throw badRequest(
      'ipInUseByAnotherResource',
      `IP ${String(ip)} port ${m[1]} is already used by forwarding rule ${clash.name}.`,
    );
  return {
    ...input,
    IPAddress: ip,
    IPProtocol: 'TCP',
    portRange,
    target: target.selfLink,
    loadBalancingScheme: input.loadBalancingScheme ?? 'EXTERNAL',
    networkTier: input.networkTier ?? 'PREMIUM',
    labels: labelsField(input),
  };
};
