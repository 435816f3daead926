// `npm run bench`: runs every benchmark module and prints one table. Add modules to BENCHES.
import type { BenchRow } from './types.js';

type BenchModule = { run: () => Promise<BenchRow[]> };

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  source: () => import('./source.js'),
  planner: () => import('./planner.js'),
};

function fmt(n: number | undefined, digits = 3): string {
  return n === undefined ? '' : n.toFixed(digits);
}

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const [name, load] of Object.entries(BENCHES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  rows.push(...(await (await load()).run()));
}
const header = ['benchmark', 'seconds', 'baseline', 'baseline s', 'ratio', 'peak RSS MiB', 'note'];
const table = rows.map((r) => [
  r.name,
  fmt(r.seconds),
  r.baseline ?? '',
  fmt(r.baselineSeconds),
  fmt(r.ratio, 2),
  fmt(r.peakRssMiB, 0),
  r.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
