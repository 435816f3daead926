// history.jsonl: one line per change a person would notice on a target (state, applied commit or
// number of drifted objects), appended to what the branch held before and capped to the newest
// lines. A poll that changes nothing appends nothing, so the file never forces a commit by itself.
import { canonicalJsonLine } from './canonical-json.js';
import { loadBalancerId } from './status-paths.js';
import type { StatusSnapshot, TargetState } from './status-snapshot.js';

export const DEFAULT_HISTORY_LIMIT = 200;

export type HistoryEvent = {
  /** `cluster/<name>` or `loadbalancer/<namespace>/<name>`. */
  target: string;
  state: TargetState;
  appliedSha?: string;
  drift: number;
  /** The target's last change time, as given in the snapshot. */
  time?: string;
  sourceSha: string;
};

function parseLine(line: string): HistoryEvent | undefined {
  try {
    const v = JSON.parse(line) as Partial<HistoryEvent>;
    return typeof v.target === 'string' && typeof v.state === 'string' ? (v as HistoryEvent) : undefined;
  } catch {
    return undefined;
  }
}

const sameView = (a: HistoryEvent, b: HistoryEvent): boolean =>
  a.state === b.state && a.appliedSha === b.appliedSha && a.drift === b.drift;

export function currentEvents(snapshot: StatusSnapshot): HistoryEvent[] {
  const targets = [
    ...snapshot.clusters.map((c) => ({ target: `cluster/${c.name}`, t: c })),
    ...snapshot.loadBalancers.map((lb) => ({ target: `loadbalancer/${loadBalancerId(lb)}`, t: lb })),
  ];
  return targets
    .map(({ target, t }) => {
      const e: HistoryEvent = {
        target,
        state: t.state,
        drift: t.drift?.length ?? 0,
        sourceSha: snapshot.source.sha,
      };
      if (t.appliedSha) e.appliedSha = t.appliedSha;
      if (t.lastChange) e.time = t.lastChange;
      return e;
    })
    .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/** The new history file: previous lines kept verbatim (unparseable ones dropped), changes appended. */
export function formatHistory(
  snapshot: StatusSnapshot,
  previous: string | undefined,
  limit: number = DEFAULT_HISTORY_LIMIT,
): string {
  const lines: string[] = [];
  const last = new Map<string, HistoryEvent>();
  for (const line of (previous ?? '').split('\n')) {
    if (line.trim() === '') continue;
    const e = parseLine(line);
    if (!e) continue;
    lines.push(line);
    last.set(e.target, e);
  }
  for (const e of currentEvents(snapshot)) {
    const before = last.get(e.target);
    if (before && sameView(before, e)) continue;
    lines.push(canonicalJsonLine(e));
  }
  const kept = lines.slice(Math.max(0, lines.length - Math.max(1, limit)));
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
