// The layer directions of eslint.config.js, proved to fire: each forbidden import, linted as if it
// lived in a file of the importing layer, fails with that layer's message (as a static import, a
// type import, a re-export and, outside the pure core, a dynamic import), and the allowed
// directions pass.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { lintMessages } from './probe.js';

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

/** The specifier a file at `from` uses for the module `to` (both relative to the repository). */
function specifier(from: string, to: string): string {
  if (!to.startsWith('src/')) return to; // a package
  const rel = posix.relative(posix.dirname(from), to.replace(/\.ts$/, '.js'));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

type Form = 'import' | 'type import' | 're-export' | 'dynamic import';
const snippet: Record<Form, (s: string) => string> = {
  import: (s) => `import { x } from '${s}';\nexport const y = x;`,
  'type import': (s) => `import type { X } from '${s}';\nexport type Y = X;`,
  're-export': (s) => `export { x } from '${s}';`,
  'dynamic import': (s) => `export const m = import('${s}');`,
};

const layerMessages = (code: string, file: string) => lintMessages(code, file, LAYER_RULES);

async function assertRefused(from: string, to: string, expected: RegExp, forms: readonly Form[]) {
  for (const form of forms) {
    const found = await layerMessages(snippet[form](specifier(from, to)), from);
    assert.ok(
      found.some((m) => expected.test(m)),
      `${from} → ${to} (${form}): expected ${String(expected)} in:\n${found.join('\n') || '(nothing)'}`,
    );
  }
}

async function assertAllowed(from: string, to: string) {
  const code = snippet.import(specifier(from, to));
  assert.deepEqual(await layerMessages(code, from), [], `${from} → ${to} must be allowed`);
}

const STATIC: readonly Form[] = ['import', 'type import', 're-export'];
const ALL: readonly Form[] = [...STATIC, 'dynamic import'];

// One module of each layer, as an import target.
const MODULE = {
  model: 'src/model/outcome.ts',
  manifests: 'src/manifests/load.ts',
  federation: 'src/federation/desired.ts',
  plan: 'src/plan/plan-revision.ts',
  gcpModel: 'src/gcp/model/plan.ts',
  format: 'src/report/format/plan-text.ts',
  kube: 'src/kube/fleet.ts',
  source: 'src/source/load-repo.ts',
  sim: 'src/sim/world.ts',
  simKube: 'src/sim/kube/cluster.ts',
  agent: 'src/agent/reconcile-once.ts',
  cli: 'src/cli/fleet-options.ts',
  compute: 'src/gcp/compute/target.ts',
  publish: 'src/report/publish/status-branch.ts',
  systemClock: 'src/clock.ts',
} as const;

const PURE_CORE = ['src/manifests', 'src/federation', 'src/plan', 'src/gcp/model', 'src/report/format'];

describe('lint: src/model imports nothing outside itself', () => {
  const from = 'src/model/probe.ts';
  const refused = /src\/model imports only src\/model/;

  test('other layers, parent paths and packages are refused', async () => {
    for (const to of [MODULE.plan, MODULE.federation, MODULE.kube, MODULE.systemClock])
      await assertRefused(from, to, refused, STATIC);
    for (const to of ['zod', 'js-yaml', 'node:crypto', './../plan/diff.js'])
      await assertRefused(from, to, refused, STATIC);
  });

  test('its own files are allowed', async () => {
    await assertAllowed(from, MODULE.model);
    await assertAllowed(from, 'src/model/sub/file.ts');
  });
});

describe('lint: the pure core imports no adapter', () => {
  const refused = /the pure core imports no adapter/;
  const adapters = [
    MODULE.kube,
    MODULE.source,
    MODULE.sim,
    MODULE.simKube,
    MODULE.agent,
    MODULE.cli,
    MODULE.compute,
    MODULE.publish,
    MODULE.systemClock,
  ];

  for (const folder of PURE_CORE) {
    test(`${folder}: every adapter is refused; model, the core and its packages are allowed`, async () => {
      const from = `${folder}/probe.ts`;
      for (const to of adapters) await assertRefused(from, to, refused, STATIC);
      // gcp/model is also gcp, which never imports report (see below).
      const core = folder === 'src/gcp/model' ? [] : [MODULE.format];
      for (const to of [
        MODULE.model,
        'src/model/clock.ts',
        MODULE.federation,
        MODULE.plan,
        ...core,
        'js-yaml',
        'zod',
      ])
        await assertAllowed(from, to);
    });
  }

  test('a dynamic import is refused by the purity rule instead', async () => {
    const found = await layerMessages(snippet['dynamic import']('../kube/fleet.js'), 'src/plan/probe.ts');
    assert.ok(
      found.some((m) => /no dynamic import/.test(m)),
      found.join('\n'),
    );
  });
});

describe('lint: kube, source and gcp never import agent, cli or report', () => {
  const refused = /kube, source and gcp are adapters: they never import agent, cli or report/;

  for (const from of [
    'src/kube/probe.ts',
    'src/source/probe.ts',
    'src/gcp/compute/probe.ts',
    'src/gcp/model/probe.ts',
  ]) {
    test(`${from}: agent, cli, report/format and report/publish are refused`, async () => {
      const forms = from.includes('gcp/model') ? STATIC : ALL;
      for (const to of [MODULE.agent, MODULE.cli, MODULE.format, MODULE.publish])
        await assertRefused(from, to, refused, forms);
    });
  }

  test('they may import the model and the pure core; gcp/compute may import gcp/model', async () => {
    for (const from of ['src/kube/probe.ts', 'src/source/probe.ts', 'src/gcp/compute/probe.ts'])
      for (const to of [MODULE.model, MODULE.plan, MODULE.federation, MODULE.manifests, MODULE.systemClock])
        await assertAllowed(from, to);
    await assertAllowed('src/gcp/compute/probe.ts', MODULE.gcpModel);
    await assertAllowed('src/kube/probe.ts', 'src/kube/errors.ts');
  });
});

describe('lint: src/agent never imports src/cli', () => {
  const refused = /src\/agent never imports src\/cli/;

  test('cli is refused, from the agent and from its subfolders', async () => {
    for (const from of ['src/agent/probe.ts', 'src/agent/leader/probe.ts'])
      await assertRefused(from, MODULE.cli, refused, ALL);
  });

  test('the adapters, the core and report are allowed', async () => {
    for (const to of [MODULE.kube, MODULE.source, MODULE.compute, MODULE.plan, MODULE.format, MODULE.publish])
      await assertAllowed('src/agent/probe.ts', to);
  });

  test('the cli may import the agent', async () => {
    await assertAllowed('src/cli/commands/apply.ts', MODULE.agent);
  });
});

describe("lint: only the simulator's own commands import src/sim", () => {
  const refused = /only the simulator's own commands/;
  const importers = [
    'src/cli/commands/apply.ts',
    'src/cli/commands/plan.ts',
    'src/cli/fleet-options.ts',
    'src/agent/agent.ts',
    'src/kube/probe.ts',
    'src/source/probe.ts',
    'src/gcp/compute/probe.ts',
    'src/report/publish/probe.ts',
    'src/clock.ts',
  ];

  test('src/sim is refused everywhere else in src', async () => {
    for (const from of importers)
      for (const to of [MODULE.sim, MODULE.simKube]) await assertRefused(from, to, refused, ALL);
  });

  test('…including from the pure core and the model, by their own rules', async () => {
    await assertRefused('src/plan/probe.ts', MODULE.sim, /the pure core imports no adapter/, STATIC);
    await assertRefused('src/model/probe.ts', MODULE.sim, /src\/model imports only src\/model/, STATIC);
  });

  test('the sim commands, the demo and the simulator itself may', async () => {
    for (const from of [
      'src/cli/commands/sim.ts',
      'src/cli/commands/sim-gcp.ts',
      'src/cli/commands/demo.ts',
      'src/sim/kube/probe.ts',
      'src/sim/gcp/probe.ts',
    ]) {
      await assertAllowed(from, MODULE.sim);
      await assertAllowed(from, MODULE.simKube);
    }
  });
});

test('lint: a dynamic import names its module with a string literal', async () => {
  const found = await layerMessages('export const m = import(`../sim/${"world"}.js`);', 'src/cli/probe.ts');
  assert.ok(
    found.some((m) => /string literal/.test(m)),
    found.join('\n'),
  );
  assert.deepEqual(
    await layerMessages("export const m = import('./kube-client.js');", 'src/cli/probe.ts'),
    [],
  );
});
