// The layer directions (docs/architecture.md) are enforced by eslint.config.js; prove each rule
// bites: an import across a forbidden direction, linted as if it lived in that layer, must fail with
// the layer's message, and the same import from a layer allowed to make it must not.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

let config: Linter.Config[];
before(async () => {
  const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
  config = ((await import(configUrl)) as { default: Linter.Config[] }).default;
});

async function messages(code: string, filePath: string, rules: readonly string[]): Promise<string[]> {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [...config, { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId !== null && rules.includes(m.ruleId)).map((m) => m.message);
}
const importMessages = (code: string, filePath: string) =>
  messages(code, filePath, ['no-restricted-imports']);
/** no-restricted-imports does not see import(); the layer rules repeat themselves as syntax rules. */
const dynamicMessages = (code: string, filePath: string) =>
  messages(code, filePath, ['no-restricted-imports', 'no-restricted-syntax']);

const imp = (from: string): string => `import { x } from '${from}';\nexport const y = x;\n`;
const dyn = (from: string): string => `export const m = import('${from}');\n`;
const PURE = /^src\/(model|manifests|federation|plan|gcp\/model|report\/format)\//;

type Case = {
  rule: string;
  /** The probe file and the import it makes. */
  file: string;
  from: string;
  message: RegExp;
  /** The same target imported from a layer that may. */
  allowed: { file: string; from: string };
};

const CASES: Case[] = [
  {
    rule: 'model imports nothing (not the core)',
    file: 'src/model/probe.ts',
    from: '../plan/diff.js',
    message: /Layer model: the shared vocabulary imports nothing/,
    allowed: { file: 'src/plan/probe.ts', from: './diff.js' },
  },
  {
    rule: 'model imports nothing (not a package)',
    file: 'src/model/probe.ts',
    from: 'js-yaml',
    message: /Layer model/,
    allowed: { file: 'src/manifests/probe.ts', from: 'js-yaml' },
  },
  {
    rule: 'the pure core imports no adapter',
    file: 'src/plan/probe.ts',
    from: '../kube/port.js',
    message: /Layer core: the pure core imports only src\/model/,
    allowed: { file: 'src/agent/probe.ts', from: '../kube/port.js' },
  },
  {
    rule: 'the Google Cloud model imports no Compute adapter',
    file: 'src/gcp/model/probe.ts',
    from: '../compute/target.js',
    message: /Layer core/,
    allowed: { file: 'src/agent/probe.ts', from: '../gcp/compute/target.js' },
  },
  {
    rule: 'the pure core imports no orchestration',
    file: 'src/federation/probe.ts',
    from: '../agent/reconcile-once.js',
    message: /Layer core/,
    allowed: { file: 'src/cli/probe.ts', from: '../agent/reconcile-once.js' },
  },
  {
    rule: 'the pure core does not read the system clock',
    file: 'src/plan/probe.ts',
    from: '../clock.js',
    message: /no system clock/,
    allowed: { file: 'src/kube/probe.ts', from: '../clock.js' },
  },
  {
    rule: 'kube never imports agent',
    file: 'src/kube/probe.ts',
    from: '../agent/agent.js',
    message: /Layer adapters: kube, source and gcp never import agent, cli, report/,
    allowed: { file: 'src/cli/probe.ts', from: '../agent/agent.js' },
  },
  {
    rule: 'source never imports cli',
    file: 'src/source/probe.ts',
    from: '../cli/git-options.js',
    message: /Layer adapters/,
    allowed: { file: 'src/cli/commands/probe.ts', from: '../git-options.js' },
  },
  {
    rule: 'gcp never imports report',
    file: 'src/gcp/compute/probe.ts',
    from: '../../report/format/plan-text.js',
    message: /Layer adapters/,
    allowed: { file: 'src/cli/probe.ts', from: '../report/format/plan-text.js' },
  },
  {
    rule: 'formatters import no adapter',
    file: 'src/report/format/probe.ts',
    from: '../../kube/port.js',
    message: /Layer report: formatters are pure/,
    allowed: { file: 'src/cli/probe.ts', from: '../kube/port.js' },
  },
  {
    rule: 'formatters import no publisher',
    file: 'src/report/format/probe.ts',
    from: '../publish/status-branch.js',
    message: /Layer report: formatters are pure/,
    allowed: { file: 'src/report/publish/probe.ts', from: './status-branch.js' },
  },
  {
    rule: 'publishers import no cli',
    file: 'src/report/publish/probe.ts',
    from: '../../cli/main.js',
    message: /Layer report: publishers import no agent, cli/,
    allowed: { file: 'bin/probe.ts', from: '../src/cli/main.js' },
  },
  {
    rule: 'agent never imports cli',
    file: 'src/agent/probe.ts',
    from: '../cli/cluster-command.js',
    message: /Layer agent: the agent never imports cli/,
    allowed: { file: 'src/cli/commands/probe.ts', from: '../cluster-command.js' },
  },
  {
    rule: 'agent never imports the simulator',
    file: 'src/agent/probe.ts',
    from: '../sim/run-world.js',
    message: /Layer agent: the agent never imports cli or the simulator/,
    allowed: { file: 'src/cli/commands/demo.ts', from: '../../sim/run-world.js' },
  },
  {
    rule: 'a CLI command other than the simulator’s own does not import the simulator',
    file: 'src/cli/commands/plan.ts',
    from: '../../sim/world.js',
    message: /Layer cli: only `fedsync sim`, `fedsync demo` and the --sim option/,
    allowed: { file: 'src/cli/fleet-options.ts', from: '../sim/run-world.js' },
  },
  {
    rule: 'the other CLI modules do not import the simulator',
    file: 'src/cli/cluster-command.ts',
    from: '../sim/run-world.js',
    message: /Layer cli/,
    allowed: { file: 'src/cli/commands/sim.ts', from: '../../sim/run-world.js' },
  },
  {
    rule: 'a CLI command does not import another command',
    file: 'src/cli/commands/apply.ts',
    from: './plan.js',
    message: /Layer cli: a command does not import another command/,
    allowed: { file: 'src/cli/commands/apply.ts', from: '../cluster-command.js' },
  },
  {
    rule: 'the simulator’s commands do not import other commands either',
    file: 'src/cli/commands/demo.ts',
    from: './apply.js',
    message: /Layer cli: a command does not import another command/,
    allowed: { file: 'src/cli/commands/sim.ts', from: './sim-gcp.js' },
  },
  {
    rule: 'adapters never import the simulator',
    file: 'src/kube/probe.ts',
    from: '../sim/kube/server.js',
    message: /Layer adapters/,
    allowed: { file: 'src/sim/probe.ts', from: './kube/server.js' },
  },
];

describe('lint: layers import only in the allowed directions', () => {
  for (const c of CASES) {
    test(`${c.rule}: ${c.file} may not import ${c.from}`, async () => {
      const found = await importMessages(imp(c.from), c.file);
      assert.ok(
        found.some((m) => c.message.test(m)),
        `expected ${String(c.message)} in:\n${found.join('\n')}`,
      );
      assert.deepEqual(await importMessages(imp(c.allowed.from), c.allowed.file), []);
    });
  }

  test('model may import itself, but not climb out through itself', async () => {
    assert.deepEqual(await importMessages(imp('./kube.js'), 'src/model/probe.ts'), []);
    const found = await importMessages(imp('./../plan/diff.js'), 'src/model/probe.ts');
    assert.ok(
      found.some((m) => /Layer model/.test(m)),
      found.join('\n'),
    );
  });
});

describe('lint: a dynamic import() obeys the same layer rules', () => {
  for (const c of CASES) {
    test(`${c.rule}: ${c.file} may not import('${c.from}')`, async () => {
      const found = await dynamicMessages(dyn(c.from), c.file);
      // The pure layers refuse every dynamic import; the others the same ones as a static import.
      const expected = PURE.test(c.file) ? /Pure module: no dynamic import/ : c.message;
      assert.ok(
        found.some((m) => expected.test(m)),
        `expected ${String(expected)} in:\n${found.join('\n')}`,
      );
      if (!PURE.test(c.allowed.file))
        assert.deepEqual(await dynamicMessages(dyn(c.allowed.from), c.allowed.file), []);
    });
  }

  test('a dynamically imported module is named by a string literal', async () => {
    const found = await dynamicMessages(
      'export const m = import(`../sim/${"world"}.js`);\n',
      'src/cli/probe.ts',
    );
    assert.ok(
      found.some((m) => /string literal/.test(m)),
      found.join('\n'),
    );
    assert.deepEqual(await dynamicMessages(dyn('@octokit/rest'), 'src/report/publish/probe.ts'), []);
  });
});
