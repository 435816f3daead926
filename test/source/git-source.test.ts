import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createParseCache } from '../../src/manifests/index.js';
import {
  openGitSource,
  openSource,
  readFederationAt,
  SourceError,
  parseRepoLocation,
} from '../../src/source/index.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, git, tempDir } from '../helpers/git.js';

async function demoFiles(): Promise<Record<string, string>> {
  const root = 'fixtures/repos/demo';
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(root, p)] = await readFile(p, 'utf8');
    }
  };
  await walk(root);
  return out;
}

const isSourceError = (code: string) => (err: unknown) => {
  assert.ok(err instanceof SourceError, String(err));
  assert.equal(err.code, code, err.message);
  return true;
};

// Both fetch clients run every test: the git binary and isomorphic-git must behave the same.
const FETCHERS = ['isomorphic-git', 'git'] as const;

for (const fetcher of FETCHERS)
  describe(`GitSource over a real git http-backend (${fetcher})`, () => {
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    let server: GitServer;
    let repo: Awaited<ReturnType<typeof createRepo>>;
    before(async () => {
      tmp = await tempDir();
      repo = await createRepo(tmp.path, 'demo', await demoFiles());
      server = await startGitServer(tmp.path);
    });
    after(async () => {
      await server.stop();
      await tmp.remove();
    });

    test('clones once, then fetches only the new commit and re-reads only the changed file', async () => {
      const cacheDir = join(tmp.path, 'cache-incremental');
      const source = await openGitSource({ repo: `${server.url}/demo.git`, cacheDir, fetcher });
      const cache = createParseCache();
      const first = await readFederationAt(source, { cache });
      assert.equal(first.revision.sha, await git(repo.work, 'rev-parse', 'HEAD'));
      assert.equal(first.revision.author, 'Ada Author <ada@example.com>');
      assert.equal(first.revision.message, 'initial');
      assert.equal(source.stats.fetchedWith, fetcher);
      assert.ok(first.result.ok, JSON.stringify(first.result));
      const filesCount = Object.keys(await demoFiles()).length;
      assert.equal(source.stats.blobsRead, filesCount);
      assert.equal(cache.parsed, filesCount);
      const firstPack = server.packBytes();

      const text = (await readFile(join(repo.work, 'services/nginx.yaml'), 'utf8')).replace(
        'app: nginx\n',
        'app: nginx\n    tier: web\n',
      );
      const sha2 = await repo.commit('label the service', { 'services/nginx.yaml': text });
      const second = await readFederationAt(source, { cache });
      assert.equal(second.revision.sha, sha2);
      assert.deepEqual(second.revision.changedPaths, ['services/nginx.yaml']);
      assert.equal(second.revision.parent, first.revision.sha, 'the parent, for approvals by commit');
      assert.equal(second.revision.message, 'label the service');
      assert.ok(second.result.ok);
      assert.equal(source.stats.blobsRead, filesCount + 1, 'only the changed blob is read');
      assert.equal(cache.parsed, filesCount + 1, 'only the changed file is parsed');
      const secondPack = server.packBytes() - firstPack;
      assert.ok(secondPack < firstPack / 2, `incremental fetch sent ${secondPack} bytes, clone ${firstPack}`);
      const svc = second.result.value.objects.find((o) => o.template.kind === 'Service');
      assert.equal(svc?.template.metadata.labels?.tier, 'web');
    });

    test('a force-push (rewritten history) is just a new revision', async () => {
      const cacheDir = join(tmp.path, 'cache-force');
      const source = await openGitSource({ repo: `${server.url}/demo.git`, cacheDir, fetcher });
      const before = await source.latestRevision('main');
      await git(repo.work, 'reset', '-q', '--hard', 'HEAD~1');
      const rewritten = await repo.commit('rewritten', {
        'extra/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n',
      });
      const after = await source.latestRevision('main');
      assert.notEqual(after.sha, before.sha);
      assert.equal(after.sha, rewritten);
      const { files } = await source.readFiles(after);
      assert.ok(files.some((f) => f.path === 'extra/cm.yaml'));
    });

    test('branches, tags and SHAs resolve; a deleted branch is a clear error', async () => {
      const cacheDir = join(tmp.path, 'cache-refs');
      await git(repo.work, 'checkout', '-q', '-b', 'feature');
      const feature = await repo.commit('feature work', {
        'feature/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: feat}\n',
      });
      await git(repo.work, 'tag', '-a', 'v1', '-m', 'release v1');
      await git(repo.work, 'push', '-q', 'origin', 'v1');
      await git(repo.work, 'checkout', '-q', 'main');
      const source = await openGitSource({ repo: `${server.url}/demo.git`, cacheDir, fetcher });
      assert.equal((await source.latestRevision('feature')).sha, feature);
      assert.equal((await source.latestRevision('v1')).sha, feature, 'annotated tag peeled to its commit');
      assert.equal((await source.latestRevision(feature)).sha, feature);
      assert.equal((await source.latestRevision(feature.slice(0, 10))).sha, feature, 'abbreviated SHA');
      await git(repo.work, 'push', '-q', 'origin', '--delete', 'feature');
      await assert.rejects(source.latestRevision('feature'), (err) => {
        isSourceError('source.refNotFound')(err);
        assert.match((err as Error).message, /"feature" not found/);
        return true;
      });
    });

    test('symlinks out of the repository are refused, inside ones read, oversized files reported', async () => {
      await git(repo.work, 'checkout', '-q', 'main');
      await symlink('/etc/passwd', join(repo.work, 'evil.yaml'));
      await symlink('../../../outside.yaml', join(repo.work, 'nested-evil.yaml'));
      await symlink('services/nginx.yaml', join(repo.work, 'alias.yml'));
      await repo.commit('links', { 'big/large.yaml': `# ${'x'.repeat(5000)}\n` });
      const source = await openGitSource({
        repo: `${server.url}/demo.git`,
        fetcher,
        cacheDir: join(tmp.path, 'cache-links'),
        limits: { maxFileBytes: 4096 },
      });
      const { files, problems } = await source.readFiles(await source.latestRevision());
      const byFile = Object.fromEntries(problems.map((p) => [p.source?.file ?? '', p] as const));
      assert.equal(byFile['evil.yaml']?.code, 'source.symlink');
      assert.equal(byFile['nested-evil.yaml']?.code, 'source.symlink');
      assert.equal(byFile['big/large.yaml']?.code, 'source.fileTooLarge');
      assert.equal(
        files.find((f) => f.path === 'alias.yml')?.text,
        files.find((f) => f.path === 'services/nginx.yaml')?.text,
      );
      assert.ok(!files.some((f) => f.text.includes('root:')), 'nothing from outside was read');
    });

    test('pack size and file count limits fail with clear errors', async () => {
      const tooSmall = await openGitSource({
        repo: `${server.url}/demo.git`,
        fetcher,
        cacheDir: join(tmp.path, 'cache-pack'),
        limits: { maxPackBytes: 200 },
      });
      await assert.rejects(tooSmall.latestRevision(), (err) => {
        isSourceError('source.limit')(err);
        assert.match((err as Error).message, /pack size limit/);
        return true;
      });
      const few = await openGitSource({
        repo: `${server.url}/demo.git`,
        fetcher,
        cacheDir: join(tmp.path, 'cache-count'),
        limits: { maxFiles: 2 },
      });
      await assert.rejects(few.readFiles(await few.latestRevision()), isSourceError('source.limit'));
    });

    test('a local repository is read in place, without a server', async () => {
      const source = await openSource({ repo: repo.work });
      const rev = await source.latestRevision('main');
      assert.equal(rev.sha, await git(repo.work, 'rev-parse', 'main'));
      const { files } = await source.readFiles(rev);
      assert.ok(files.some((f) => f.path === 'fedsync.yaml'));
    });
  });

for (const fetcher of FETCHERS)
  describe(`GitSource credentials and failures (${fetcher})`, () => {
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    let server: GitServer;
    const secret = 's3cr3t-token-value';
    before(async () => {
      tmp = await tempDir();
      await createRepo(tmp.path, 'private', {
        'clusters/a.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
      });
      server = await startGitServer(tmp.path, {
        auth: { basic: { username: 'x-access-token', password: secret }, bearer: secret },
      });
    });
    after(async () => {
      await server.stop();
      await tmp.remove();
    });

    test('basic and bearer tokens from an environment variable or a file work', async () => {
      const viaEnv = await openGitSource({
        repo: `${server.url}/private.git`,
        fetcher,
        cacheDir: join(tmp.path, 'c1'),
        env: { FEDSYNC_GIT_TOKEN: secret },
      });
      assert.match((await viaEnv.latestRevision()).sha, /^[0-9a-f]{40}$/);
      const file = join(tmp.path, 'token');
      await import('node:fs/promises').then((f) => f.writeFile(file, `${secret}\n`));
      const viaFile = await openGitSource({
        repo: `${server.url}/private.git`,
        fetcher,
        cacheDir: join(tmp.path, 'c2'),
        auth: { scheme: 'bearer', tokenFile: file },
      });
      assert.match((await viaFile.latestRevision()).sha, /^[0-9a-f]{40}$/);
    });

    test('wrong credentials give a clear error that does not contain the secret', async () => {
      const wrong = 'wrong-secret-do-not-print';
      const source = await openGitSource({
        repo: `${server.url}/private.git`,
        fetcher,
        cacheDir: join(tmp.path, 'c3'),
        env: { FEDSYNC_GIT_TOKEN: wrong },
      });
      await assert.rejects(source.latestRevision(), (err) => {
        isSourceError('source.auth')(err);
        const text = `${(err as Error).message} ${(err as Error).stack ?? ''} ${JSON.stringify(err)}`;
        assert.ok(
          !text.includes(wrong) && !text.includes(Buffer.from(`x-access-token:${wrong}`).toString('base64')),
        );
        assert.match(
          (err as Error).message,
          /authentication failed for http:\/\/127\.0\.0\.1:\d+\/private\.git \(HTTP 401\)/,
        );
        return true;
      });
      const none = await openGitSource({
        repo: `${server.url}/private.git`,
        fetcher,
        cacheDir: join(tmp.path, 'c4'),
        env: {},
      });
      await assert.rejects(none.latestRevision(), isSourceError('source.auth'));
    });

    test('a server that is down is a transient, clear error', async () => {
      const down = await startGitServer(tmp.path);
      const url = `${down.url}/private.git`;
      await down.stop();
      const source = await openGitSource({ repo: url, cacheDir: join(tmp.path, 'c5'), fetcher });
      await assert.rejects(source.latestRevision(), (err) => {
        isSourceError('source.unreachable')(err);
        assert.equal((err as SourceError).transient, true);
        assert.match(
          (err as Error).message,
          /cannot reach http:\/\/127\.0\.0\.1:\d+\/private\.git \(ECONNREFUSED\)/,
        );
        return true;
      });
    });
  });

test('repository locations: only http(s) URLs without credentials, or local paths', () => {
  assert.deepEqual(parseRepoLocation('https://example.com/fed.git'), {
    kind: 'remote',
    url: 'https://example.com/fed.git',
  });
  assert.equal(parseRepoLocation('fixtures/repos/demo').kind, 'local');
  for (const bad of [
    'ssh://git@example.com/x.git',
    'git@github.com:org/repo.git',
    'file:///etc',
    'https://user:pw@example.com/x.git',
    'ext::sh -c evil',
  ]) {
    assert.throws(
      () => parseRepoLocation(bad),
      (err) => {
        isSourceError('source.invalidLocation')(err);
        assert.ok(!(err as Error).message.includes('pw@'));
        return true;
      },
      bad,
    );
  }
});
