// The whole status branch as a file set (path → content), rendered from one snapshot. Pure and
// deterministic: the same snapshot and previous history give the same bytes, so a writer can compare
// trees and commit only when something a person would see changed.
import { canonicalJson } from './canonical-json.js';
import { formatDashboard } from './status-dashboard.js';
import { MAX_DRIFT_ENTRIES, formatDriftJson, formatDriftMarkdown } from './status-drift.js';
import { DEFAULT_HISTORY_LIMIT, formatHistory } from './status-history.js';
import { formatLoadBalancerMarkdown } from './status-loadbalancer.js';
import { checkSnapshot, loadBalancerId, statusPaths } from './status-paths.js';
import { STATUS_SCHEMA_VERSION, overallState } from './status-snapshot.js';
import type {
  ClusterStatus,
  DriftEntry,
  LoadBalancerStatus,
  PreviewPlan,
  StatusSnapshot,
} from './status-snapshot.js';

/** Path → file content; keys in sorted order. */
export type StatusFiles = Record<string, string>;

export type FormatStatusOptions = {
  /** history.jsonl as the branch holds it now (new events are appended to it). */
  previousHistory?: string;
  /** Most history lines kept; default 200. */
  historyLimit?: number;
};

export const GITATTRIBUTES = [
  '# Written by fedsync. Machine-readable files are generated: collapse them in diffs.',
  '*.json linguist-generated=true gitlab-generated',
  '*.jsonl linguist-generated=true gitlab-generated',
  '',
].join('\n');

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byId = (a: LoadBalancerStatus, b: LoadBalancerStatus) =>
  loadBalancerId(a) < loadBalancerId(b) ? -1 : loadBalancerId(a) > loadBalancerId(b) ? 1 : 0;

function driftSummary(drift: readonly DriftEntry[] | undefined) {
  const all = drift ?? [];
  return {
    total: all.length,
    corrected: all.filter((e) => e.handling === 'corrected').length,
    reported: all.filter((e) => e.handling === 'reported').length,
    failed: all.filter((e) => e.handling === 'failed').length,
  };
}

function clusterJson(c: ClusterStatus, snapshot: StatusSnapshot): string {
  const drift = driftSummary(c.drift);
  return canonicalJson({
    schemaVersion: STATUS_SCHEMA_VERSION,
    federation: snapshot.federation,
    sourceSha: snapshot.source.sha,
    name: c.name,
    state: c.state,
    message: c.message,
    appliedSha: c.appliedSha,
    lastChange: c.lastChange,
    counts: c.counts,
    drift: { ...drift, file: drift.total > 0 ? statusPaths.clusterDrift(c, 'json') : undefined },
    inventory: c.inventory
      ? { objects: new Set(c.inventory).size, file: statusPaths.inventory(c) }
      : undefined,
  });
}

function statusJson(snapshot: StatusSnapshot): string {
  return canonicalJson({
    schemaVersion: STATUS_SCHEMA_VERSION,
    federation: snapshot.federation,
    source: snapshot.source,
    state: overallState(snapshot),
    clusters: [...snapshot.clusters].sort(byName).map((c) => ({
      name: c.name,
      state: c.state,
      message: c.message,
      appliedSha: c.appliedSha,
      lastChange: c.lastChange,
      drift: c.drift?.length ?? 0,
      file: statusPaths.cluster(c),
    })),
    loadBalancers: [...snapshot.loadBalancers].sort(byId).map((lb) => ({
      namespace: lb.namespace,
      name: lb.name,
      state: lb.state,
      message: lb.message,
      ip: lb.ip,
      appliedSha: lb.appliedSha,
      lastChange: lb.lastChange,
      drift: lb.drift?.length ?? 0,
      backends: [...(lb.backends ?? [])]
        .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0))
        .map((b) => ({ cluster: b.cluster, health: b.health })),
      file: statusPaths.loadBalancer(lb),
    })),
    previews: [...(snapshot.previews ?? [])]
      .map((p) => ({ sha: p.sha, ref: p.ref, file: statusPaths.preview(p.sha) }))
      .sort((a, b) => (a.sha < b.sha ? -1 : 1)),
  });
}

/** Every file of the status branch. Throws StatusFormatError for a snapshot with unusable names. */
export function formatStatusFiles(snapshot: StatusSnapshot, options: FormatStatusOptions = {}): StatusFiles {
  checkSnapshot(snapshot);
  const ctx = { federation: snapshot.federation, sourceSha: snapshot.source.sha };
  const files: Record<string, string> = {
    [statusPaths.gitattributes]: GITATTRIBUTES,
    [statusPaths.readme]: formatDashboard(snapshot),
    [statusPaths.status]: statusJson(snapshot),
  };
  for (const c of snapshot.clusters) {
    files[statusPaths.cluster(c)] = clusterJson(c, snapshot);
    if (c.inventory) {
      const keys = [...new Set(c.inventory)].sort();
      files[statusPaths.inventory(c)] = keys.length === 0 ? '' : `${keys.join('\n')}\n`;
    }
    if (c.drift && c.drift.length > 0) {
      const target = { kind: 'cluster', name: c.name } as const;
      files[statusPaths.clusterDrift(c, 'md')] = formatDriftMarkdown(target, c.drift, ctx);
      files[statusPaths.clusterDrift(c, 'json')] = formatDriftJson(target, c.drift, ctx);
    }
  }
  for (const lb of snapshot.loadBalancers) {
    const hasDrift = (lb.drift?.length ?? 0) > 0;
    const driftLink = hasDrift ? statusPaths.loadBalancerDrift(lb, 'md') : undefined;
    files[statusPaths.loadBalancer(lb)] = formatLoadBalancerMarkdown(lb, {
      federation: snapshot.federation,
      ...(driftLink ? { driftLink } : {}),
    });
    if (lb.drift && hasDrift) {
      const target = { kind: 'loadBalancer', name: loadBalancerId(lb) } as const;
      files[statusPaths.loadBalancerDrift(lb, 'md')] = formatDriftMarkdown(target, lb.drift, ctx);
      files[statusPaths.loadBalancerDrift(lb, 'json')] = formatDriftJson(target, lb.drift, ctx);
    }
  }
  for (const p of snapshot.previews ?? [])
    files[statusPaths.preview(p.sha)] = p.markdown.endsWith('\n') ? p.markdown : `${p.markdown}\n`;
  const history = formatHistory(
    snapshot,
    options.previousHistory,
    options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
  );
  if (history !== '') files[statusPaths.history] = history;
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One line for the status commit's subject, e.g. "Drifted, 2 of 3 targets synced". */
export function statusSummary(snapshot: StatusSnapshot): string {
  const targets = [...snapshot.clusters, ...snapshot.loadBalancers];
  const synced = targets.filter((t) => t.state === 'Synced').length;
  return `${overallState(snapshot)}, ${synced} of ${targets.length} targets synced`;
}

export { MAX_DRIFT_ENTRIES };

/**
 * The previews a status branch already holds, with their refs from its status.json, so a writer can
 * carry forward the ones the new snapshot does not replace (and drop those of closed pull requests).
 */
export function previewsIn(files: ReadonlyMap<string, string>): PreviewPlan[] {
  const refs = new Map<string, string>();
  try {
    const status = JSON.parse(files.get(statusPaths.status) ?? '{}') as {
      previews?: { sha?: unknown; ref?: unknown }[];
    };
    for (const p of status.previews ?? [])
      if (typeof p.sha === 'string' && typeof p.ref === 'string') refs.set(p.sha, p.ref);
  } catch {
    // an unreadable status.json only loses the refs
  }
  const out: PreviewPlan[] = [];
  for (const [path, markdown] of files) {
    const m = /^previews\/([0-9a-f]{40})\.md$/.exec(path);
    if (!m?.[1]) continue;
    const ref = refs.get(m[1]);
    out.push(ref ? { sha: m[1], ref, markdown } : { sha: m[1], markdown });
  }
  return out.sort((a, b) => (a.sha < b.sha ? -1 : 1));
}
