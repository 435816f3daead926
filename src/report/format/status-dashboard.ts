// README.md of the status branch: the dashboard. One table row per cluster and per load balancer,
// worst state first, each with relative links to its details; no raw JSON, so it reads the same
// rendered on GitHub and on GitLab.
import { cell, code, shortSha, stateBadge } from './markdown-text.js';
import { loadBalancerId, statusPaths } from './status-paths.js';
import { overallState, stateRank } from './status-snapshot.js';
import type { StatusSnapshot, TargetState } from './status-snapshot.js';

type Row = {
  kind: 'cluster' | 'load balancer';
  name: string;
  state: TargetState;
  appliedSha?: string;
  drift: number;
  ip?: string;
  lastChange?: string;
  message?: string;
  links: [string, string][];
};

function link(label: string, path: string): string {
  return `[${label}](${encodeURI(path)})`;
}

function rows(snapshot: StatusSnapshot): Row[] {
  const out: Row[] = [];
  for (const c of snapshot.clusters) {
    const drift = c.drift?.length ?? 0;
    const links: [string, string][] = [['status', statusPaths.cluster(c)]];
    if (drift > 0) links.unshift(['drift', statusPaths.clusterDrift(c, 'md')]);
    if (c.inventory) links.push(['inventory', statusPaths.inventory(c)]);
    out.push({ kind: 'cluster', name: c.name, state: c.state, drift, links, ...optional(c) });
  }
  for (const lb of snapshot.loadBalancers) {
    const drift = lb.drift?.length ?? 0;
    const links: [string, string][] = [['describe', statusPaths.loadBalancer(lb)]];
    if (drift > 0) links.push(['drift', statusPaths.loadBalancerDrift(lb, 'md')]);
    const row: Row = {
      kind: 'load balancer',
      name: loadBalancerId(lb),
      state: lb.state,
      drift,
      links,
      ...optional(lb),
    };
    if (lb.ip) row.ip = lb.ip;
    out.push(row);
  }
  return out.sort(
    (a, b) =>
      stateRank(b.state) - stateRank(a.state) ||
      (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function optional(t: { appliedSha?: string; lastChange?: string; message?: string }): Partial<Row> {
  const o: Partial<Row> = {};
  if (t.appliedSha) o.appliedSha = t.appliedSha;
  if (t.lastChange) o.lastChange = t.lastChange;
  if (t.message) o.message = t.message;
  return o;
}

export function formatDashboard(snapshot: StatusSnapshot): string {
  const all = rows(snapshot);
  const synced = all.filter((r) => r.state === 'Synced').length;
  const ref = snapshot.source.ref ? ` (${code(snapshot.source.ref)})` : '';
  const out: string[] = [
    `# fedsync status: ${code(snapshot.federation)}`,
    '',
    `**${stateBadge(overallState(snapshot))}** · source ${code(shortSha(snapshot.source.sha))}${ref} · ` +
      `${synced} of ${all.length} targets synced`,
    '',
  ];
  if (all.length === 0) out.push('No clusters or load balancers yet.');
  else {
    out.push(
      '| Target | State | Applied | Drift | IP | Last change | Note | Details |',
      '|---|---|---|--:|---|---|---|---|',
    );
    for (const r of all) {
      out.push(
        `| ${r.kind} ${code(r.name)} | ${stateBadge(r.state)} | ${r.appliedSha ? code(shortSha(r.appliedSha)) : '—'} | ${r.drift} | ${r.ip ? code(r.ip) : '—'} | ${cell(r.lastChange ?? '—')} | ${cell(r.message ?? '')} | ${r.links.map(([l, p]) => link(l, p)).join(' · ')} |`,
      );
    }
  }
  const previews = [...(snapshot.previews ?? [])].sort((a, b) =>
    a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0,
  );
  if (previews.length > 0) {
    out.push('', '## Pull-request previews', '');
    for (const p of previews)
      out.push(`- ${link(shortSha(p.sha), statusPaths.preview(p.sha))}${p.ref ? ` for ${code(p.ref)}` : ''}`);
  }
  out.push(
    '',
    '---',
    '',
    `Machine-readable: ${link('status.json', statusPaths.status)} · changes over time: ${link('history.jsonl', statusPaths.history)}. ` +
      'This branch is written by fedsync; edits to it are overwritten.',
  );
  return `${out.join('\n')}\n`;
}
