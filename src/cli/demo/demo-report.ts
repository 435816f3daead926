// What the demo prints after each reconcile: one outcome line, then each federated workload's
// share and readiness per cluster, read from the clusters themselves.
import type { ReconcileOutcome } from '../../agent/reconcile-once.js';
import type { ClusterClient } from '../../kube/port.js';
import type { FederationRepo } from '../../model/index.js';
import { refOf } from '../../model/index.js';
import { summaryOf } from '../commands/apply.js';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet']);

export function outcomeLine(outcome: ReconcileOutcome, reasons: readonly string[], at: Date): string {
  const time = at.toISOString().slice(11, 19);
  return `${time} [${reasons.join(',')}] ${summaryOf(outcome)}`;
}

/** `  ReplicaSet/default/nginx: gce-asia-east1a 4/4 ready · gce-europe-west1b 2/2 ready · …` */
export async function workloadLines(options: {
  repo: FederationRepo;
  clients: ReadonlyMap<string, ClusterClient>;
}): Promise<string[]> {
  const lines: string[] = [];
  for (const fed of options.repo.objects) {
    const template = fed.template;
    if (!WORKLOADS.has(template.kind)) continue;
    const ref = refOf(template);
    const parts: string[] = [];
    let total = 0;
    for (const [name, client] of options.clients) {
      const live = await client
        .get({ ...ref, apiVersion: template.apiVersion })
        .catch(() => 'unreachable' as const);
      if (live === 'unreachable') parts.push(`${name} unreachable`);
      else if (live === undefined) parts.push(`${name} -`);
      else {
        const spec = Number((live.spec as { replicas?: number } | undefined)?.replicas ?? 0);
        const ready = Number((live.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0);
        total += spec;
        parts.push(`${name} ${ready}/${spec} ready`);
      }
    }
    lines.push(`  ${ref.kind}/${ref.namespace}/${ref.name} (${total} placed): ${parts.join(' · ')}`);
  }
  return lines;
}
