// The purity boundary (DESIGN.md §5) is enforced by eslint.config.js; prove it bites: an impure
// fixture linted as if it lived in src/plan must fail with the pure-module rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

async function lintAs(filePath: string): Promise<Linter.LintMessage[]> {
  const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
  const { default: config } = (await import(configUrl)) as { default: Linter.Config[] };
  // The project's own rules, minus type-aware parsing (the probe is not part of the TS project;
  // the purity rules need no types).
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [...config, { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  const code = readFileSync('fixtures/lint/impure-plan.ts', 'utf8');
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages;
}

test('lint: Date.now(), Math.random(), console and node:fs are rejected in src/plan', async () => {
  const messages = await lintAs('src/plan/impure-probe.ts');
  const found = messages.map((m) => `${m.ruleId}: ${m.message}`);
  assert.ok(
    found.some((m) => m.includes('no-restricted-properties') && m.includes('time arrives as an argument')),
    found.join('\n'),
  );
  assert.ok(
    found.some((m) => m.includes('no randomness')),
    found.join('\n'),
  );
  assert.ok(
    found.some((m) => m.includes('no logging')),
    found.join('\n'),
  );
  assert.ok(
    found.some((m) => m.includes('no-restricted-imports')),
    found.join('\n'),
  );
});

test('lint: the same code outside the pure modules is not subject to the purity rules', async () => {
  const messages = await lintAs('src/cli/impure-probe.ts');
  assert.deepEqual(
    messages.filter((m) => m.ruleId === 'no-restricted-properties' || m.ruleId === 'no-restricted-imports'),
    [],
  );
});
