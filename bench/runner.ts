// Runs benchmark suites one after another and formats their rows as one table. No suite's failure
// or missing prerequisite hides another's rows.
import type { BenchRow, BenchSuite } from './types.js';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs the suites named in `only` (all when empty), in order. Never throws. */
export async function runSuites(
  suites: readonly BenchSuite[],
  only: readonly string[] = [],
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    try {
      const reason = await suite.unavailable?.();
      if (reason !== undefined) {
        rows.push({ kind: 'skipped', name: `${suite.name}: every row`, reason });
        continue;
      }
      rows.push(...(await suite.run()));
    } catch (err) {
      rows.push({ kind: 'failed', name: suite.name, error: errorText(err) });
    }
  }
  return rows;
}

/** Names in `only` that match no suite: a typo must not look like an empty run. */
export function unknownSuites(suites: readonly BenchSuite[], only: readonly string[]): string[] {
  return only.filter((name) => !suites.some((s) => s.name === name));
}

const fmt = (n: number | undefined, digits = 3): string => (n === undefined ? '' : n.toFixed(digits));

const HEADER = ['benchmark', 'seconds', 'baseline', 'baseline s', 'ratio', 'target', 'peak RSS MiB', 'note'];

function cells(row: BenchRow): string[] {
  switch (row.kind) {
    case 'measured':
      return [
        row.name,
        fmt(row.seconds),
        row.baseline ?? '',
        fmt(row.baselineSeconds),
        fmt(row.ratio, 2),
        row.target ? `${row.target.text} ${row.target.met ? 'met' : 'MISSED'}` : '',
        fmt(row.peakRssMiB, 0),
        row.note ?? '',
      ];
    case 'skipped':
      return [row.name, 'skipped', '', '', '', '', '', row.reason];
    case 'failed':
      return [row.name, 'FAILED', '', '', '', '', '', row.error];
  }
}

/** The table `npm run bench` prints, as lines. */
export function formatTable(rows: readonly BenchRow[]): string[] {
  const table = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (row: string[]): string =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...table.map(line)];
}
