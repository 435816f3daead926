// Small Markdown helpers that render the same on GitHub and GitLab: table cells that cannot break
// the table, code spans that survive backticks and pipes, and one marker per target state.
import type { TargetState } from './status-snapshot.js';

const STATE_MARK: Record<TargetState, string> = {
  Synced: '✅',
  Progressing: '🔄',
  OutOfSync: '🟡',
  Drifted: '⚠️',
  Failed: '❌',
  Offline: '🔌',
  Unknown: '❔',
};

export function stateBadge(state: TargetState): string {
  return `${STATE_MARK[state]} ${state}`;
}

/** Plain text made safe for one table cell (no pipes, no line breaks, no raw HTML). */
export function cell(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('|', '\\|')
    .replace(/\r?\n/g, ' ');
}

/** Inline code safe inside a table cell. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replaceAll('|', '\\|');
  const fence = flat.includes('`') ? '``' : '`';
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 12) : '—';
}

/** A value as one short line of JSON (`undefined` is "absent"). */
export function shortValue(value: unknown, max = 120): string {
  if (value === undefined) return '(absent)';
  return clip(JSON.stringify(value) ?? typeof value, max);
}
