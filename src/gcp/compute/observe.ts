// One observe cycle: one list call per resource type, each filtered to the federation's resources
// by the `--<uid>` name suffix (plus the user's addresses and certificates the Ingresses name), then
// one listInstances per instance group fedsync owns (the API has no other way to read membership),
// the project's quotas, and optionally the nodes' network tags. Nothing else is read.
import {
  COLLECTION_OF,
  GCP_KINDS,
  federationListFilter,
  hasFederationUid,
  normalizeObserved,
  type GcpKind,
  type ObservedLoadBalancer,
  type ObservedResource,
} from '../model/index.js';
import type { ComputeApi } from './api.js';
import { withRetry, type RetryPolicy } from './retry.js';

export type ObserveScope = {
  uid: string;
  /** Names of user-reserved global addresses the Ingresses use. */
  addresses?: readonly string[];
  /** Names of pre-shared certificates the Ingresses use. */
  sslCertificates?: readonly string[];
  /** Instance names whose network tags the firewall rule needs; none: tags are not read. */
  instances?: readonly string[];
  /** Read the project's quotas (one projects.get); default true. */
  quotas?: boolean;
};

export async function observeLoadBalancer(
  api: ComputeApi,
  scope: ObserveScope,
  retry: RetryPolicy,
): Promise<ObservedLoadBalancer> {
  const extra: Partial<Record<GcpKind, readonly string[]>> = {
    address: scope.addresses ?? [],
    sslCertificate: scope.sslCertificates ?? [],
  };
  const lists = await Promise.all(
    GCP_KINDS.map(async (kind) => ({
      kind,
      items: await withRetry(retry, () => api.list(kind, federationListFilter(scope.uid, extra[kind] ?? []))),
    })),
  );
  const resources: ObservedResource[] = [];
  await Promise.all(
    lists.flatMap(({ kind, items }) =>
      items.map(async (raw) => {
        const name = typeof raw.name === 'string' ? raw.name : '';
        if (kind === 'instanceGroup' && hasFederationUid(name, scope.uid)) {
          const zone = typeof raw.zone === 'string' ? raw.zone.split('/').pop() : undefined;
          const members = await withRetry(retry, () =>
            api.listInstances({ kind, name, ...(zone ? { zone } : {}) }),
          );
          resources.push(normalizeObserved(kind, raw, { members }));
          return;
        }
        resources.push(normalizeObserved(kind, raw));
      }),
    ),
  );
  const order = (r: ObservedResource) => `${COLLECTION_OF[r.ref.kind]}/${r.ref.zone ?? ''}/${r.ref.name}`;
  resources.sort((a, b) => (order(a) < order(b) ? -1 : 1));
  const quotas = scope.quotas === false ? undefined : await withRetry(retry, () => api.quotas());
  const names = [...new Set(scope.instances ?? [])].filter((n) => /^[a-z][-a-z0-9]*$/.test(n)).sort();
  const instanceTags =
    names.length > 0
      ? await withRetry(retry, () => api.instanceTags(`name eq "(${names.join('|')})"`))
      : undefined;
  return {
    project: api.project,
    resources,
    ...(quotas ? { quotas } : {}),
    ...(instanceTags ? { instanceTags } : {}),
  };
}
