// Golden plans: fixtures/plans/<case>/input.yaml → plan.json, plan.txt, plan.md next to it.
// Refresh with `UPDATE_GOLDEN=1 node scripts/run-tests.js golden` and review the diff like code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { PlanInput } from '../../src/plan/plan-revision.js';
import { formatPlanJson } from '../../src/report/format/plan-json.js';
import { formatPlanText } from '../../src/report/format/plan-text.js';
import { formatPlanMarkdown } from '../../src/report/format/plan-markdown.js';

const ROOT = 'fixtures/plans';
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const SECRET = 'correct-horse-battery-staple';

const cases = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'input.yaml')))
  .sort();

test('there are golden plan fixtures', () => {
  assert.ok(cases.length >= 5, cases.join(', '));
});

for (const name of cases) {
  test(`golden plan: ${name}`, () => {
    const input = load(readFileSync(join(ROOT, name, 'input.yaml'), 'utf8')) as PlanInput;
    const plan = planRevision(input);
    const outputs: [string, string][] = [
      ['plan.json', formatPlanJson(plan)],
      ['plan.txt', formatPlanText(plan)],
      ['plan.md', formatPlanMarkdown(plan)],
    ];
    for (const [file, text] of outputs) {
      assert.ok(
        !text.includes(SECRET) && !text.includes(Buffer.from(SECRET).toString('base64')),
        `${file} leaks a Secret value`,
      );
      const path = join(ROOT, name, file);
      if (UPDATE) writeFileSync(path, text);
      assert.ok(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`);
      assert.equal(text, readFileSync(path, 'utf8'), `${path} differs (UPDATE_GOLDEN=1 refreshes it)`);
    }
    // The same input always gives the same plan.
    assert.equal(planRevision(input).digest, plan.digest);
  });
}
