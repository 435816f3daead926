// loadbalancers/<namespace>-<name>.md: a `kubectl describe`-like page for one load balancer: its
// address and state, the cloud resources fedsync keeps for it, and backend health per cluster.
import { cell, code, shortSha, stateBadge } from './markdown-text.js';
import { loadBalancerId } from './status-paths.js';
import type { LoadBalancerStatus } from './status-snapshot.js';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function endpoints(b: { healthyEndpoints?: number; endpoints?: number }): string {
  if (b.endpoints === undefined) return b.healthyEndpoints === undefined ? '—' : `${b.healthyEndpoints}`;
  return `${b.healthyEndpoints ?? '?'}/${b.endpoints}`;
}

export function formatLoadBalancerMarkdown(
  lb: LoadBalancerStatus,
  ctx: { federation: string; driftLink?: string },
): string {
  const id = loadBalancerId(lb);
  const describe: [string, string][] = [
    ['Name', lb.name],
    ['Namespace', lb.namespace],
    ['Federation', ctx.federation],
    ['State', lb.state],
    ['IP', lb.ip ?? '(not assigned)'],
    ['Applied', shortSha(lb.appliedSha)],
    ['Last change', lb.lastChange ?? '—'],
    ['Drift', `${lb.drift?.length ?? 0}`],
  ];
  if (lb.message) describe.push(['Message', lb.message.replace(/\r?\n/g, ' ')]);
  const width = Math.max(...describe.map(([k]) => k.length)) + 2;
  const out: string[] = [
    `# Load balancer ${code(id)}: ${stateBadge(lb.state)}`,
    '',
    '```text',
    ...describe.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`),
    '```',
    '',
    '## Backends',
    '',
  ];
  const backends = [...(lb.backends ?? [])].sort((a, b) => cmp(a.cluster, b.cluster));
  if (backends.length === 0) out.push('No backends.');
  else {
    out.push('| Cluster | Health | Healthy endpoints | Detail |', '|---|---|--:|---|');
    for (const b of backends)
      out.push(`| ${cell(b.cluster)} | ${b.health} | ${endpoints(b)} | ${cell(b.detail ?? '')} |`);
  }
  out.push('', '## Resources', '');
  const resources = [...(lb.resources ?? [])].sort((a, b) => cmp(a.kind, b.kind) || cmp(a.name, b.name));
  if (resources.length === 0) out.push('No resources recorded.');
  else {
    out.push('| Kind | Name |', '|---|---|');
    for (const r of resources) out.push(`| ${cell(r.kind)} | ${code(r.name)} |`);
  }
  if (ctx.driftLink) out.push('', `Drift: [${ctx.driftLink}](../${ctx.driftLink})`);
  return `${out.join('\n')}\n`;
}
