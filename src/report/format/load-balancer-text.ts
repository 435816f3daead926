// A federated Ingress's load balancer as text: its IP, the Google Cloud resources it uses and each
// backend per cluster with its health — what `fedsync status` prints next to the objects — and the
// one line `fedsync apply` and the demo print per load balancer.
import { COLLECTION_OF } from '../../gcp/model/resources.js';
import type { LoadBalancerBackendView, LoadBalancerView } from '../../model/index.js';

function backendWord(b: LoadBalancerBackendView): string {
  return b.drained ? `${b.health}, drained` : b.health;
}

/** `Load balancer default/myingress: 34.120.0.1; gce-asia-east1a HEALTHY · gce-europe-west1b HEALTHY` */
export function loadBalancerLine(v: LoadBalancerView): string {
  const backends = v.backends.map((b) => `${b.cluster} ${backendWord(b)}`).join(' · ');
  return `Load balancer ${v.ingress}: ${v.ip ?? 'no IP yet'}${backends ? `; ${backends}` : ''}`;
}

export function formatLoadBalancersText(views: readonly LoadBalancerView[]): string {
  if (views.length === 0) return '';
  const out: string[] = [];
  for (const v of views) {
    out.push(`Load balancer Ingress/${v.ingress}  IP ${v.ip ?? '(none yet)'}`);
    const width = Math.max(7, ...v.backends.map((b) => b.cluster.length));
    for (const b of v.backends)
      out.push(
        `  ${b.cluster.padEnd(width)}  ${b.zone.padEnd(16)}  ${backendWord(b).padEnd(18)}  ${b.backendService}`,
      );
    if (v.backends.length === 0) out.push('  (no backends)');
    for (const r of v.resources)
      out.push(`  ${r.zone ? `zones/${r.zone}/` : ''}${COLLECTION_OF[r.kind]}/${r.name}`);
  }
  return `${out.join('\n')}\n`;
}
