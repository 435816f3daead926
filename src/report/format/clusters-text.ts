// The clusters view as text: one row per registered cluster (status, region, zones, last probe),
// and under each cluster that is not Ready the reason and message that say why.
import type { ClusterView, ClustersView } from './clusters-view.js';

const HEADER = ['NAME', 'STATUS', 'REGION', 'ZONES', 'LAST PROBE'] as const;

function row(c: ClusterView): string[] {
  return [
    c.name,
    c.leaving ? `${c.health} (leaving)` : c.health,
    c.region ?? '-',
    c.zones.length > 0 ? c.zones.join(',') : '-',
    c.lastProbeAt ?? '-',
  ];
}

export function formatClustersText(view: ClustersView): string {
  if (view.clusters.length === 0) return 'No clusters are registered.\n';
  const rows = view.clusters.map(row);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(HEADER)];
  view.clusters.forEach((c, i) => {
    out.push(line(rows[i]!));
    if (c.cause) out.push(`  why: ${c.cause.reason}: ${c.cause.message}`);
    else if (c.agent)
      out.push(`  note: the agent ${c.agent.observer} has it Offline since ${c.agent.offlineSince}`);
  });
  if (view.record)
    out.push('', `Agent verdicts: the record of ${view.record.observer}, written ${view.record.updatedAt}.`);
  return `${out.join('\n')}\n`;
}
