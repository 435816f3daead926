// Drift detection for the member clusters: feeds the watch cache's events to the pure drift core
// (src/plan/drift.ts decides what is drift and whether to correct it) and performs the corrections
// it asks for with the cluster's client, recording each result.
import type { ClusterName, Clock, Drift, KubeObject, ObjectRef } from '../model/index.js';
import { createDriftCore } from '../plan/drift.js';
import type { CorrectionBudget, DriftDecision } from '../plan/drift.js';
import type { ClusterClient, WatchEvent } from './port.js';

/** What a cluster's apply tells the detector, so fedsync's own writes are never taken for drift. */
export type DriftHooks = {
  /** An apply starts in `cluster`: events are held until the new desired state arrives. */
  applyStarted(cluster: ClusterName): void;
  objectApplied(cluster: ClusterName, desired: KubeObject, live: KubeObject): void;
  objectDeleted(cluster: ClusterName, ref: ObjectRef): void;
  /** The apply is over: what fedsync now wants there, and whether to correct drift. */
  setDesired(cluster: ClusterName, desired: KubeObject[], options: { selfHeal: boolean }): void;
};

export type DriftDetector = DriftHooks & {
  /** Feed one watch event of `cluster` (from the cache's onEvent). */
  onEvent(cluster: ClusterName, event: WatchEvent): void;
  /** Drift found since the last call (each reported once). */
  takeDrift(): Drift[];
  /** Resolves when no correction is in flight. */
  idle(): Promise<void>;
};

export type DriftDetectorOptions = {
  clients: ReadonlyMap<ClusterName, ClusterClient>;
  clock?: Clock;
  /** Corrections of one object per window before drift is only reported (default 5 in 10 min). */
  correctionLimit?: CorrectionBudget;
  onDrift?: (drift: Drift) => void;
};

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'drift.correctionFailed';
}

export function createDriftDetector(options: DriftDetectorOptions): DriftDetector {
  const clock = options.clock ?? { now: () => new Date() };
  const core = createDriftCore(options.correctionLimit ? { budget: options.correctionLimit } : {});
  const found: Drift[] = [];
  const inFlight = new Set<Promise<void>>();

  const record = (drift: Drift): void => {
    found.push(drift);
    options.onDrift?.(drift);
  };

  const perform = (decisions: DriftDecision[]): void => {
    for (const d of decisions) {
      if (d.decision === 'report') {
        record(d.drift);
        continue;
      }
      const { finding, desired, action } = d;
      const client = options.clients.get(finding.cluster);
      if (!client) {
        core.correctionFailed(finding.cluster, finding.key);
        record({
          ...finding,
          action,
          outcome: 'notRun',
          reason: `no client for cluster ${finding.cluster}`,
        });
        continue;
      }
      const run = client
        .apply(desired)
        .then((live) => {
          core.corrected(finding.cluster, finding.key, live);
          record({ ...finding, action, outcome: 'done' });
        })
        .catch((err: unknown) => {
          core.correctionFailed(finding.cluster, finding.key);
          record({
            ...finding,
            action,
            outcome: 'failed',
            error: { code: codeOf(err), message: messageOf(err) },
          });
        })
        .finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
  };

  return {
    applyStarted: (cluster) => core.pause(cluster),
    objectApplied: (cluster, desired, live) => core.applied(cluster, desired, live),
    objectDeleted: (cluster, ref) => core.deleted(cluster, ref),
    setDesired(cluster, desired, { selfHeal }) {
      perform(core.setDesired(cluster, desired, { selfHeal, now: clock.now().toISOString() }));
    },
    onEvent(cluster, event) {
      if (event.type === 'BOOKMARK') return;
      perform(core.observe(cluster, { type: event.type, object: event.object }, clock.now().toISOString()));
    },
    takeDrift() {
      return found.splice(0, found.length);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
