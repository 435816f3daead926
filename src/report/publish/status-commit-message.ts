// The status commit's message: the source commit in the subject and in trailers, so that
// `git log fedsync/status --grep 'Fedsync-Source: <sha>'` finds the status of any source commit.

export const TRAILER_SOURCE = 'Fedsync-Source';
/** How many status commits the branch has, this one included (counted without reading history). */
export const TRAILER_SEQUENCE = 'Fedsync-Sequence';

export function statusCommitMessage(input: {
  sourceSha: string;
  summary: string;
  trailers: Record<string, string>;
  sequence: number;
}): string {
  const summary = input.summary.replace(/\s+/g, ' ').trim();
  const subject = `fedsync status of ${input.sourceSha.slice(0, 12)}: ${summary}`;
  const trailers: [string, string][] = [
    [TRAILER_SOURCE, input.sourceSha],
    ...Object.entries(input.trailers)
      .filter(([k]) => k !== TRAILER_SOURCE && k !== TRAILER_SEQUENCE)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
    [TRAILER_SEQUENCE, String(input.sequence)],
  ];
  return `${subject.length > 72 ? `${subject.slice(0, 71)}…` : subject}\n\n${trailers
    .map(([k, v]) => `${k}: ${v.replace(/\s+/g, ' ')}`)
    .join('\n')}\n`;
}

/** The trailer's value in a commit message, when present. */
export function readTrailer(message: string, key: string): string | undefined {
  const m = new RegExp(`^${key}: (.+)$`, 'm').exec(message);
  return m?.[1]?.trim();
}
