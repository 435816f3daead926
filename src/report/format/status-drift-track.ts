// Which drift a cluster's drift file lists after a reconcile or a watch event. One entry per object,
// the newest news winning: drift stays listed while it is outstanding (reported, or its correction
// failed) until a reconcile finds the object as Git has it again; a drift fedsync corrected is listed
// once, as corrected, in the report that saw the correction, and is gone from the next reconcile's.
import { refKey } from '../../model/index.js';
import type { ActionResult, Drift, DriftHandling, KubeAction, ObjectRef } from '../../model/index.js';
import type { PlannedDrift } from '../../plan/plan-drift.js';
import type { DriftEntry, DriftSubject } from './status-snapshot.js';

export function subjectOf(ref: ObjectRef): DriftSubject {
  return {
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    ...(ref.group ? { group: ref.group } : {}),
  };
}

export function entryKey(s: DriftSubject): string {
  return refKey({ group: s.group ?? '', kind: s.kind, namespace: s.namespace ?? '', name: s.name });
}

const outstanding = (e: DriftEntry): boolean => e.handling !== 'corrected';

function handlingOf(d: Drift): DriftHandling {
  return d.correction === 'done' ? 'corrected' : d.correction === 'failed' ? 'failed' : 'reported';
}

function reasonOf(d: Drift, handling: DriftHandling): string | undefined {
  if (handling === 'failed') return d.error ?? d.reason;
  if (handling === 'reported') return d.reason ?? 'self-heal is off: only reported';
  return undefined;
}

/** Adds watch drift (in the order found) to `entries`, keyed by object. */
function addWatchDrift(entries: Map<string, DriftEntry>, drift: readonly Drift[]): void {
  for (const d of drift) {
    const subject = subjectOf(d.ref);
    const key = entryKey(subject);
    const before = entries.get(key);
    const handling = handlingOf(d);
    const reason = reasonOf(d, handling);
    const deleted = d.fields.some((f) => f.path === '(object)');
    entries.set(key, {
      subject,
      classification: deleted ? 'missing' : 'modified',
      fields: d.fields,
      ...(d.manager ? { manager: d.manager } : {}),
      firstSeen: before && outstanding(before) ? before.firstSeen : d.detectedAt,
      handling,
      ...(reason ? { reason } : {}),
    });
  }
}

/** Drift a watch found between reconciles: added to what the cluster lists now. */
export function driftAfterWatch(
  current: readonly DriftEntry[] | undefined,
  drift: readonly Drift[],
): DriftEntry[] {
  const entries = new Map((current ?? []).map((e) => [entryKey(e.subject), e]));
  addWatchDrift(entries, drift);
  return [...entries.values()];
}

export type AppliedCluster = {
  /** The cluster's planned actions (what Git wants there now). */
  actions: readonly KubeAction[];
  results: readonly ActionResult[];
  /** Drift the plan's writes correct (plannedDrift). */
  planned: readonly PlannedDrift[];
};

/**
 * The drift a cluster lists after a reconcile. `applied` is absent when nothing was applied there
 * (Offline, or the commit could not be planned): then what was outstanding stays as it was.
 */
export function driftAfterReconcile(input: {
  previous: readonly DriftEntry[] | undefined;
  /** Watch drift found before this reconcile planned, then after it applied. */
  beforePlan: readonly Drift[];
  afterApply: readonly Drift[];
  applied?: AppliedCluster;
  now: string;
}): DriftEntry[] {
  // What the last report showed as corrected was shown once; only the outstanding carries on.
  const entries = new Map(
    (input.previous ?? []).filter(outstanding).map((e) => [entryKey(e.subject), e] as const),
  );
  addWatchDrift(entries, input.beforePlan);
  const applied = input.applied;
  if (applied) {
    const actions = new Map(applied.actions.map((a) => [refKey(a.ref), a]));
    const results = new Map(applied.results.map((r) => [r.key, r]));
    const corrections = new Set(applied.planned.map((p) => p.key));
    // The plan saw every object as it is now: what it does not call drift is no longer drifted,
    // unless the write that would set it right did not happen.
    for (const [key, e] of entries) {
      if (corrections.has(key)) continue;
      const action = actions.get(key);
      const result = results.get(key);
      const settled = action?.action === 'unchanged' || result?.outcome === 'done';
      if (!action || action.action === 'delete' || (settled && outstanding(e))) entries.delete(key);
    }
    for (const p of applied.planned) {
      const result = results.get(p.key);
      const before = entries.get(p.key);
      const handling: DriftHandling =
        result?.outcome === 'done' ? 'corrected' : result?.outcome === 'failed' ? 'failed' : 'reported';
      const reason =
        handling === 'failed'
          ? (result?.error?.message ?? 'the correction failed')
          : handling === 'reported'
            ? (result?.reason ?? 'not corrected by this reconcile')
            : undefined;
      entries.set(p.key, {
        subject: subjectOf(p.ref),
        classification: p.classification,
        fields: p.fields,
        ...(p.manager ? { manager: p.manager } : {}),
        firstSeen: before ? before.firstSeen : input.now,
        handling,
        ...(reason ? { reason } : {}),
      });
    }
  }
  addWatchDrift(entries, input.afterApply);
  return [...entries.values()];
}
