// The commit statuses a snapshot stands for: one per cluster, one for the load balancers, one
// roll-up, and one per pull-request preview. Descriptions are short and stable (they change only
// when the state or what a person would read changes), so posting "only on change" means something.
import { clip, shortSha } from './markdown-text.js';
import { loadBalancerId, statusPaths } from './status-paths.js';
import { overallState, worstState } from './status-snapshot.js';
import type { ClusterStatus, LoadBalancerStatus, StatusSnapshot, TargetState } from './status-snapshot.js';

/** The states every forge understands (GitHub's names; providers translate). */
export const CommitState = {
  pending: 'pending',
  success: 'success',
  failure: 'failure',
  error: 'error',
} as const;
export type CommitState = (typeof CommitState)[keyof typeof CommitState];

/** Forges cap the description; GitHub documents 140 characters. */
export const MAX_DESCRIPTION = 140;

export type CommitStatus = {
  context: string;
  state: CommitState;
  description: string;
  /** Status-branch file this status links to (the provider turns it into a URL when it can). */
  file?: string;
};

export const DEFAULT_CONTEXT_PREFIX = 'fedsync';

export function commitStateOf(state: TargetState): CommitState {
  switch (state) {
    case 'Synced':
      return 'success';
    case 'Progressing':
      return 'pending';
    case 'OutOfSync':
    case 'Drifted':
    case 'Failed':
      return 'failure';
    case 'Offline':
    case 'Unknown':
      return 'error';
  }
}

function describeTarget(t: ClusterStatus | LoadBalancerStatus): string {
  const drift = t.drift?.length ?? 0;
  const parts: string[] = [t.state];
  if (t.message) parts.push(t.message);
  else if (drift > 0) parts.push(`${drift} object${drift === 1 ? '' : 's'} drifted`);
  return parts.join(': ');
}

export function description(text: string): string {
  return clip(text.replace(/\s+/g, ' ').trim(), MAX_DESCRIPTION);
}

/** Statuses for the snapshot's source commit, sorted by context. */
export function commitStatusesFor(
  snapshot: StatusSnapshot,
  options: { prefix?: string } = {},
): CommitStatus[] {
  const prefix = options.prefix ?? DEFAULT_CONTEXT_PREFIX;
  const out: CommitStatus[] = [];
  for (const c of snapshot.clusters) {
    const s: CommitStatus = {
      context: `${prefix}/${c.name}`,
      state: commitStateOf(c.state),
      description: description(describeTarget(c)),
      file: (c.drift?.length ?? 0) > 0 ? statusPaths.clusterDrift(c, 'md') : statusPaths.cluster(c),
    };
    out.push(s);
  }
  const lbs = snapshot.loadBalancers;
  if (lbs.length > 0) {
    const worst = worstState(lbs.map((l) => l.state));
    const single = lbs.length === 1 ? lbs[0] : undefined;
    const text = single
      ? `${loadBalancerId(single)} ${describeTarget(single)}${single.ip ? ` · ${single.ip}` : ''}`
      : `${worst}: ${lbs.filter((l) => l.state === 'Synced').length} of ${lbs.length} load balancers synced`;
    out.push({
      context: `${prefix}/loadbalancer`,
      state: commitStateOf(worst),
      description: description(text),
      file: single ? statusPaths.loadBalancer(single) : statusPaths.readme,
    });
  }
  const targets = [...snapshot.clusters, ...lbs];
  const overall = overallState(snapshot);
  const bad = targets
    .filter((t) => t.state !== 'Synced')
    .map((t) => ('namespace' in t ? loadBalancerId(t) : t.name));
  const synced = targets.length - bad.length;
  out.push({
    context: prefix,
    state: commitStateOf(overall),
    description: description(
      `${overall}: ${synced} of ${targets.length} targets synced at ${shortSha(snapshot.source.sha)}` +
        (bad.length > 0 ? ` · not synced: ${bad.sort().join(', ')}` : ''),
    ),
    file: statusPaths.readme,
  });
  return out.sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
}

export const PreviewOutcome = { planned: 'planned', invalid: 'invalid', held: 'held' } as const;
export type PreviewOutcome = (typeof PreviewOutcome)[keyof typeof PreviewOutcome];

/**
 * The `<prefix>/plan` status of a pull-request head: success with the plan summary ("3 to add,
 * 1 to change, 0 to destroy"), failure when it does not validate or a guard holds it.
 */
export function previewStatusFor(
  preview: { sha: string; outcome: PreviewOutcome; summary: string },
  options: { prefix?: string } = {},
): CommitStatus {
  const prefix = options.prefix ?? DEFAULT_CONTEXT_PREFIX;
  const text =
    preview.outcome === 'held'
      ? `held: needs approval · ${preview.summary}`
      : preview.outcome === 'invalid'
        ? `invalid: ${preview.summary}`
        : preview.summary;
  return {
    context: `${prefix}/plan`,
    state: preview.outcome === 'planned' ? 'success' : 'failure',
    description: description(text),
    file: statusPaths.preview(preview.sha),
  };
}
