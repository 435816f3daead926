// What the status branch shows, as plain data handed in by whoever observed and applied: one entry per
// target (a member cluster or a load balancer). Renderers only read it; every time in it is given,
// never read from a clock, so the same snapshot always renders the same files.
import type { Counts, DriftHandling } from '../../model/index.js';

/** Target states, ordered from best to worst; a roll-up is the worst of its parts. */
export const TargetState = {
  Synced: 'Synced',
  Progressing: 'Progressing',
  OutOfSync: 'OutOfSync',
  Drifted: 'Drifted',
  Failed: 'Failed',
  Offline: 'Offline',
  Unknown: 'Unknown',
} as const;
export type TargetState = (typeof TargetState)[keyof typeof TargetState];

const RANK: Record<TargetState, number> = {
  Synced: 0,
  Progressing: 1,
  OutOfSync: 2,
  Drifted: 3,
  Failed: 4,
  Offline: 5,
  Unknown: 6,
};

/** Higher is worse. */
export function stateRank(state: TargetState): number {
  return RANK[state];
}

/** The worst of `states`; Synced when there are none (nothing to be wrong). */
export function worstState(states: Iterable<TargetState>): TargetState {
  let worst: TargetState = TargetState.Synced;
  for (const s of states) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/** What a drift is about: a Kubernetes object (group '' for core) or a cloud resource (kind + name). */
export type DriftSubject = { kind: string; name: string; namespace?: string; group?: string };

export const DriftClassification = {
  /** Exists live but a field fedsync owns differs. */
  modified: 'modified',
  /** Desired and recorded as applied, but gone from the target. */
  missing: 'missing',
  /** Live, carrying fedsync's marks, but no longer desired and not pruned. */
  unexpected: 'unexpected',
} as const;
export type DriftClassification = (typeof DriftClassification)[keyof typeof DriftClassification];

/** One changed field, dotted path; `from` is live, `to` is desired (Secret values get masked). */
export type DriftField = { path: string; from?: unknown; to?: unknown };

export type DriftEntry = {
  subject: DriftSubject;
  classification: DriftClassification;
  fields: DriftField[];
  /** The field manager that made the change, when the server said. */
  manager?: string;
  /** ISO-8601, when fedsync first saw this drift. */
  firstSeen: string;
  /** What fedsync did about it (`driftHandling` of the correction). */
  handling: DriftHandling;
  /** Why: the correction error, or why it was only reported. */
  reason?: string;
};

type TargetCommon = {
  state: TargetState;
  /** One line a person reads next to the state ("3 pods pending", "apply failed: ..."). */
  message?: string;
  /** Source commit last applied to this target in full. */
  appliedSha?: string;
  /** ISO-8601, when the state last changed (given by the caller). */
  lastChange?: string;
  /** What the last reconcile did on this target (`countOutcomes` of its results). */
  counts?: Counts;
  drift?: DriftEntry[];
};

export type ClusterStatus = TargetCommon & {
  name: string;
  /** refKeys (`group/kind/namespace/name`) fedsync manages there; absent when not known. */
  inventory?: string[];
};

export const BackendHealth = { Healthy: 'Healthy', Unhealthy: 'Unhealthy', Unknown: 'Unknown' } as const;
export type BackendHealth = (typeof BackendHealth)[keyof typeof BackendHealth];

export type LoadBalancerBackend = {
  cluster: string;
  health: BackendHealth;
  /** Healthy endpoints out of all, when known. */
  healthyEndpoints?: number;
  endpoints?: number;
  detail?: string;
};

/** One cloud resource of a load balancer, e.g. `{ kind: 'urlMap', name: 'fs-shop-web' }`. */
export type LoadBalancerResource = { kind: string; name: string };

export type LoadBalancerStatus = TargetCommon & {
  namespace: string;
  name: string;
  ip?: string;
  resources?: LoadBalancerResource[];
  backends?: LoadBalancerBackend[];
};

/** A pull-request plan, rendered to Markdown by the plan renderer (which masks Secret values). */
export type PreviewPlan = {
  sha: string;
  /** The ref it was planned for, e.g. `refs/pull/12/head`. */
  ref?: string;
  markdown: string;
};

export const STATUS_SCHEMA_VERSION = 1;

export type StatusSnapshot = {
  federation: string;
  /** The source commit this snapshot is about (the newest one attempted). */
  source: { sha: string; ref?: string };
  clusters: ClusterStatus[];
  loadBalancers: LoadBalancerStatus[];
  previews?: PreviewPlan[];
};

/** Every target's state, for roll-ups. */
export function overallState(snapshot: StatusSnapshot): TargetState {
  return worstState([...snapshot.clusters, ...snapshot.loadBalancers].map((t) => t.state));
}
