// A Git server that trickles bytes, or answers with a web page, and refs in revision syntax: every
// fetch ends within its total deadline or under the low-speed limit with a clear error, an HTML page
// says so, and `HEAD~1` says what is supported instead of "not found".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { validate } from '../../src/cli/commands/validate.js';
import { loadRepo } from '../../src/source/load-repo.js';
import { openGitSource, openSource, SourceError } from '../../src/source/index.js';
import { createRepo, tempDir } from '../helpers/git.js';

// A test that would hang on a server fedsync cannot cut off fails here instead.
const BOUNDED = { timeout: 30_000 };
const FETCHERS = ['isomorphic-git', 'git'] as const;

type Stub = { url: string; stop: () => Promise<void> };

/** A server answering every request with `respond`; open responses are ended on stop. */
async function stubServer(respond: (res: http.ServerResponse) => void): Promise<Stub> {
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    req.resume();
    open.add(res);
    res.on('close', () => open.delete(res));
    respond(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Sends a ref advertisement's headers, then one byte every 50 ms: never idle, never done. */
function trickle(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
  const timer = setInterval(() => res.write('0'), 50);
  res.on('close', () => clearInterval(timer));
}

const sourceError = (code: string, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof SourceError, String(err));
  assert.equal(err.code, code, err.message);
  assert.match(err.message, message);
  return true;
};

describe('a server that trickles bytes', () => {
  let server: Stub;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    server = await stubServer(trickle);
    tmp = await tempDir();
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  for (const fetcher of FETCHERS) {
    test(
      `a fetch ends at the total deadline, although no read is ever idle (${fetcher})`,
      BOUNDED,
      async () => {
        const source = await openGitSource({
          repo: `${server.url}/fed.git`,
          cacheDir: join(tmp.path, `deadline-${fetcher}`),
          timeouts: { totalMs: 1500, lowSpeedBytesPerSecond: 0 },
          fetcher,
        });
        await assert.rejects(
          source.latestRevision(),
          sourceError(
            'source.unreachable',
            /^fetching http:\/\/127\.0\.0\.1:\d+\/fed\.git did not finish within 1\.5 s \(the total deadline for a fetch\); the server is too slow or stalled$/,
          ),
        );
      },
    );
  }

  test('a fetch slower than the low-speed limit over its window ends (isomorphic-git)', BOUNDED, async () => {
    const source = await openGitSource({
      repo: `${server.url}/fed.git`,
      cacheDir: join(tmp.path, 'low-speed'),
      timeouts: { lowSpeedBytesPerSecond: 1000, lowSpeedWindowMs: 500 },
      fetcher: 'isomorphic-git',
    });
    await assert.rejects(
      source.latestRevision('main'),
      sourceError(
        'source.unreachable',
        /^http:\/\/127\.0\.0\.1:\d+\/fed\.git sent \d+ bytes in 0\.5 s, under the low-speed limit of 1000 bytes\/s/,
      ),
    );
  });

  test('a fetch slower than the low-speed limit over its window ends (git)', BOUNDED, async () => {
    // git counts the window in whole seconds: 0.5 s becomes 1 s.
    const source = await openGitSource({
      repo: `${server.url}/fed.git`,
      cacheDir: join(tmp.path, 'low-speed-git'),
      timeouts: { lowSpeedBytesPerSecond: 1000, lowSpeedWindowMs: 500 },
      fetcher: 'git',
    });
    await assert.rejects(
      source.latestRevision('main'),
      sourceError(
        'source.unreachable',
        /^http:\/\/127\.0\.0\.1:\d+\/fed\.git sent fewer than 1000 bytes\/s for 1 s, under the low-speed limit of 1000 bytes\/s; the server is too slow or stalled$/,
      ),
    );
  });

  test(
    'validate exits 4 (unreadable) with the deadline error; plan and apply read through the same options',
    BOUNDED,
    async () => {
      const errors: string[] = [];
      const original = console.error;
      console.error = (text: string) => errors.push(text);
      let code: number;
      try {
        code = await validate({
          repo: `${server.url}/fed.git`,
          cacheDir: join(tmp.path, 'cli'),
          gitTimeout: '1',
          gitLowSpeedLimit: '0',
          output: 'text',
        });
      } finally {
        console.error = original;
      }
      assert.equal(code, 4, 'the exit code of a repository that cannot be read');
      assert.match(
        errors.join('\n'),
        /^fedsync: fetching \S+ did not finish within 1 s \(the total deadline/,
      );
      // plan and apply call loadRepo with the same LoadRepoOptions (test/cli/repo-options.test.ts).
      await assert.rejects(
        loadRepo({
          repo: `${server.url}/fed.git`,
          cacheDir: join(tmp.path, 'load'),
          fetchTimeouts: { totalMs: 1000, lowSpeedBytesPerSecond: 0 },
        }),
        sourceError('source.unreachable', /did not finish within 1 s/),
      );
    },
  );
});

for (const fetcher of FETCHERS) {
  test(`an HTML page where the repository should be says so (${fetcher})`, BOUNDED, async () => {
    const server = await stubServer((res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Sign in to continue</body></html>');
    });
    const tmp = await tempDir();
    try {
      const source = await openGitSource({
        repo: `${server.url}/org/fed`,
        cacheDir: tmp.path,
        fetcher,
      });
      await assert.rejects(
        source.latestRevision(),
        sourceError(
          'source.notARepository',
          /^http:\/\/127\.0\.0\.1:\d+\/org\/fed returned an HTML page, not a Git repository \(is this the repository's web URL\? use the \.git clone URL\)$/,
        ),
      );
    } finally {
      await server.stop();
      await tmp.remove();
    }
  });
}

for (const fetcher of FETCHERS) {
  test(`a redirect is not followed (${fetcher})`, BOUNDED, async () => {
    let elsewhere = 0;
    const other = await stubServer((res) => {
      elsewhere++;
      res.writeHead(500).end();
    });
    const server = await stubServer((res) => {
      res.writeHead(302, { location: `${other.url}/fed.git/info/refs?service=git-upload-pack` }).end();
    });
    const tmp = await tempDir();
    try {
      const source = await openGitSource({ repo: `${server.url}/fed.git`, cacheDir: tmp.path, fetcher });
      await assert.rejects(
        source.latestRevision(),
        sourceError('source.unreachable', /^http:\/\/127\.0\.0\.1:\d+\/fed\.git answered HTTP 302$/),
      );
      assert.equal(elsewhere, 0, 'nothing was asked of the other host');
    } finally {
      await server.stop();
      await other.stop();
      await tmp.remove();
    }
  });
}

describe('refs in revision syntax', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let work: string;
  before(async () => {
    tmp = await tempDir();
    work = (
      await createRepo(tmp.path, 'local', {
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      })
    ).work;
  });
  after(() => tmp.remove());

  test('HEAD~1, main^, @{…}, a..b and rev:path are refused with what is supported', async () => {
    const source = await openSource({ repo: work });
    for (const [ref, what] of [
      ['HEAD~1', '~'],
      ['main^', '^'],
      ['main@{yesterday}', '@{…}'],
      ['main..feature', '..'],
      ['HEAD:cm.yaml', ':'],
    ] as const) {
      await assert.rejects(
        source.latestRevision(ref),
        sourceError(
          'source.invalidRef',
          new RegExp(
            `^ref "${ref.replace(/[.^{}]/g, '\\$&')}" uses revision syntax \\(${what.replace(/[.^{}]/g, '\\$&')}\\), which is not supported; name a branch, a tag, a full commit SHA, or a full ref \\(refs/heads/…, refs/tags/…\\)$`,
          ),
        ),
      );
    }
    await assert.rejects(
      source.latestRevision('-main'),
      sourceError('source.invalidRef', /not a valid Git ref name/),
    );
    assert.ok((await source.latestRevision('main')).sha.length === 40);
    assert.ok((await source.latestRevision('refs/heads/main')).sha.length === 40);
  });

  test('a remote repository refuses them before any request', async () => {
    let requests = 0;
    const server = await stubServer((res) => {
      requests++;
      res.writeHead(500).end();
    });
    try {
      const source = await openGitSource({
        repo: `${server.url}/fed.git`,
        cacheDir: join(tmp.path, 'remote'),
      });
      await assert.rejects(
        source.latestRevision('HEAD~1'),
        sourceError('source.invalidRef', /revision syntax \(~\)/),
      );
      assert.equal(requests, 0);
    } finally {
      await server.stop();
    }
  });
});
