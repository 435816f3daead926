// The drift decision, pure: given what fedsync wants for an object, a watch event for it and what
// fedsync remembers about its own writes, is this drift, and is it corrected or only reported? The
// cluster adapter only feeds events in and performs the corrections this module asks for.
//
// Three checks keep fedsync's own writes from looking like drift: an event at or below the
// resourceVersion fedsync's last write returned is older than that write; an event whose only new
// managedFields entries are fedsync's is fedsync's write; and the comparison is the planner's own
// (diffObject), so an object fedsync just applied never differs from what it wants.
import { FIELD_MANAGER } from '../model/index.js';
import type { FieldChange, KubeObject } from '../model/index.js';
import { diffObject } from './diff.js';
import { maskChanges } from './mask.js';

/** What fedsync remembers about one object between events. */
export type DriftMemory = {
  /** resourceVersion fedsync's last write returned. */
  writtenVersion?: string;
  /** managedFields times last seen: `manager|operation|subresource` → time. */
  managed?: Record<string, string>;
  /** When fedsync corrected it (epoch milliseconds), oldest first. */
  corrections: number[];
};

/**
 * At most `max` corrections of one object within `windowMs`. Beyond it the drift is only reported:
 * another controller is fighting fedsync, and correcting at watch speed would be a write storm.
 */
export type CorrectionBudget = { max: number; windowMs: number };

export const defaultCorrectionBudget: CorrectionBudget = { max: 5, windowMs: 10 * 60_000 };

export type DriftVerdict =
  /** Nothing to do: fedsync's own write, an old event, or no owned field differs. */
  | { kind: 'none' }
  | {
      kind: 'drift';
      fields: FieldChange[];
      /** The newest field manager that is not fedsync, when the server said. */
      manager?: string;
      decision: 'correct' | 'report';
      /** Why it is only reported although self-heal is on. */
      reason?: string;
    };

export type WatchedChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

type ManagedEntry = { manager?: string; operation?: string; subresource?: string; time?: string };

function managedOf(obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = obj.metadata.managedFields;
  if (!Array.isArray(entries)) return out;
  for (const e of entries as ManagedEntry[])
    out[`${e.manager ?? ''}|${e.operation ?? ''}|${e.subresource ?? ''}`] = e.time ?? '';
  return out;
}

/** Managers whose managedFields entry is new or has a new time since `before`. */
function changedManagers(
  before: Record<string, string> | undefined,
  after: Record<string, string>,
): string[] | undefined {
  if (!before) return undefined;
  return Object.entries(after)
    .filter(([k, time]) => before[k] !== time)
    .map(([k]) => k.slice(0, k.indexOf('|')));
}

/** Field manager of the newest managedFields entry that is not fedsync's. */
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

/** The memory after fedsync wrote the object and the server returned `live`. */
export function rememberWrite(memory: DriftMemory | undefined, live: KubeObject): DriftMemory {
  const rv = live.metadata.resourceVersion;
  return {
    corrections: memory?.corrections ?? [],
    ...(typeof rv === 'string' ? { writtenVersion: rv } : {}),
    managed: managedOf(live),
  };
}

function decide(
  memory: DriftMemory,
  options: { selfHeal: boolean; nowMs: number; budget: CorrectionBudget },
): { decision: 'correct' | 'report'; reason?: string; memory: DriftMemory } {
  if (!options.selfHeal) return { decision: 'report', memory };
  const recent = memory.corrections.filter((t) => options.nowMs - t < options.budget.windowMs);
  if (recent.length >= options.budget.max) {
    const minutes = Math.round(options.budget.windowMs / 60_000);
    return {
      decision: 'report',
      reason:
        `not corrected: corrected ${options.budget.max} times in ${minutes} min; another controller may be ` +
        'fighting fedsync over these fields (the next reconcile still applies Git)',
      memory: { ...memory, corrections: recent },
    };
  }
  return { decision: 'correct', memory: { ...memory, corrections: [...recent, options.nowMs] } };
}

/** Judges one watch event of an object fedsync wants as `desired`. */
export function judgeWatchEvent(input: {
  desired: KubeObject;
  event: WatchedChange;
  memory: DriftMemory | undefined;
  selfHeal: boolean;
  nowMs: number;
  budget?: CorrectionBudget;
}): { verdict: DriftVerdict; memory: DriftMemory } {
  const memory: DriftMemory = input.memory ?? { corrections: [] };
  const budget = input.budget ?? defaultCorrectionBudget;
  const { event } = input;
  if (notNewer(event.object.metadata.resourceVersion, memory.writtenVersion))
    return { verdict: { kind: 'none' }, memory };
  if (event.type === 'DELETED') {
    const gone: DriftMemory = { corrections: memory.corrections };
    const d = decide(gone, { selfHeal: input.selfHeal, nowMs: input.nowMs, budget });
    return {
      verdict: {
        kind: 'drift',
        fields: [{ path: '(object)', from: '(deleted)', to: '(exists)' }],
        decision: d.decision,
        ...(d.reason ? { reason: d.reason } : {}),
      },
      memory: d.memory,
    };
  }
  const managed = managedOf(event.object);
  const changed = changedManagers(memory.managed, managed);
  const seen: DriftMemory = { ...memory, managed };
  if (changed && changed.length > 0 && changed.every((m) => m === FIELD_MANAGER))
    return { verdict: { kind: 'none' }, memory: seen };
  const fields = maskChanges(input.desired.kind, diffObject(input.desired, event.object));
  if (fields.length === 0) return { verdict: { kind: 'none' }, memory: seen };
  const manager = lastOtherManager(event.object);
  const d = decide(seen, { selfHeal: input.selfHeal, nowMs: input.nowMs, budget });
  return {
    verdict: {
      kind: 'drift',
      fields,
      ...(manager ? { manager } : {}),
      decision: d.decision,
      ...(d.reason ? { reason: d.reason } : {}),
    },
    memory: d.memory,
  };
}
