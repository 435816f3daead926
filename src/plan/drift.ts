// The drift decision, pure: given the changes a cluster's watch reports, which are drift (a live
// field fedsync owns differs from the desired object, compared with the planner's own diffObject,
// so an object fedsync just applied never shows drift) and what to do about each: correct it
// (re-apply the desired object), or only report it (self-heal off, or the correction budget of
// that object is spent). The adapter feeds events in and performs the corrections it is told to.
//
// The race this guards against: while fedsync applies a new revision, the watch delivers fedsync's
// own writes, which differ from the OLD desired object and must not be "corrected" back.
// 1. a cluster is paused from the start of an apply there until the new desired state is handed
//    over (setDesired); events seen meanwhile are kept (latest per object) and checked only against
//    the NEW desired state, so a real edit during an apply is not lost;
// 2. every object fedsync applies records the resourceVersion the server returned; events at or
//    below it are older than fedsync's write;
// 3. an event whose only managedFields change is fedsync's is fedsync's own write.
//
// No clock: every call that may decide something takes the time as an ISO-8601 string.
import { FIELD_MANAGER, refKey, refOf, subject } from '../model/index.js';
import type { ClusterName, Drift, FieldChange, KubeObject, ObjectRef } from '../model/index.js';
import { diffObject } from './diff.js';
import { maskChanges } from './mask.js';

/** A change a watch reported (bookmarks never reach the decision). */
export type LiveChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

/** At most `max` corrections of one object within `windowMs`; beyond it drift is only reported. */
export type CorrectionBudget = { max: number; windowMs: number };

/**
 * Another controller fighting fedsync over a field would otherwise turn into a write storm at watch
 * speed; the next reconcile still applies Git.
 */
export const defaultCorrectionBudget: CorrectionBudget = { max: 5, windowMs: 10 * 60_000 };

/** What the drift is, before anyone acted on it. */
export type DriftFinding = Pick<Drift, 'cluster' | 'ref' | 'key' | 'subject' | 'fields' | 'detectedAt'> & {
  manager?: string;
};

export type DriftDecision =
  /**
   * Re-apply `desired` (a `create` when the live object was deleted); tell the core with
   * `corrected` or `correctionFailed` afterwards.
   */
  | { decision: 'correct'; action: 'create' | 'update'; desired: KubeObject; finding: DriftFinding }
  /** Nothing to do but report it. */
  | { decision: 'report'; drift: Drift };

type ManagedEntry = { manager?: string; operation?: string; subresource?: string; time?: string };

type ClusterState = {
  desired: Map<string, KubeObject>;
  selfHeal: boolean;
  paused: boolean;
  /** Latest event per object while paused. */
  pending: Map<string, LiveChange>;
  /** resourceVersion fedsync's last write returned, per object. */
  writtenVersion: Map<string, string>;
  /** managedFields times last seen, per object: `manager|operation|subresource` → time. */
  managed: Map<string, Map<string, string>>;
  /** Objects with a correction in flight (one at a time per object). */
  correcting: Set<string>;
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

const DELETED_FIELDS: FieldChange[] = [{ path: '(object)', from: '(deleted)', to: '(exists)' }];

export type DriftCore = {
  /** fedsync starts applying in `cluster`: hold its events until setDesired. */
  pause(cluster: ClusterName): void;
  /** fedsync applied `desired`; `live` is what the server returned. */
  applied(cluster: ClusterName, desired: KubeObject, live: KubeObject): void;
  /** fedsync deleted (pruned) the object: it is no longer desired there. */
  deleted(cluster: ClusterName, ref: ObjectRef): void;
  /** The desired state after a reconcile; resumes the cluster and decides on what arrived meanwhile. */
  setDesired(
    cluster: ClusterName,
    desired: readonly KubeObject[],
    options: { selfHeal: boolean; now: string },
  ): DriftDecision[];
  /** One watch change; at most one decision. */
  observe(cluster: ClusterName, change: LiveChange, now: string): DriftDecision[];
  /** A correction was written; `live` is what the server returned. */
  corrected(cluster: ClusterName, key: string, live: KubeObject): void;
  /** A correction could not be written. */
  correctionFailed(cluster: ClusterName, key: string): void;
};

/** A drift decision-maker with its own state (which objects, what was written, the budget spent). */
export function createDriftCore(options: { budget?: CorrectionBudget } = {}): DriftCore {
  const budget = options.budget ?? defaultCorrectionBudget;
  const clusters = new Map<ClusterName, ClusterState>();
  /** Correction times (ms since the epoch) per `cluster|refKey`, newest last. */
  const corrections = new Map<string, number[]>();

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

  const withinBudget = (cluster: ClusterName, key: string, now: string): boolean => {
    const at = Date.parse(now);
    const id = `${cluster}|${key}`;
    const recent = (corrections.get(id) ?? []).filter((t) => at - t < budget.windowMs);
    if (recent.length >= budget.max) {
      corrections.set(id, recent);
      return false;
    }
    corrections.set(id, [...recent, at]);
    return true;
  };

  const noteWrite = (s: ClusterState, key: string, live: KubeObject): void => {
    const rv = live.metadata.resourceVersion;
    if (typeof rv === 'string') s.writtenVersion.set(key, rv);
    s.managed.set(key, managedOf(live));
  };

  const reported = (finding: DriftFinding, reason: string): DriftDecision => ({
    decision: 'report',
    drift: { ...finding, action: 'skip', outcome: 'noop', reason },
  });

  const decide = (
    cluster: ClusterName,
    s: ClusterState,
    key: string,
    finding: DriftFinding,
    now: string,
    action: 'create' | 'update',
  ): DriftDecision[] => {
    if (!s.selfHeal) return [reported(finding, 'self-heal is off (spec.policy.selfHeal: false)')];
    const desired = s.desired.get(key);
    if (!desired || s.correcting.has(key)) return [];
    if (!withinBudget(cluster, key, now)) {
      const minutes = Math.round(budget.windowMs / 60_000);
      return [
        reported(
          finding,
          `not corrected: corrected ${budget.max} times in ${minutes} min; another controller may be ` +
            'fighting fedsync over these fields (the next reconcile still applies Git)',
        ),
      ];
    }
    s.correcting.add(key);
    return [{ decision: 'correct', action, desired, finding }];
  };

  const check = (cluster: ClusterName, s: ClusterState, change: LiveChange, now: string): DriftDecision[] => {
    const key = refKey(refOf(change.object));
    const desired = s.desired.get(key);
    if (!desired) return [];
    if (notNewer(change.object.metadata.resourceVersion, s.writtenVersion.get(key))) return [];
    const ref = refOf(desired);
    const about = { cluster, ref, key, subject: subject(ref), detectedAt: now };
    if (change.type === 'DELETED') {
      s.managed.delete(key);
      s.writtenVersion.delete(key);
      return decide(cluster, s, key, { ...about, fields: DELETED_FIELDS }, now, 'create');
    }
    const managed = managedOf(change.object);
    const changed = changedManagers(s.managed.get(key), managed);
    s.managed.set(key, managed);
    if (changed && changed.length > 0 && changed.every((m) => m === FIELD_MANAGER)) return [];
    const fields = maskChanges(desired.kind, diffObject(desired, change.object));
    if (fields.length === 0) return [];
    const manager = lastOtherManager(change.object);
    return decide(cluster, s, key, { ...about, fields, ...(manager ? { manager } : {}) }, now, 'update');
  };

  return {
    pause(cluster) {
      stateOf(cluster).paused = true;
    },
    applied(cluster, desired, live) {
      const s = stateOf(cluster);
      const key = refKey(refOf(desired));
      s.desired.set(key, desired);
      noteWrite(s, key, live);
    },
    deleted(cluster, ref) {
      const s = stateOf(cluster);
      const key = refKey(ref);
      s.desired.delete(key);
      s.pending.delete(key);
    },
    setDesired(cluster, desired, { selfHeal, now }) {
      const s = stateOf(cluster);
      s.desired = new Map(desired.map((o) => [refKey(refOf(o)), o]));
      s.selfHeal = selfHeal;
      s.paused = false;
      const pending = [...s.pending.values()];
      s.pending.clear();
      return pending.flatMap((e) => check(cluster, s, e, now));
    },
    observe(cluster, change, now) {
      const s = stateOf(cluster);
      if (s.paused) {
        s.pending.set(refKey(refOf(change.object)), change);
        return [];
      }
      return check(cluster, s, change, now);
    },
    corrected(cluster, key, live) {
      const s = stateOf(cluster);
      s.correcting.delete(key);
      noteWrite(s, key, live);
    },
    correctionFailed(cluster, key) {
      stateOf(cluster).correcting.delete(key);
    },
  };
}
