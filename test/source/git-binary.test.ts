// The git-binary fetch path: what the child process is given (the token only in its environment,
// never in argv; no user or system configuration), how the client is chosen, and how git's messages
// become the same error codes the isomorphic-git path raises.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openGitSource, SourceError } from '../../src/source/index.js';
import { spawnProcess } from '../../src/source/git-binary.js';
import type { Spawn } from '../../src/source/git-binary.js';
import { classifyGitFailure } from '../../src/source/git-stderr.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, tempDir } from '../helpers/git.js';

type Call = { args: readonly string[]; env: NodeJS.ProcessEnv };

/** The real spawner, recording what each child is started with. */
function recordingSpawner(): { spawn: Spawn; calls: Call[] } {
  const calls: Call[] = [];
  const spawn: Spawn = (command, args, options) => {
    calls.push({ args: [command, ...args], env: { ...options.env } });
    return spawnProcess(command, args, options);
  };
  return { spawn, calls };
}

const secret = 'argv-secret-token-value';
const basic = Buffer.from(`x-access-token:${secret}`).toString('base64');

describe('fetching with the git binary', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: GitServer;
  let url = '';
  let repo: Awaited<ReturnType<typeof createRepo>>;
  before(async () => {
    tmp = await tempDir();
    repo = await createRepo(tmp.path, 'private', {
      'clusters/a.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
    });
    server = await startGitServer(tmp.path, {
      auth: { basic: { username: 'x-access-token', password: secret } },
    });
    url = `${server.url}/private.git`;
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('the token is in the child environment only, and no caller configuration reaches git', async () => {
    // A caller whose own git configuration would send the fetch elsewhere, with a proxy set.
    const home = join(tmp.path, 'home');
    await mkdir(home, { recursive: true });
    await writeFile(join(home, '.gitconfig'), `[url "http://127.0.0.1:9/"]\n\tinsteadOf = ${server.url}/\n`);
    await writeFile(join(home, '.netrc'), 'machine 127.0.0.1 login x-access-token password wrong\n');
    const { spawn, calls } = recordingSpawner();
    const source = await openGitSource({
      repo: url,
      cacheDir: join(tmp.path, 'argv'),
      fetcher: 'git',
      spawn,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: home,
        HTTPS_PROXY: 'http://127.0.0.1:9',
        http_proxy: 'http://127.0.0.1:9',
        GIT_TRACE_CURL: '1',
        FEDSYNC_GIT_TOKEN: secret,
      },
    });
    const rev = await source.latestRevision();
    assert.match(rev.sha, /^[0-9a-f]{40}$/);
    assert.equal(source.stats.fetchedWith, 'git');
    const fetch = calls.find((c) => c.args.includes('fetch'));
    assert.ok(fetch, `a git fetch ran: ${JSON.stringify(calls.map((c) => c.args))}`);
    for (const call of calls) {
      const argv = call.args.join(' ');
      assert.ok(!argv.includes(secret) && !argv.includes(basic), `no secret in argv: ${argv}`);
      assert.equal(call.env.GIT_CONFIG_NOSYSTEM, '1');
      assert.equal(call.env.GIT_CONFIG_GLOBAL, '/dev/null');
      assert.equal(call.env.GIT_TERMINAL_PROMPT, '0');
      assert.notEqual(call.env.HOME, home, 'not the caller HOME (its .netrc and config)');
      for (const name of [
        'HTTPS_PROXY',
        'http_proxy',
        'XDG_CONFIG_HOME',
        'GIT_TRACE_CURL',
        'FEDSYNC_GIT_TOKEN',
      ])
        assert.equal(call.env[name], undefined, `${name} is not passed on`);
    }
    assert.ok(fetch.args.includes('--depth=1'), 'the first fetch is shallow');
    const env = fetch.env;
    const withSecret = Object.entries(env).filter(([, v]) => v?.includes(basic) || v?.includes(secret));
    assert.equal(withSecret.length, 1, 'the header is the only place the token is');
    const [key] = withSecret[0] as [string, string];
    assert.equal(env[key.replace('VALUE', 'KEY')], 'http.extraHeader');
    assert.equal(env[key], `authorization: Basic ${basic}`);
    const config: Record<string, string | undefined> = Object.fromEntries(
      Object.keys(env)
        .filter((k) => k.startsWith('GIT_CONFIG_KEY_'))
        .map((k) => [env[k] ?? '', env[k.replace('KEY', 'VALUE')]] as const),
    );
    assert.equal(config['http.followRedirects'], 'false');
    assert.equal(config['http.lowSpeedLimit'], '1024');
    assert.equal(config['http.lowSpeedTime'], '30');
  });

  test('auto clones with git and fetches increments with isomorphic-git into the same cache', async () => {
    const auto = await openGitSource({
      repo: url,
      cacheDir: join(tmp.path, 'auto'),
      env: { PATH: process.env.PATH, FEDSYNC_GIT_TOKEN: secret },
    });
    const first = await auto.latestRevision('main');
    assert.equal(auto.stats.fetchedWith, 'git');
    const cloneBytes = server.packBytes();
    const sha = await repo.commit('one more', {
      'clusters/b.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: b}\n',
    });
    const second = await auto.latestRevision('main');
    assert.equal(auto.stats.fetchedWith, 'isomorphic-git');
    assert.equal(second.sha, sha);
    assert.equal(second.parent, first.sha);
    assert.deepEqual(second.changedPaths, ['clusters/b.yaml']);
    const { files } = await auto.readFiles(second);
    assert.deepEqual(files.map((f) => f.path).sort(), ['clusters/a.yaml', 'clusters/b.yaml']);
    assert.ok(server.packBytes() - cloneBytes < cloneBytes, 'the increment is not a new clone');
  });

  test('auto uses isomorphic-git when git is not on the PATH; git forced says so', async () => {
    const noGit = { PATH: join(tmp.path, 'no-such-dir'), FEDSYNC_GIT_TOKEN: secret };
    const fallback = await openGitSource({ repo: url, cacheDir: join(tmp.path, 'fallback'), env: noGit });
    await fallback.latestRevision();
    assert.equal(fallback.stats.fetchedWith, 'isomorphic-git');

    const forced = await openGitSource({
      repo: url,
      cacheDir: join(tmp.path, 'forced'),
      env: { ...noGit, FEDSYNC_GIT_FETCHER: 'git' },
    });
    await assert.rejects(forced.latestRevision(), (err) => {
      assert.ok(err instanceof SourceError);
      assert.equal(err.code, 'source.git');
      assert.match(err.message, /FEDSYNC_GIT_FETCHER=git, but no git 2\.32 or later is on the PATH/);
      return true;
    });
  });

  test('FEDSYNC_GIT_FETCHER=isomorphic-git never starts git; an unknown value is refused', async () => {
    const { spawn, calls } = recordingSpawner();
    const source = await openGitSource({
      repo: url,
      cacheDir: join(tmp.path, 'js'),
      spawn,
      env: { PATH: process.env.PATH, FEDSYNC_GIT_TOKEN: secret, FEDSYNC_GIT_FETCHER: 'isomorphic-git' },
    });
    await source.latestRevision();
    assert.equal(source.stats.fetchedWith, 'isomorphic-git');
    assert.deepEqual(calls, []);
    await assert.rejects(
      openGitSource({ repo: url, env: { FEDSYNC_GIT_FETCHER: 'libgit2' } }),
      /FEDSYNC_GIT_FETCHER must be one of auto, git, isomorphic-git \(got "libgit2"\)/,
    );
  });
});

test("git's messages map to the isomorphic-git path's codes; an unknown one keeps no secret", () => {
  const base = {
    exitCode: 128,
    where: 'https://git.example.com/fed.git',
    ref: 'main',
    lowSpeed: { bytesPerSecond: 1024, seconds: 30 },
    secrets: ['Basic c2VjcmV0', 'c2VjcmV0'],
  };
  const cases: [string, string, boolean][] = [
    [
      "fatal: unable to access 'https://git.example.com/fed.git/': The requested URL returned error: 403",
      'source.auth',
      false,
    ],
    [
      "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
      'source.auth',
      false,
    ],
    ["fatal: repository 'https://git.example.com/fed.git/' not found", 'source.notARepository', false],
    ["fatal: couldn't find remote ref main", 'source.refNotFound', false],
    ["fatal: unable to access 'x': The requested URL returned error: 503", 'source.unreachable', true],
    ["fatal: unable to access 'x': Could not resolve host: git.example.com", 'source.unreachable', true],
    [
      "fatal: unable to access 'x': SSL certificate problem: self-signed certificate",
      'source.unreachable',
      false,
    ],
    [
      'error: RPC failed; curl 28 Operation too slow. Less than 1024 bytes/sec transferred the last 30 seconds',
      'source.unreachable',
      true,
    ],
  ];
  for (const [stderr, code, transient] of cases) {
    const err = classifyGitFailure({ ...base, stderr });
    assert.equal(err.code, code, stderr);
    assert.equal(err.transient, transient, stderr);
  }
  const unknown = classifyGitFailure({
    ...base,
    stderr: 'warning: x\nfatal: something odd with header Basic c2VjcmV0 and c2VjcmV0\n',
  });
  assert.equal(unknown.code, 'source.git');
  assert.equal(
    unknown.message,
    'reading https://git.example.com/fed.git failed: git fetch exited with 128: fatal: something odd with header *** and ***',
  );
});
