// What the demo shows after each reconcile besides the summary: each federated workload's share and
// readiness per cluster, read from the clusters themselves (the text comes from src/report).
import type { ClusterClient } from '../../kube/port.js';
import type { FederationRepo } from '../../model/index.js';
import { refOf, subject } from '../../model/index.js';
import { workloadLine } from '../../report/render/result-text.js';
import type { WorkloadCopy } from '../../report/render/result-text.js';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet']);

/** `  ReplicaSet/default/nginx (6 placed): gce-asia-east1a 4/4 ready · gce-europe-west1b 2/2 ready · …` */
export async function workloadLines(options: {
  repo: FederationRepo;
  clients: ReadonlyMap<string, ClusterClient>;
}): Promise<string[]> {
  const lines: string[] = [];
  for (const fed of options.repo.objects) {
    const template = fed.template;
    if (!WORKLOADS.has(template.kind)) continue;
    const ref = refOf(template);
    const copies: WorkloadCopy[] = [];
    for (const [cluster, client] of options.clients) {
      const live = await client
        .get({ ...ref, apiVersion: template.apiVersion })
        .catch(() => 'unreachable' as const);
      if (live === 'unreachable') copies.push({ cluster, state: 'unreachable' });
      else if (live === undefined) copies.push({ cluster, state: 'absent' });
      else
        copies.push({
          cluster,
          state: 'present',
          replicas: Number((live.spec as { replicas?: number } | undefined)?.replicas ?? 0),
          ready: Number((live.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0),
        });
    }
    lines.push(workloadLine(subject(ref), copies));
  }
  return lines;
}
