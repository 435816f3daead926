// Load-balancer object limits of the global external Application Load Balancer
// (cloud.google.com/load-balancing/docs/quotas).
export const LIMITS = {
  hostRulesPerUrlMap: 1000,
  pathMatchersPerUrlMap: 1000,
  pathRulesPerPathMatcher: 1000,
  hostsPerHostRule: 1000,
  backendsPerBackendService: 50,
  sslCertificatesPerTargetProxy: 15,
  urlMapBytes: 64 * 1024,
} as const;

export type Limits = { [K in keyof typeof LIMITS]: number };
