// Runs every test/**/*.test.ts file with node:test. Node 20 neither globs --test arguments nor
// finds .ts files on its own, and a bare `node --test` would run zero tests and pass.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = findTests('test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.FEDSYNC_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  // A CLI spawned by a test runs the TypeScript sources, never a build in dist/ (see bin/choose-entry.js).
  { stdio: 'inherit', env: { ...process.env, FEDSYNC_ENTRY: process.env.FEDSYNC_ENTRY ?? 'source' } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
