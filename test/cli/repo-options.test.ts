// `render` and `validate` take the same repository options and hand them to loadRepo as one
// LoadRepoOptions object.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { registerRender } from '../../src/cli/commands/render.js';
import { validate } from '../../src/cli/commands/validate.js';
import { addRepoOptions, loadRepoOptionsFrom } from '../../src/cli/git-options.js';
import type { RepoCliOptions } from '../../src/cli/git-options.js';
import { loadRepo } from '../../src/source/load-repo.js';
import type { LoadRepoOptions, LoadedRepo } from '../../src/source/load-repo.js';
import { ok } from '../../src/model/index.js';
import { SourceError, SourceErrorCode } from '../../src/source/errors.js';
import { registration, repo } from '../helpers/federation.js';

afterEach(() => {
  process.exitCode = undefined;
});

const FLAGS = [
  '--repo',
  'https://git.example.com/fed.git',
  '--ref',
  'release',
  '--cache-dir',
  '/tmp/fedsync-cache',
  '--git-token-file',
  '/run/secrets/git-token',
  '--git-username',
  'robot',
  '--git-auth',
  'basic',
  '--git-ca-file',
  '/etc/ssl/corp-ca.pem',
  '--policy-file',
  '/etc/fedsync/policy.yaml',
];

const EXPECTED: LoadRepoOptions = {
  repo: 'https://git.example.com/fed.git',
  ref: 'release',
  cacheDir: '/tmp/fedsync-cache',
  caFile: '/etc/ssl/corp-ca.pem',
  policyFile: '/etc/fedsync/policy.yaml',
  auth: { scheme: 'basic', username: 'robot', tokenFile: '/run/secrets/git-token' },
};

const loaded = (): LoadedRepo => ({
  ...ok(repo({ clusters: [registration('a')], objects: [] })),
  repoDescription: 'x',
});

async function renderWith(args: string[], load: (o: LoadRepoOptions) => Promise<LoadedRepo>) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('fedsync').exitOverride();
  registerRender(program, { loadRepo: load, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  await program.parseAsync(['node', 'fedsync', 'render', ...args]);
  return { out: out.join(''), err: err.join(''), code: process.exitCode ?? 0 };
}

/** The options `validate` passes to loadRepo for the same flags, parsed by the same commander setup. */
async function validateOptionsFor(args: string[]): Promise<LoadRepoOptions> {
  let captured: LoadRepoOptions | undefined;
  const program = new Command('fedsync').exitOverride();
  addRepoOptions(program.command('validate'))
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: RepoCliOptions & { output: string }) => {
      const log = console.log;
      console.log = () => undefined;
      try {
        await validate(opts, (o) => {
          captured = o;
          return Promise.resolve(loaded());
        });
      } finally {
        console.log = log;
      }
    });
  await program.parseAsync(['node', 'fedsync', 'validate', ...args]);
  assert.ok(captured);
  return captured;
}

test('render passes token file, user name, CA bundle, cache dir and ref to loadRepo', async () => {
  let captured: LoadRepoOptions | undefined;
  const r = await renderWith([...FLAGS, '--cluster', 'a'], (o) => {
    captured = o;
    return Promise.resolve(loaded());
  });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(captured, EXPECTED);
});

test('validate builds the very same LoadRepoOptions from the same flags', async () => {
  assert.deepEqual(await validateOptionsFor(FLAGS), EXPECTED);
});

test('a token from an environment variable, bearer auth and --working-tree come through too', () => {
  assert.deepEqual(
    loadRepoOptionsFrom({
      repo: '.',
      cacheDir: 'c',
      gitTokenEnv: 'MY_TOKEN',
      gitAuth: 'bearer',
      workingTree: true,
    }),
    { repo: '.', cacheDir: 'c', workingTree: true, auth: { scheme: 'bearer', tokenEnv: 'MY_TOKEN' } },
  );
  assert.throws(
    () => loadRepoOptionsFrom({ repo: '.', cacheDir: 'c', gitAuth: 'digest' }),
    /basic or bearer/,
  );
});

test('--git-timeout, --git-low-speed-limit and --git-low-speed-time become fetchTimeouts', async () => {
  const options = await validateOptionsFor([
    '--repo',
    'https://git.example.com/fed.git',
    '--git-timeout',
    '45',
    '--git-low-speed-limit',
    '0',
    '--git-low-speed-time',
    '2.5',
  ]);
  assert.deepEqual(options.fetchTimeouts, {
    totalMs: 45_000,
    lowSpeedBytesPerSecond: 0,
    lowSpeedWindowMs: 2_500,
  });
  assert.equal((await validateOptionsFor(['--repo', 'x'])).fetchTimeouts, undefined, 'defaults apply');
  for (const [flag, value] of [
    ['gitTimeout', '0'],
    ['gitTimeout', 'soon'],
    ['gitLowSpeedLimit', '-1'],
    ['gitLowSpeedTime', ''],
  ] as const) {
    assert.throws(() => loadRepoOptionsFrom({ repo: '.', cacheDir: 'c', [flag]: value }), /must be a number/);
  }
});

test('render: a repository that cannot be read exits 2 with the message, nothing on stdout', async () => {
  const r = await renderWith(['--repo', 'x', '--cluster', 'a'], () =>
    Promise.reject(
      new SourceError(SourceErrorCode.auth, 'authentication failed for https://git.example.com/fed.git'),
    ),
  );
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, 'fedsync: authentication failed for https://git.example.com/fed.git\n');
});

test('loadRepo reads a repository from an options object', async () => {
  const byOptions = await loadRepo({ repo: 'fixtures/repos/demo' });
  assert.ok(byOptions.ok);
  assert.equal(byOptions.value.federation.name, 'demo');
  assert.match(byOptions.repoDescription ?? '', /fixtures\/repos\/demo/);
  await assert.rejects(loadRepo({ repo: 'ssh://git@example.com/x.git' }), /must be http\(s\)/);
});
