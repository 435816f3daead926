// Drift detector: fed by the watch cache's events, it compares each change of an object fedsync
// applied with what fedsync wants there (diffObject: the planner's own comparison, so an object
// fedsync just applied never shows drift). Self-heal on: re-apply the desired object; off: report.
//
// The race a previous attempt lost: while fedsync applies a new revision, the watch delivers its own
// writes, which differ from the OLD desired object and were "corrected" back. Three guards:
// 1. a cluster is paused from the start of an apply there until the reconcile hands over the new
//    desired state (setDesired); events seen meanwhile are kept (latest per object) and checked only
//    against the NEW desired state on resume, so a real edit during an apply is not lost;
// 2. every object fedsync applies records its new desired copy and the resourceVersion the server
//    returned at once; events at or below that resourceVersion are older than fedsync's write;
// 3. an event whose only managedFields change is by fedsync is fedsync's own write.
import { FIELD_MANAGER, refKey, refOf } from '../model/index.js';
import type { ClusterName, Drift, KubeObject, ObjectRef } from '../model/index.js';
import { diffObject } from '../plan/diff.js';
import { maskChanges } from '../plan/mask.js';
import type { ApplyListener } from './apply-plan.js';
import type { ClusterClient, WatchEvent } from './port.js';

type ManagedEntry = { manager?: string; operation?: string; subresource?: string; time?: string };

type ClusterState = {
  desired: Map<string, KubeObject>;
  selfHeal: boolean;
  paused: boolean;
  /** Latest event per object while paused. */
  pending: Map<string, WatchEvent>;
  /** resourceVersion fedsync's last write returned, per object. */
  writtenVersion: Map<string, string>;
  /** managedFields times last seen, per object: `manager|operation|subresource` → time. */
  managed: Map<string, Map<string, string>>;
  /** Objects with a correction in flight (one at a time per object). */
  correcting: Set<string>;
};

export type DriftDetector = {
  /** Feed one watch event of `cluster` (from the cache's onEvent). */
  onEvent(cluster: ClusterName, event: WatchEvent): void;
  /** Hooks for applyPlan: pause per cluster, record each applied object. */
  listener: ApplyListener;
  /** The desired state after a reconcile; resumes the cluster and checks what arrived meanwhile. */
  setDesired(cluster: ClusterName, desired: KubeObject[], options: { selfHeal: boolean }): void;
  /** Drift found since the last call. */
  takeDrift(): Drift[];
  /** Resolves when no correction is in flight. */
  idle(): Promise<void>;
};

export type DriftDetectorOptions = {
  clients: ReadonlyMap<ClusterName, ClusterClient>;
  now?: () => Date;
  /**
   * At most `max` corrections of one object within `windowMs` (default 5 in 10 minutes). Beyond it
   * the drift is only reported: another controller is fighting fedsync, and correcting at watch
   * speed would turn that into a write storm. The next reconcile still applies Git.
   */
  correctionLimit?: { max: number; windowMs: number };
  onDrift?: (drift: Drift) => void;
};

function managedOf(obj: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  const entries = obj.metadata.managedFields;
  if (!Array.isArray(entries)) return out;
  for (const e of entries as ManagedEntry[])
    out.set(`${e.manager ?? ''}|${e.operation ?? ''}|${e.subresource ?? ''}`, e.time ?? '');
  return out;
}

/** Managers whose managedFields entry is new or has a new time since `before`. */
function changedManagers(
  before: Map<string, string> | undefined,
  after: Map<string, string>,
): string[] | undefined {
  if (!before) return undefined;
  const out: string[] = [];
  for (const [k, time] of after) if (before.get(k) !== time) out.push(k.slice(0, k.indexOf('|')));
  return out;
}

/** Field manager of the newest entry that is not fedsync's. */
export function lastOtherManager(obj: KubeObject): string | undefined {
  const entries = obj.metadata.managedFields;
  if (!Array.isArray(entries)) return undefined;
  let best: ManagedEntry | undefined;
  for (const e of entries as ManagedEntry[]) {
    if (!e.manager || e.manager === FIELD_MANAGER) continue;
    if (!best || (e.time ?? '') >= (best.time ?? '')) best = e;
  }
  return best?.manager;
}

/** True when `rv` is known to be no newer than `written` (resourceVersions compared only as integers). */
function notNewer(rv: unknown, written: string | undefined): boolean {
  if (typeof rv !== 'string' || written === undefined) return false;
  if (!/^\d+$/.test(rv) || !/^\d+$/.test(written)) return rv === written;
  return BigInt(rv) <= BigInt(written);
}

export function createDriftDetector(options: DriftDetectorOptions): DriftDetector {
  const now = options.now ?? (() => new Date());
  const clusters = new Map<ClusterName, ClusterState>();
  const found: Drift[] = [];
  const inFlight = new Set<Promise<void>>();

  const stateOf = (cluster: ClusterName): ClusterState => {
    let s = clusters.get(cluster);
    if (!s) {
      s = {
        desired: new Map(),
        selfHeal: true,
        paused: false,
        pending: new Map(),
        writtenVersion: new Map(),
        managed: new Map(),
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

  const limit = options.correctionLimit ?? { max: 5, windowMs: 10 * 60_000 };
  /** Correction times per `cluster|refKey`, newest last. */
  const corrections = new Map<string, number[]>();
  const withinLimit = (cluster: ClusterName, key: string): boolean => {
    const at = now().getTime();
    const id = `${cluster}|${key}`;
    const recent = (corrections.get(id) ?? []).filter((t) => at - t < limit.windowMs);
    if (recent.length >= limit.max) {
      corrections.set(id, recent);
      return false;
    }
    corrections.set(id, [...recent, at]);
    return true;
  };

  const correct = (cluster: ClusterName, s: ClusterState, key: string, base: Omit<Drift, 'action'>): void => {
    const client = options.clients.get(cluster);
    const desired = s.desired.get(key);
    if (!client || !desired || s.correcting.has(key)) return;
    if (!withinLimit(cluster, key)) {
      const minutes = Math.round(limit.windowMs / 60_000);
      record({
        ...base,
        action: 'reported',
        reason:
          `not corrected: corrected ${limit.max} times in ${minutes} min; another controller may be ` +
          'fighting fedsync over these fields (the next reconcile still applies Git)',
      });
      return;
    }
    s.correcting.add(key);
    const run = client
      .apply(desired)
      .then((live) => {
        noteWrite(s, key, live);
        record({ ...base, action: 'corrected' });
      })
      .catch((err: unknown) => {
        record({ ...base, action: 'failed', error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        s.correcting.delete(key);
        inFlight.delete(run);
      });
    inFlight.add(run);
  };

  const noteWrite = (s: ClusterState, key: string, live: KubeObject): void => {
    const rv = live.metadata.resourceVersion;
    if (typeof rv === 'string') s.writtenVersion.set(key, rv);
    s.managed.set(key, managedOf(live));
  };

  const check = (cluster: ClusterName, s: ClusterState, event: WatchEvent): void => {
    if ((event.type as string) === 'BOOKMARK') return;
    const key = refKey(refOf(event.object));
    const desired = s.desired.get(key);
    if (!desired) return;
    if (notNewer(event.object.metadata.resourceVersion, s.writtenVersion.get(key))) return;
    if (event.type === 'DELETED') {
      s.managed.delete(key);
      s.writtenVersion.delete(key);
      const base = {
        cluster,
        ref: refOf(desired),
        fields: [{ path: '(object)', from: '(deleted)', to: '(exists)' }],
        detectedAt: now().toISOString(),
      };
      if (s.selfHeal) correct(cluster, s, key, base);
      else record({ ...base, action: 'reported' });
      return;
    }
    const managed = managedOf(event.object);
    const changed = changedManagers(s.managed.get(key), managed);
    s.managed.set(key, managed);
    if (changed && changed.length > 0 && changed.every((m) => m === FIELD_MANAGER)) return;
    const fields = maskChanges(desired.kind, diffObject(desired, event.object));
    if (fields.length === 0) return;
    const manager = lastOtherManager(event.object);
    const base = {
      cluster,
      ref: refOf(desired),
      fields,
      detectedAt: now().toISOString(),
      ...(manager ? { manager } : {}),
    };
    if (s.selfHeal) correct(cluster, s, key, base);
    else record({ ...base, action: 'reported' });
  };

  const listener: ApplyListener = {
    clusterStarted(cluster) {
      stateOf(cluster).paused = true;
    },
    objectApplied(cluster, desired, live) {
      const s = stateOf(cluster);
      const key = refKey(refOf(desired));
      s.desired.set(key, desired);
      noteWrite(s, key, live);
    },
    objectDeleted(cluster, ref: ObjectRef) {
      const s = stateOf(cluster);
      const key = refKey(ref);
      s.desired.delete(key);
      s.pending.delete(key);
    },
  };

  return {
    listener,
    onEvent(cluster, event) {
      const s = stateOf(cluster);
      if ((event.type as string) === 'BOOKMARK') return;
      if (s.paused) {
        s.pending.set(refKey(refOf(event.object)), event);
        return;
      }
      check(cluster, s, event);
    },
    setDesired(cluster, desired, { selfHeal }) {
      const s = stateOf(cluster);
      s.desired = new Map(desired.map((o) => [refKey(refOf(o)), o]));
      s.selfHeal = selfHeal;
      s.paused = false;
      const pending = [...s.pending.values()];
      s.pending.clear();
      for (const e of pending) check(cluster, s, e);
    },
    takeDrift() {
      return found.splice(0, found.length);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
