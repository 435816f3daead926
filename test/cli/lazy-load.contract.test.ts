// Each command loads only its own module and the clients it uses: the CLI runs in a child process
// with a module-resolution hook that records every module it loads, and the test reads the record.
// The help listing of src/cli/main.ts matches every command's own description.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { COMMANDS, buildProgram, commandOf } from '../../src/cli/main.js';
import { startDemoWorld } from '../helpers/demo-world.js';

let dir: string;
let hooks: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-lazy-'));
  await writeFile(
    join(dir, 'hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'let log;',
      'export function initialize(data) { log = data.log; }',
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      "  appendFileSync(log, r.url + '\\n');",
      '  return r;',
      '}',
    ].join('\n'),
  );
  hooks = join(dir, 'register.mjs');
});
after(() => rm(dir, { recursive: true, force: true }));

/** Runs `fedsync <args>` from the sources; returns every module URL it resolved, and its exit code. */
async function loaded(
  name: string,
  args: string[],
): Promise<{ code: number; urls: string[]; stdout: string }> {
  const log = join(dir, `${name}.log`);
  await writeFile(log, '');
  await writeFile(
    hooks,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });\n`,
  );
  let stdout = '';
  const code = await new Promise<number>((done) => {
    execFile(
      process.execPath,
      ['--import', hooks, 'bin/fedsync.js', ...args],
      { env: { ...process.env, FEDSYNC_ENTRY: 'source' } },
      (err, out) => {
        stdout = out;
        done(err ? Number((err as { code?: number }).code ?? 1) : 0);
      },
    );
  });
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  assert.ok(
    urls.some((u) => u.endsWith('/src/cli/main.ts')),
    `the hook saw the CLI load (${urls.length} urls)`,
  );
  return { code, urls, stdout };
}

const HEAVY = {
  kubernetes: '/node_modules/@kubernetes/client-node/',
  git: '/node_modules/isomorphic-git/',
  compute: '/node_modules/@google-cloud/compute/',
  yaml: '/node_modules/js-yaml/',
  simulator: '/src/sim/',
} as const;

const commandModules = (urls: string[]): string[] =>
  [...new Set(urls.flatMap((u) => /\/src\/cli\/commands\/([\w-]+)\.ts$/.exec(u)?.[1] ?? []))].sort();

const uses = (urls: string[], what: keyof typeof HEAVY): boolean => urls.some((u) => u.includes(HEAVY[what]));

test('`fedsync version` loads its own module and none of the heavy clients', async () => {
  const { code, urls } = await loaded('version', ['version']);
  assert.equal(code, 0);
  assert.deepEqual(commandModules(urls), ['version']);
  for (const what of Object.keys(HEAVY) as (keyof typeof HEAVY)[])
    assert.equal(uses(urls, what), false, `version loads no ${what}`);
});

test('`fedsync --help` loads no command module', async () => {
  const { code, urls } = await loaded('help', ['--help']);
  assert.equal(code, 0);
  assert.deepEqual(commandModules(urls), []);
  assert.equal(uses(urls, 'yaml'), false);
});

test('`fedsync validate` of a directory loads the YAML parser but neither Git nor the cluster clients', async () => {
  const { code, urls } = await loaded('validate', ['validate', '--repo', 'fixtures/repos/demo']);
  assert.equal(code, 0);
  assert.deepEqual(commandModules(urls), ['validate']);
  assert.equal(uses(urls, 'yaml'), true);
  for (const what of ['kubernetes', 'git', 'compute', 'simulator'] as const)
    assert.equal(uses(urls, what), false, `validate loads no ${what}`);
});

test('`fedsync validate` of a Git repository loads isomorphic-git', async () => {
  const { urls } = await loaded('validate-git', ['validate', '--repo', resolve('.')]);
  assert.equal(uses(urls, 'git'), true);
  assert.equal(uses(urls, 'kubernetes'), false);
});

test('`fedsync plan` loads the Kubernetes client, not Google Cloud, the simulator or other commands', async () => {
  const { urls } = await loaded('plan', [
    'plan',
    '--repo',
    'fixtures/repos/demo',
    '--kubeconfig',
    join(dir, 'no-such-kubeconfig'),
  ]);
  assert.deepEqual(commandModules(urls), ['plan']);
  assert.equal(uses(urls, 'kubernetes'), true);
  assert.equal(uses(urls, 'compute'), false);
  assert.equal(uses(urls, 'simulator'), false);
});

test('`fedsync plan` of a world with a load balancer reads Google Cloud without its client library', async () => {
  const world = await startDemoWorld(join(dir, 'sim'));
  try {
    const { code, urls, stdout } = await loaded('plan-lb', [
      'plan',
      '--repo',
      'fixtures/repos/demo',
      '--sim',
      join(dir, 'sim'),
      '--cache-dir',
      join(dir, 'cache'),
      '-o',
      'json',
    ]);
    assert.equal(code, 2, 'changes to make');
    const plan = JSON.parse(stdout) as { targets: { kind: string }[] };
    assert.ok(
      plan.targets.some((t) => t.kind === 'loadBalancer'),
      'the plan has the load balancer: it was observed',
    );
    assert.equal(uses(urls, 'compute'), false, 'plan loads no @google-cloud/compute');
  } finally {
    await world.stop();
  }
});

test('`fedsync reconcile` loads neither the cluster clients, Git nor YAML; no agent answers: exit 6', async () => {
  const { code, urls } = await loaded('reconcile', ['reconcile', '--agent', 'http://127.0.0.1:1', '--wait']);
  assert.equal(code, 6, 'no agent answers');
  assert.deepEqual(commandModules(urls), ['reconcile']);
  for (const what of Object.keys(HEAVY) as (keyof typeof HEAVY)[])
    assert.equal(uses(urls, what), false, `reconcile loads no ${what}`);
});

test('`fedsync status --agent` loads neither the cluster clients, Git nor YAML; no agent answers: exit 6', async () => {
  const { code, urls } = await loaded('status-agent', ['status', '--agent', 'http://127.0.0.1:1']);
  assert.equal(code, 6, 'no agent answers');
  assert.deepEqual(commandModules(urls), ['status']);
  for (const what of Object.keys(HEAVY) as (keyof typeof HEAVY)[])
    assert.equal(uses(urls, what), false, `status --agent loads no ${what}`);
});

test('which command argv names: the first word, or the word after `help`', () => {
  const name = (argv: string[]) => commandOf(['node', 'fedsync', ...argv])?.name;
  assert.equal(name(['plan', '--repo', 'x']), 'plan');
  assert.equal(name(['help', 'apply']), 'apply');
  assert.equal(name(['--help']), undefined);
  assert.equal(name(['plna']), undefined);
});

test("the help listing's summaries are the commands' own descriptions", async () => {
  const full = await buildProgram();
  const summaryOnly = await buildProgram({ full: [] });
  const descriptions = (p: Command) => Object.fromEntries(p.commands.map((c) => [c.name(), c.description()]));
  assert.deepEqual(
    COMMANDS.map((c) => c.name),
    full.commands.map((c) => c.name()),
  );
  assert.deepEqual(descriptions(summaryOnly), descriptions(full));
});
