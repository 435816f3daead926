// Golden status branches: fixtures/status/<case>/input.json → the whole file set under expected/.
// Refresh with `UPDATE_GOLDEN=1 node scripts/run-tests.js status-golden` and review the diff like code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { formatStatusFiles } from '../../src/report/format/status-files.js';
import type { FormatStatusOptions } from '../../src/report/format/status-files.js';
import type { StatusSnapshot } from '../../src/report/format/status-snapshot.js';

const ROOT = 'fixtures/status';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

type Input = { snapshot: StatusSnapshot } & FormatStatusOptions;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const cases = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'input.json')))
  .sort();

test('there are golden status fixtures', () => {
  assert.ok(cases.length >= 2, cases.join(', '));
});

for (const name of cases) {
  test(`golden status branch: ${name}`, () => {
    const input = JSON.parse(readFileSync(join(ROOT, name, 'input.json'), 'utf8')) as Input;
    const { snapshot, ...options } = input;
    const files = formatStatusFiles(snapshot, options);
    const expectedDir = join(ROOT, name, 'expected');
    if (UPDATE) {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
        writeFileSync(join(expectedDir, path), text);
      }
    }
    assert.deepEqual(Object.keys(files), listFiles(expectedDir), `file set of ${name} differs`);
    for (const [path, text] of Object.entries(files))
      assert.equal(text, readFileSync(join(expectedDir, path), 'utf8'), `${name}/${path} differs`);
    // Deterministic: the same input, shuffled, renders the same bytes.
    const shuffled: StatusSnapshot = {
      ...snapshot,
      clusters: [...snapshot.clusters].reverse().map((c) => ({
        ...c,
        ...(c.drift ? { drift: [...c.drift].reverse() } : {}),
        ...(c.inventory ? { inventory: [...c.inventory].reverse() } : {}),
      })),
      loadBalancers: [...snapshot.loadBalancers].reverse().map((lb) => ({
        ...lb,
        ...(lb.resources ? { resources: [...lb.resources].reverse() } : {}),
        ...(lb.backends ? { backends: [...lb.backends].reverse() } : {}),
      })),
    };
    assert.deepEqual(formatStatusFiles(shuffled, options), files);
  });
}
