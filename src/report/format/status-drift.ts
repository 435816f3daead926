// drift/<target>.md and .json: what differs from Git on one target, how it was classified, who changed
// it when the server said, since when, and whether fedsync corrected it or only reported it (and why).
import type { TargetKind } from '../../model/index.js';
import { canonicalJson } from './canonical-json.js';
import { cell, code, shortSha, shortValue } from './markdown-text.js';
import { maskDriftEntry, valueHidden } from './status-mask.js';
import type { DriftEntry, DriftSubject } from './status-snapshot.js';

/** At most this many entries per file; the rest are counted, not listed. */
export const MAX_DRIFT_ENTRIES = 500;

export type DriftTarget = { kind: TargetKind; name: string };

export type DriftContext = { federation: string; sourceSha: string };

export function subjectText(s: DriftSubject): string {
  const kind = s.group ? `${s.kind}.${s.group}` : s.kind;
  return s.namespace ? `${kind} ${s.namespace}/${s.name}` : `${kind} ${s.name}`;
}

function subjectKey(s: DriftSubject): string {
  return [s.kind, s.namespace ?? '', s.name, s.group ?? ''].join('\u0000');
}

/** Masked, sorted by object then first seen, fields sorted by path. */
export function prepareDrift(entries: readonly DriftEntry[]): DriftEntry[] {
  return entries
    .map((e) => maskDriftEntry(e))
    .map((e) => ({ ...e, fields: [...e.fields].sort((a, b) => cmp(a.path, b.path)) }))
    .sort((a, b) => cmp(subjectKey(a.subject), subjectKey(b.subject)) || cmp(a.firstSeen, b.firstSeen));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function handlingText(e: DriftEntry): string {
  return e.reason ? `${e.handling}: ${e.reason}` : e.handling;
}

function targetTitle(t: DriftTarget): string {
  return t.kind === 'cluster' ? `cluster ${code(t.name)}` : `load balancer ${code(t.name)}`;
}

export function formatDriftMarkdown(
  target: DriftTarget,
  drift: readonly DriftEntry[],
  ctx: DriftContext,
): string {
  const all = prepareDrift(drift);
  const shown = all.slice(0, MAX_DRIFT_ENTRIES);
  const count = (h: DriftEntry['handling']) => all.filter((e) => e.handling === h).length;
  const out: string[] = [
    `# Drift: ${targetTitle(target)}`,
    '',
    `Federation ${code(ctx.federation)} · source ${code(shortSha(ctx.sourceSha))} · ` +
      `${all.length} drifted (${count('corrected')} corrected, ${count('reported')} reported, ${count('failed')} failed)`,
    '',
    '| Object | Drift | Fields | Changed by | First seen | Handling |',
    '|---|---|---|---|---|---|',
  ];
  for (const e of shown) {
    const fields =
      e.fields.length === 0
        ? '—'
        : e.fields
            .map((f) => code(f.path) + (valueHidden(e.subject, f.path) ? ' (value hidden)' : ''))
            .join(', ');
    out.push(
      `| ${cell(subjectText(e.subject))} | ${e.classification} | ${fields} | ${cell(e.manager ?? 'unknown')} | ${cell(e.firstSeen)} | ${cell(handlingText(e))} |`,
    );
  }
  if (all.length > shown.length)
    out.push(
      '',
      `${all.length - shown.length} more drifted objects are not listed (limit ${MAX_DRIFT_ENTRIES}).`,
    );
  const withValues = shown.filter((e) => e.fields.some((f) => 'from' in f || 'to' in f));
  for (const e of withValues) {
    out.push('', `<details><summary>${cell(subjectText(e.subject))}</summary>`, '');
    out.push('| Field | Live | Desired |', '|---|---|---|');
    for (const f of e.fields)
      out.push(`| ${code(f.path)} | ${code(shortValue(f.from))} | ${code(shortValue(f.to))} |`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

export function formatDriftJson(
  target: DriftTarget,
  drift: readonly DriftEntry[],
  ctx: DriftContext,
): string {
  const all = prepareDrift(drift);
  const shown = all.slice(0, MAX_DRIFT_ENTRIES);
  return canonicalJson({
    federation: ctx.federation,
    sourceSha: ctx.sourceSha,
    target,
    total: all.length,
    truncated: all.length > shown.length,
    entries: shown,
  });
}
