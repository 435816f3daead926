// Backend health for the write-back: getHealth per group of each backend service fedsync owns, folded
// into HEALTHY / UNHEALTHY / Unknown as the GCE ingress controller did. A failed call makes that
// group Unknown; it never fails the cycle.
import {
  backendState,
  hasFederationUid,
  type BackendState,
  type GroupHealth,
  type ObservedLoadBalancer,
} from '../model/index.js';
import type { ComputeApi } from './api.js';
import { GcpError } from './errors.js';
import { withRetry, type RetryPolicy } from './retry.js';

export async function readBackendHealth(
  api: ComputeApi,
  observed: ObservedLoadBalancer,
  uid: string,
  retry: RetryPolicy,
): Promise<Record<string, BackendState>> {
  const services = observed.resources.filter(
    (r) => r.ref.kind === 'backendService' && hasFederationUid(r.ref.name, uid),
  );
  const entries = await Promise.all(
    services.map(async (bs) => {
      const groups = ((bs.body.backends ?? []) as { group?: unknown }[])
        .map((b) => b.group)
        .filter((g): g is string => typeof g === 'string');
      const health: GroupHealth[] = await Promise.all(
        groups.map(async (group) => {
          try {
            return { group, states: await withRetry(retry, () => api.getHealth(bs.ref.name, group)) };
          } catch (err) {
            if (!(err instanceof GcpError)) throw err;
            return { group, error: err.code };
          }
        }),
      );
      return [bs.ref.name, backendState(health)] as const;
    }),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}
