// Runs the test files of one tier, or of all of them, with node:test. Node 20 neither globs --test
// arguments nor finds .ts files on its own, and a bare `node --test` would run zero tests and pass.
//
//   node scripts/run-tests.js [--tier unit|integration|contract]... [--list] [path-substring...]
//
// Every run first classifies every file under test/ (scripts/test-tiers.ts) and refuses to start
// while any file breaks the tier rules, so a new test cannot silently drop out of every tier.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tsImport } from 'tsx/esm/api';

const { TIERS, classifyTests } = await tsImport('./test-tiers.ts', import.meta.url);

/** Binaries the contract tier drives; their tests skip (with a message) when one is missing. */
const CONTRACT_BINARIES = ['kubectl', 'gcloud', 'git', 'openssl'];

function usage(message) {
  console.error(
    `${message}\nusage: node scripts/run-tests.js [--tier ${TIERS.join('|')}]... [--list] [path-substring...]`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const tiers = [];
  const filters = [];
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--list') list = true;
    else if (arg === '--tier' || arg.startsWith('--tier=')) {
      const value = arg === '--tier' ? argv[++i] : arg.slice('--tier='.length);
      if (!TIERS.includes(value)) usage(`unknown tier ${value ?? '(none)'}`);
      tiers.push(value);
    } else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else filters.push(arg);
  }
  return { tiers: tiers.length > 0 ? tiers : [...TIERS], filters, list };
}

function allFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(relative('.', p).split(sep).join('/'));
  }
  return out;
}

const read = (path) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined);
const onPath = (cmd) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, cmd))
    .find((p) => existsSync(p));

const { tiers, filters, list } = parseArgs(process.argv.slice(2));
const { tests, problems } = classifyTests(allFiles('test'), read);
if (problems.length > 0) {
  for (const p of problems) console.error(`${p.file} ${p.message}`);
  console.error(
    `\n${problems.length} test file(s) break the tier rules (see docs/testing.md); nothing was run.`,
  );
  process.exit(1);
}
if (list) {
  for (const t of tests) console.log(`${t.tier.padEnd(12)} ${t.file}`);
  process.exit(0);
}

// Slower tiers first: with a run of every tier the long contract files start at once instead of
// being left to finish alone on one core at the end.
const order = ['contract', 'integration', 'unit'];
const chosen = tests
  .filter((t) => tiers.includes(t.tier))
  .filter((t) => filters.length === 0 || filters.some((s) => t.file.includes(s)))
  .sort((a, b) => order.indexOf(a.tier) - order.indexOf(b.tier) || a.file.localeCompare(b.file));
if (chosen.length === 0) {
  console.error(
    `no test files in tier ${tiers.join('+')}${filters.length ? ` matching ${filters.join(' ')}` : ''}`,
  );
  process.exit(1);
}

const counts = TIERS.map((tier) => [tier, chosen.filter((t) => t.tier === tier).length]).filter(
  ([, n]) => n > 0,
);
console.log(`tests: ${counts.map(([tier, n]) => `${tier} ${n} file(s)`).join(', ')}`);
if (chosen.some((t) => t.tier === 'contract')) {
  const found = CONTRACT_BINARIES.map((cmd) => {
    const path = onPath(cmd);
    return path ? `${cmd} ${path}` : `${cmd} NOT ON PATH (its tests are skipped)`;
  });
  console.log(`contract binaries: ${found.join(' · ')}`);
}

const label =
  (tiers.length === TIERS.length ? 'all tiers' : tiers.join('+')) +
  (filters.length > 0 ? ` matching ${filters.join(' ')}` : '');
const concurrency = process.env.FEDSYNC_TEST_CONCURRENCY ?? '2';
const started = performance.now();
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...chosen.map((t) => t.file),
  ],
  // A CLI spawned by a test runs the TypeScript sources, never a build in dist/ (see bin/choose-entry.js).
  { stdio: 'inherit', env: { ...process.env, FEDSYNC_ENTRY: process.env.FEDSYNC_ENTRY ?? 'source' } },
);
child.on('exit', (code, signal) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${label}: ${chosen.length} file(s) in ${seconds} s wall time (concurrency ${concurrency})`);
  process.exit(code ?? (signal ? 1 : 0));
});
