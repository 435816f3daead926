// The test tiers are enforced, not a convention: each rule is made to fire on a made-up tree, and
// the real tree must classify cleanly with the contract tier holding every test that spawns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIRECTORY_TIERS,
  PURE_SOURCES,
  classifyTests,
  runtimeImports,
  tierOf,
} from '../../scripts/test-tiers.js';

function classifyTree(tree: Record<string, string>) {
  return classifyTests(Object.keys(tree), (path) => tree[path]);
}

test('the name gives the tier; otherwise the longest matching directory does', () => {
  assert.equal(tierOf('test/plan/diff.test.ts'), 'unit');
  assert.equal(tierOf('test/plan/ssa.integration.test.ts'), 'integration');
  assert.equal(tierOf('test/sim/kubectl.contract.test.ts'), 'contract');
  assert.equal(tierOf('test/sim/gcp/compute-lb.test.ts'), 'integration', 'a subdirectory inherits');
  assert.equal(tierOf('test/gcp/compute-build.integration.test.ts'), 'integration');
  assert.equal(tierOf('test/planner/x.test.ts'), undefined, 'a prefix of a name is not its directory');
  assert.equal(tierOf('test/x.test.ts'), undefined);
});

test('a test in no tier, or named so that it never runs, stops the run', () => {
  const { tests, problems } = classifyTree({
    'test/newthing/a.test.ts': '',
    'test/plan/b.spec.ts': '',
    'test/plan/c.test.js': '',
    'test/plan/helpers.ts': '',
  });
  assert.deepEqual(tests, []);
  assert.deepEqual(
    problems.map((p) => [p.file, p.message.split(':')[0]]),
    [
      ['test/newthing/a.test.ts', 'is in no test tier'],
      ['test/plan/b.spec.ts', 'never runs'],
      ['test/plan/c.test.js', 'never runs'],
    ],
  );
  assert.match(
    problems[0]!.message,
    /DIRECTORY_TIERS in scripts\/test-tiers\.ts, or name it a\.integration\.test\.ts/,
  );
});

test('a test that spawns a process must be a contract test', () => {
  const spawning = "import { execFile } from 'node:child_process';\n";
  const { tests, problems } = classifyTree({
    'test/cli/run.test.ts': spawning,
    'test/cli/dynamic.test.ts': "const cp = await import('child_process');\n",
    'test/cli/run.contract.test.ts': spawning,
    'test/contract/other.test.ts': spawning,
  });
  assert.deepEqual(
    tests.map((t) => [t.file, t.tier]),
    [
      ['test/cli/run.contract.test.ts', 'contract'],
      ['test/contract/other.test.ts', 'contract'],
    ],
  );
  assert.deepEqual(
    problems.map((p) => p.file),
    ['test/cli/dynamic.test.ts', 'test/cli/run.test.ts'],
  );
  assert.match(problems[1]!.message, /in the integration tier; .* name it run\.contract\.test\.ts$/);
});

test('a unit test may load only the pure core, and nothing that leaves the process, even through helpers', () => {
  const { tests, problems } = classifyTree({
    'test/plan/pure.test.ts':
      "import { a } from '../../src/plan/a.js';\nimport { h } from '../helpers/pure.js';\n" +
      "import type { C } from '../../src/kube/port.js';\nimport { readFile } from 'node:fs/promises';\n",
    'test/helpers/pure.ts': "import { m } from '../../src/model/index.js';\n",
    'test/plan/adapter.test.ts': "import { c } from '../../src/kube/client-node.js';\n",
    'test/plan/via-helper.test.ts': "import { s } from '../helpers/sim.js';\n",
    'test/helpers/sim.ts': "import { x } from '../../src/sim/kube/cluster.js';\n",
    'test/report/socket.test.ts': "import { connect } from 'node:net';\n",
    'test/plan/sim.integration.test.ts': "import { s } from '../helpers/sim.js';\n",
    'test/plan/in-a-string.test.ts': 'const code = "import { connect } from \'node:net\';";\n',
    'src/kube/client-node.ts': '',
    'src/sim/kube/cluster.ts': '',
  });
  assert.deepEqual(
    tests.map((t) => t.file),
    ['test/plan/in-a-string.test.ts', 'test/plan/pure.test.ts', 'test/plan/sim.integration.test.ts'],
  );
  const why = Object.fromEntries(problems.map((p) => [p.file, p.message]));
  assert.match(why['test/plan/adapter.test.ts']!, /reaches src\/kube\/client-node\.ts/);
  assert.match(
    why['test/plan/via-helper.test.ts']!,
    /\(test\/plan\/via-helper\.test\.ts → test\/helpers\/sim\.ts → src\/sim\/kube\/cluster\.ts\)/,
  );
  assert.match(why['test/report/socket.test.ts']!, /reaches node:net/);
  assert.equal(problems.length, 3);
});

test('type-only imports load nothing; re-exports and dynamic imports do', () => {
  const text = [
    "import type { A } from 'a';",
    "import { type B } from 'b';",
    "export { c } from 'c';",
    "export type { D } from 'd';",
    "const e = await import('e');",
    "// import { f } from 'f';",
  ].join('\n');
  assert.deepEqual(runtimeImports('x.ts', text), ['b', 'c', 'e']);
});

test('every test file in this repository is in a tier, and every one that spawns is a contract test', () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .map((n) => join(dir, n))
      .flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p.split('\\').join('/')]));
  const read = (p: string) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined);
  const { tests, problems } = classifyTests(walk('test'), read);
  assert.deepEqual(problems, []);
  for (const t of tests) {
    const spawns = runtimeImports(t.file, readFileSync(t.file, 'utf8')).includes('node:child_process');
    if (spawns) assert.equal(t.tier, 'contract', t.file);
  }
  const used = new Set(tests.map((t) => t.tier));
  assert.deepEqual([...used].sort(), ['contract', 'integration', 'unit']);
  for (const dir of Object.keys(DIRECTORY_TIERS)) assert.match(dir, /^test\//);
});

test('the pure core of the unit tier is the one ESLint keeps pure', () => {
  const config = readFileSync('eslint.config.js', 'utf8');
  const list = /const pureModules = \[([^\]]*)\]/.exec(config)?.[1];
  assert.ok(list, 'eslint.config.js declares pureModules');
  const linted = [...list.matchAll(/'([^']+)\/\*\*\/\*\.ts'/g)].map((m) => m[1]);
  assert.deepEqual([...PURE_SOURCES].sort(), linted.sort());
});
