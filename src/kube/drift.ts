// Drift detection in a live fleet: the caches' watch events go to the pure judge (src/plan/drift.ts)
// with what fedsync wants in each cluster; a drift it decides to correct is re-applied here, one
// correction per object at a time, under the cluster's writer lock (waiting while another writer
// holds it), and every drift is recorded with what became of it.
//
// While fedsync applies a new revision to a cluster, the watch delivers fedsync's own writes, which
// differ from the OLD desired objects. So a cluster is paused from the start of an apply there until
// the new desired state arrives (setDesired); events seen meanwhile are kept (latest per object) and
// judged against the NEW desired state on resume, so a real edit during an apply is not lost.
import { systemClock } from '../clock.js';
import { refKey, refOf } from '../model/index.js';
import type { Clock, ClusterName, Drift, KubeObject } from '../model/index.js';
import { judgeWatchEvent, rememberWrite } from '../plan/drift.js';
import type { CorrectionBudget, DriftMemory } from '../plan/drift.js';
import type { WriteListener } from './apply.js';
import { writesUnder } from './member-lock.js';
import type { LockGrant } from './member-lock.js';
import type { ClusterClient, WatchEvent } from './port.js';

type ClusterState = {
  desired: Map<string, KubeObject>;
  /** The objects of `desired`, by identity: an unchanged plan hands the same objects again. */
  held: Set<KubeObject>;
  selfHeal: boolean;
  paused: boolean;
  /** Latest event per object while paused. */
  pending: Map<string, WatchEvent>;
  memory: Map<string, DriftMemory>;
  /** Objects with a correction in flight (one at a time per object). */
  correcting: Set<string>;
};

export type DriftDetector = {
  /** Feed one watch event of `cluster` (from the cache's onEvent). */
  onEvent(cluster: ClusterName, event: WatchEvent): void;
  /** Hooks for the apply verb: pause per cluster, remember each write. */
  listener: WriteListener;
  /**
   * The desired state after an apply; resumes the cluster and judges what arrived meanwhile. Only
   * objects not already held (by identity) are stored again, so a plan that changes one object of
   * thousands costs one store.
   */
  setDesired(cluster: ClusterName, desired: readonly KubeObject[], options: { selfHeal: boolean }): void;
  /** Desired copies stored since the detector was made (a diagnostic: what setDesired cost). */
  stats(): { desiredStored: number };
  /** Drift found since the last call. */
  takeDrift(): Drift[];
  /** Resolves when no correction is in flight. */
  idle(): Promise<void>;
};

export type DriftDetectorOptions = {
  clients: ReadonlyMap<ClusterName, ClusterClient>;
  clock?: Clock;
  /** Default: 5 corrections of one object in 10 minutes, then only reported. */
  correctionBudget?: CorrectionBudget;
  onDrift?: (drift: Drift) => void;
  /**
   * The writer lock a correction is made under (a bounded wait for another writer; undefined:
   * none). A correction that cannot get it is not made, and the drift says who holds the lock.
   */
  lock?: (cluster: ClusterName) => Promise<LockGrant> | undefined;
};

export function createDriftDetector(options: DriftDetectorOptions): DriftDetector {
  const clock = options.clock ?? systemClock;
  const clusters = new Map<ClusterName, ClusterState>();
  const found: Drift[] = [];
  let desiredStored = 0;

  const hold = (s: ClusterState, key: string, object: KubeObject): void => {
    const previous = s.desired.get(key);
    if (previous) s.held.delete(previous);
    s.desired.set(key, object);
    s.held.add(object);
    desiredStored++;
  };

  /** The new desired state: in place when every held key is kept or replaced, else rebuilt. */
  const replaceDesired = (s: ClusterState, desired: readonly KubeObject[]): void => {
    let kept = 0;
    const changed: [string, KubeObject][] = [];
    let replaced = 0;
    for (const o of desired) {
      if (s.held.has(o)) kept++;
      else {
        const key = refKey(refOf(o));
        if (s.desired.has(key)) replaced++;
        changed.push([key, o]);
      }
    }
    if (kept + replaced !== s.desired.size) {
      // Some held object is no longer desired (deleted, failed, moved away): start over.
      s.desired = new Map();
      s.held = new Set();
      for (const o of desired) hold(s, refKey(refOf(o)), o);
      return;
    }
    for (const [key, o] of changed) hold(s, key, o);
  };
  const inFlight = new Set<Promise<void>>();

  const stateOf = (cluster: ClusterName): ClusterState => {
    let s = clusters.get(cluster);
    if (!s) {
      s = {
        desired: new Map(),
        held: new Set(),
        selfHeal: true,
        paused: false,
        pending: new Map(),
        memory: new Map(),
        correcting: new Set(),
      };
      clusters.set(cluster, s);
    }
    return s;
  };

  const record = (drift: Drift): void => {
    found.push(drift);
    options.onDrift?.(drift);
  };

  const correct = (
    cluster: ClusterName,
    s: ClusterState,
    key: string,
    base: Omit<Drift, 'correction'>,
  ): void => {
    const client = options.clients.get(cluster);
    const desired = s.desired.get(key);
    if (!client || !desired) return;
    s.correcting.add(key);
    const once = async (): Promise<void> => {
      const grant = await options.lock?.(cluster);
      if (grant && !grant.held) {
        record({ ...base, correction: 'notRun', reason: `not corrected: ${grant.message}` });
        return;
      }
      try {
        const live = await (grant ? writesUnder(client, grant.use) : client).apply(desired);
        s.memory.set(key, rememberWrite(s.memory.get(key), live));
        record({ ...base, correction: 'done' });
      } finally {
        await grant?.use.done();
      }
    };
    const run = once()
      .catch((err: unknown) => {
        record({ ...base, correction: 'failed', error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        s.correcting.delete(key);
        inFlight.delete(run);
      });
    inFlight.add(run);
  };

  const check = (cluster: ClusterName, s: ClusterState, event: WatchEvent): void => {
    if (event.type === 'BOOKMARK') return;
    const key = refKey(refOf(event.object));
    const desired = s.desired.get(key);
    if (!desired) return;
    const now = clock.now();
    const before = s.memory.get(key);
    const { verdict, memory } = judgeWatchEvent({
      desired,
      event: { type: event.type, object: event.object },
      memory: before,
      selfHeal: s.selfHeal,
      nowMs: now.getTime(),
      ...(options.correctionBudget ? { budget: options.correctionBudget } : {}),
    });
    if (verdict.kind === 'none') {
      s.memory.set(key, memory);
      return;
    }
    const base = {
      cluster,
      ref: refOf(desired),
      fields: verdict.fields,
      detectedAt: now.toISOString(),
      ...(verdict.manager ? { manager: verdict.manager } : {}),
    };
    if (verdict.decision === 'report') {
      s.memory.set(key, memory);
      record({ ...base, correction: 'notRun', ...(verdict.reason ? { reason: verdict.reason } : {}) });
      return;
    }
    if (s.correcting.has(key)) {
      // A correction is already on its way: it spends no budget and records nothing more.
      s.memory.set(key, { ...memory, corrections: before?.corrections ?? [] });
      return;
    }
    s.memory.set(key, memory);
    correct(cluster, s, key, base);
  };

  const listener: WriteListener = {
    clusterStarted(cluster) {
      stateOf(cluster).paused = true;
    },
    objectApplied(cluster, desired, live) {
      const s = stateOf(cluster);
      const key = refKey(refOf(desired));
      if (s.desired.get(key) !== desired) hold(s, key, desired);
      s.memory.set(key, rememberWrite(s.memory.get(key), live));
    },
    objectDeleted(cluster, action) {
      const s = stateOf(cluster);
      const key = refKey(action.ref);
      const previous = s.desired.get(key);
      if (previous) s.held.delete(previous);
      s.desired.delete(key);
      s.pending.delete(key);
    },
  };

  return {
    listener,
    onEvent(cluster, event) {
      const s = stateOf(cluster);
      if (event.type === 'BOOKMARK') return;
      if (s.paused) {
        s.pending.set(refKey(refOf(event.object)), event);
        return;
      }
      check(cluster, s, event);
    },
    setDesired(cluster, desired, { selfHeal }) {
      const s = stateOf(cluster);
      replaceDesired(s, desired);
      s.selfHeal = selfHeal;
      s.paused = false;
      const pending = [...s.pending.values()];
      s.pending.clear();
      for (const e of pending) check(cluster, s, e);
    },
    stats: () => ({ desiredStored }),
    takeDrift() {
      return found.splice(0, found.length);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
