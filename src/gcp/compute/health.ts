// Backend health for the write-back and the status: getHealth per group of each backend service
// fedsync owns, folded into HEALTHY / UNHEALTHY / Unknown as the GCE ingress controller did. A failed
// call makes that group Unknown; it never fails the cycle.
import {
  backendState,
  foldBackendHealth,
  hasFederationUid,
  type BackendGroupHealth,
  type BackendState,
  type ObservedLoadBalancer,
} from '../model/index.js';
import type { ComputeApi } from './api.js';
import { GcpError } from './errors.js';
import { withRetry, type RetryPolicy } from './retry.js';

/** getHealth of every group of every backend service of the federation (one call per group). */
export async function readGroupHealth(
  api: ComputeApi,
  observed: ObservedLoadBalancer,
  uid: string,
  retry: RetryPolicy,
): Promise<BackendGroupHealth[]> {
  const services = observed.resources.filter(
    (r) => r.ref.kind === 'backendService' && hasFederationUid(r.ref.name, uid),
  );
  const perService = await Promise.all(
    services.map(async (bs) => {
      const groups = ((bs.body.backends ?? []) as { group?: unknown }[])
        .map((b) => b.group)
        .filter((g): g is string => typeof g === 'string');
      return Promise.all(
        groups.map(async (group): Promise<BackendGroupHealth> => {
          try {
            const states = await withRetry(retry, () => api.getHealth(bs.ref.name, group));
            return { backendService: bs.ref.name, health: { group, states } };
          } catch (err) {
            if (!(err instanceof GcpError)) throw err;
            return { backendService: bs.ref.name, health: { group, error: err.code } };
          }
        }),
      );
    }),
  );
  return perService.flat();
}

export async function readBackendHealth(
  api: ComputeApi,
  observed: ObservedLoadBalancer,
  uid: string,
  retry: RetryPolicy,
): Promise<Record<string, BackendState>> {
  const groups = await readGroupHealth(api, observed, uid, retry);
  const services = observed.resources.filter(
    (r) => r.ref.kind === 'backendService' && hasFederationUid(r.ref.name, uid),
  );
  // A service without groups is Unknown too.
  return {
    ...Object.fromEntries(services.map((s) => [s.ref.name, backendState([])])),
    ...foldBackendHealth(groups),
  };
}
