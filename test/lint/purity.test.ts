// The purity boundary (docs/architecture.md) is enforced by eslint.config.js; prove it bites: each impure
// snippet, linted as if it lived in a pure module, must fail with the pure-module rules, and the same
// snippet outside the pure modules must not.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const PURE_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-properties',
  'no-restricted-syntax',
]);

const PURE_FOLDERS = [
  'src/model',
  'src/manifests',
  'src/federation',
  'src/plan',
  'src/gcp/model',
  'src/report/format',
];

// name → [code, what the message must say]
const FORBIDDEN: Record<string, [string, RegExp]> = {
  'Date.now()': ['export const t = Date.now();', /time arrives as an argument/],
  'Date.now destructured': ['const { now } = Date;\nexport const t = now();', /time arrives/],
  'new Date()': ['export const d = new Date();', /no clock/],
  'new Date without parentheses': ['export const d = new Date;', /no clock/],
  'Date() called as a function': ['export const d = Date();', /no clock/],
  'performance.now()': ['export const t = performance.now();', /no clock/],
  'Math.random()': ['export const r = Math.random();', /no randomness/],
  'crypto.randomUUID() (global)': ['export const id = crypto.randomUUID();', /no randomness/],
  'randomUUID from node:crypto': [
    "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();",
    /no randomness/,
  ],
  'randomBytes from crypto': [
    "import { randomBytes } from 'crypto';\nexport const b = randomBytes(4);",
    /no randomness/,
  ],
  'console.log': ["export function f(): void {\n  console.log('x');\n}", /no logging/],
  'console passed around': ['export const log = console;', /no logging/],
  pino: ["import pino from 'pino';\nexport const log = pino();", /no I\/O, clock or logging/],
  'node:fs': ["import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", /no I\/O/],
  'fs (bare)': ["import { readFileSync } from 'fs';\nexport const f = readFileSync;", /no I\/O/],
  'fs/promises': ["import { readFile } from 'fs/promises';\nexport const f = readFile;", /no I\/O/],
  'node:net': ["import { connect } from 'node:net';\nexport const c = connect;", /no I\/O/],
  'isomorphic-git': ["import git from 'isomorphic-git';\nexport const g = git;", /no I\/O/],
  '@kubernetes/client-node': [
    "import * as k from '@kubernetes/client-node';\nexport const x = k;",
    /no I\/O/,
  ],
  'dynamic import': ["export const m = import('node:fs');", /dynamic import/],
  fetch: ["export const r = fetch('http://x');", /no I\/O/],
  setTimeout: ['export const t = setTimeout(() => 1, 1);', /no timers/],
  setInterval: ['export const t = setInterval(() => 1, 1);', /no timers/],
  'process.env': ['export const e = process.env;', /no process/],
  globalThis: ['export const n = globalThis.Date.now();', /no process or global state/],
  'an adapter module': ["import { x } from '../../kube/client.js';\nexport const y = x;", /adapters/],
};

// Hashing stays allowed; so do dates computed from arguments.
const ALLOWED = [
  "import { createHash } from 'node:crypto';\nexport const h = createHash('sha256').update('x').digest('hex');",
  'export const ms = (iso: string): number => Date.parse(iso);',
  'export const at = (ms: number): string => new Date(ms).toISOString();',
];

let config: Linter.Config[];
before(async () => {
  const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
  config = ((await import(configUrl)) as { default: Linter.Config[] }).default;
});

async function pureMessages(code: string, filePath: string): Promise<string[]> {
  // The project's own rules, minus type-aware parsing (the probe is not part of the TS project;
  // the purity rules need no types).
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [...config, { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId !== null && PURE_RULES.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint: pure modules reject I/O, clock, randomness and logging', () => {
  for (const [name, [code, expected]] of Object.entries(FORBIDDEN)) {
    test(`${name} is rejected in src/plan and allowed in src/cli`, async () => {
      const inPlan = await pureMessages(code, 'src/plan/impure-probe.ts');
      assert.ok(
        inPlan.some((m) => expected.test(m)),
        `expected ${String(expected)} in:\n${inPlan.join('\n')}`,
      );
      assert.deepEqual(await pureMessages(code, 'src/cli/impure-probe.ts'), []);
    });
  }

  test('every pure folder is covered', async () => {
    for (const folder of PURE_FOLDERS) {
      const found = await pureMessages('export const t = Date.now() + Math.random();', `${folder}/probe.ts`);
      assert.equal(found.length, 2, `${folder}: ${found.join('\n')}`);
    }
  });

  test('hashing and dates computed from arguments stay allowed', async () => {
    for (const code of ALLOWED) assert.deepEqual(await pureMessages(code, 'src/plan/pure-probe.ts'), []);
  });
});
