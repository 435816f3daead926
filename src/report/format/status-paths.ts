// Where each part of a snapshot lives on the status branch. Names come from the snapshot, so they are
// checked here: a name that could climb out of its folder, or two targets that would share a file,
// is a bad snapshot, not something to render around.
import type { ClusterStatus, LoadBalancerStatus, StatusSnapshot } from './status-snapshot.js';

export const StatusFormatErrorCode = { invalidSnapshot: 'report.invalidSnapshot' } as const;
export type StatusFormatErrorCode = (typeof StatusFormatErrorCode)[keyof typeof StatusFormatErrorCode];

export class StatusFormatError extends Error {
  readonly code: StatusFormatErrorCode = StatusFormatErrorCode.invalidSnapshot;
  constructor(message: string) {
    super(message);
    this.name = 'StatusFormatError';
  }
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export const statusPaths = {
  readme: 'README.md',
  status: 'status.json',
  history: 'history.jsonl',
  gitattributes: '.gitattributes',
  cluster: (c: ClusterStatus) => `clusters/${c.name}.json`,
  inventory: (c: ClusterStatus) => `inventory/${c.name}.txt`,
  clusterDrift: (c: ClusterStatus, ext: 'md' | 'json') => `drift/${c.name}.${ext}`,
  loadBalancer: (lb: LoadBalancerStatus) => `loadbalancers/${lb.namespace}-${lb.name}.md`,
  loadBalancerDrift: (lb: LoadBalancerStatus, ext: 'md' | 'json') =>
    `drift/loadbalancers/${lb.namespace}-${lb.name}.${ext}`,
  preview: (sha: string) => `previews/${sha}.md`,
} as const;

/** The name a load balancer goes by in tables, history and commit statuses. */
export function loadBalancerId(lb: LoadBalancerStatus): string {
  return `${lb.namespace}/${lb.name}`;
}

/** Throws StatusFormatError naming the first bad name or collision. */
export function checkSnapshot(snapshot: StatusSnapshot): void {
  if (!SHA.test(snapshot.source.sha))
    throw new StatusFormatError(`source SHA ${JSON.stringify(snapshot.source.sha)} is not a full commit id`);
  const seen = new Map<string, string>();
  const claim = (path: string, owner: string): void => {
    const other = seen.get(path);
    if (other) throw new StatusFormatError(`${owner} and ${other} would both be written to ${path}`);
    seen.set(path, owner);
  };
  for (const c of snapshot.clusters) {
    if (!CLUSTER_NAME.test(c.name) || c.name.includes('..'))
      throw new StatusFormatError(`cluster name ${JSON.stringify(c.name)} is not a lowercase DNS name`);
    claim(statusPaths.cluster(c), `cluster ${c.name}`);
  }
  for (const lb of snapshot.loadBalancers) {
    for (const [what, value] of [
      ['namespace', lb.namespace],
      ['name', lb.name],
    ] as const) {
      if (!DNS_LABEL.test(value))
        throw new StatusFormatError(
          `load balancer ${what} ${JSON.stringify(value)} is not a lowercase DNS label`,
        );
    }
    claim(statusPaths.loadBalancer(lb), `load balancer ${loadBalancerId(lb)}`);
  }
  for (const p of snapshot.previews ?? []) {
    if (!SHA.test(p.sha))
      throw new StatusFormatError(`preview SHA ${JSON.stringify(p.sha)} is not a full commit id`);
    claim(statusPaths.preview(p.sha), `preview ${p.sha}`);
  }
}
