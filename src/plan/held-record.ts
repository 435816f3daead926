// What an approval by commit binds to. Every applied plan leaves, in each Ready member's record, the
// guard digest of what its guards held at that commit; an approval naming the commit later releases
// the held deletes only while they are still exactly that set, so deletes that appeared since (say,
// objects another apply created meanwhile) are never released by it.
import { HELD_RECORD_LIMIT } from '../model/index.js';
import type { HeldRecord, ObservedCluster } from '../model/index.js';

function isHeldRecord(value: unknown): value is HeldRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof HeldRecord, unknown>>;
  return (
    typeof v.commit === 'string' &&
    v.commit !== '' &&
    typeof v.digest === 'string' &&
    typeof v.count === 'number' &&
    Number.isInteger(v.count) &&
    v.count >= 0
  );
}

const entryKey = (e: HeldRecord): string => `${e.commit.toLowerCase()}\t${e.digest}`;

/**
 * Every held set the observed records remember, each (commit, digest) once, clusters in name order.
 * A record is read from the cluster, so entries that are not well formed are ignored.
 */
export function recordedHeld(observed: readonly ObservedCluster[]): HeldRecord[] {
  const out: HeldRecord[] = [];
  const seen = new Set<string>();
  const sorted = [...observed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const o of sorted) {
    const list: unknown = o.record?.held;
    if (!Array.isArray(list)) continue;
    for (const e of list as unknown[]) {
      if (!isHeldRecord(e) || seen.has(entryKey(e))) continue;
      seen.add(entryKey(e));
      out.push({ commit: e.commit, digest: e.digest, count: e.count });
    }
  }
  return out;
}

/** The list the next record carries: what was recorded plus this plan's held set, newest last. */
export function nextHeld(recorded: readonly HeldRecord[], current: HeldRecord | undefined): HeldRecord[] {
  const list =
    current && !recorded.some((e) => entryKey(e) === entryKey(current))
      ? [...recorded, current]
      : [...recorded];
  return list.slice(-HELD_RECORD_LIMIT);
}

/** The recorded held sets of `commit` (a full SHA or a prefix of at least 7 hex characters). */
export function heldAt(recorded: readonly HeldRecord[], commit: string): HeldRecord[] {
  const c = commit.trim().toLowerCase();
  return recorded.filter((e) => e.commit.toLowerCase().startsWith(c));
}
