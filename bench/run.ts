// `npm run bench [suite...]`: runs the suites of bench/suites.ts and prints one table. A row that
// cannot run is printed as skipped with its reason; a suite that throws is printed as FAILED and
// the run exits 1.
import { formatTable, runSuites, unknownSuites } from './runner.js';
import { SUITES } from './suites.js';

const only = process.argv.slice(2);
const unknown = unknownSuites(SUITES, only);
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const rows = await runSuites(SUITES, only);
for (const line of formatTable(rows)) console.log(line);
if (rows.some((r) => r.kind === 'failed')) process.exitCode = 1;
