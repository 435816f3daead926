// The demo's replica lines: each federated workload read from each cluster (one GET per cluster),
// worded by report/format. Demo output only, never on the reconcile path.
import type { ClusterClient } from '../../kube/port.js';
import type { FederationRepo } from '../../model/index.js';
import { refOf, subject } from '../../model/index.js';
import { workloadLine } from '../../report/format/outcome-text.js';
import type { WorkloadReading } from '../../report/format/outcome-text.js';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet']);

export async function workloadLines(options: {
  repo: FederationRepo;
  clients: ReadonlyMap<string, ClusterClient>;
}): Promise<string[]> {
  const lines: string[] = [];
  for (const fed of options.repo.objects) {
    const template = fed.template;
    if (!WORKLOADS.has(template.kind)) continue;
    const ref = refOf(template);
    const readings: WorkloadReading[] = [];
    for (const [cluster, client] of options.clients) {
      const live = await client
        .get({ ...ref, apiVersion: template.apiVersion })
        .catch(() => 'unreachable' as const);
      if (live === 'unreachable') readings.push({ cluster, state: 'unreachable' });
      else if (live === undefined) readings.push({ cluster, state: 'absent' });
      else
        readings.push({
          cluster,
          state: 'present',
          specReplicas: Number((live.spec as { replicas?: number } | undefined)?.replicas ?? 0),
          readyReplicas: Number((live.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0),
        });
    }
    lines.push(workloadLine(subject(ref), readings));
  }
  return lines;
}
