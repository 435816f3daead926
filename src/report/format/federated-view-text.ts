// The federated view as text: per object, its state in each cluster and the summed replicas, like
// `kubectl get` across the federation.
import type { FederatedObjectView, MemberState } from './federated-view.js';

function memberLine(m: MemberState, width: number): string {
  const name = m.cluster.padEnd(width);
  const health = m.health.padEnd(7);
  if (!m.present) return `  ${name}  ${health}  ${m.health === 'Offline' ? 'unknown' : 'absent'}`;
  const rollout = m.upToDate ? 'up to date' : 'rolling out';
  if (m.replicas === undefined) return `  ${name}  ${health}  present`;
  return `  ${name}  ${health}  ${m.readyReplicas ?? 0}/${m.replicas} ready  ${rollout}`;
}

export function formatFederatedViewText(views: readonly FederatedObjectView[]): string {
  if (views.length === 0) return 'No objects.\n';
  const width = Math.max(...views.flatMap((v) => v.clusters.map((c) => c.cluster.length)));
  const out: string[] = [];
  for (const v of views) {
    const sum = v.replicas ? `  replicas ${v.replicas.ready}/${v.replicas.desired} ready` : '';
    out.push(`${v.subject}${sum}`);
    for (const m of v.clusters) out.push(memberLine(m, width));
  }
  return `${out.join('\n')}\n`;
}
