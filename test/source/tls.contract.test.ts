import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openGitSource, SourceError } from '../../src/source/index.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, tempDir } from '../helpers/git.js';

const run = promisify(execFile);
const hasOpenssl = await run('openssl', ['version']).then(
  () => true,
  () => false,
);

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: GitServer | undefined;
let caFile = '';

before(async () => {
  tmp = await tempDir();
  if (!hasOpenssl) return;
  await createRepo(tmp.path, 'tls', {
    'clusters/a.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
  });
  caFile = join(tmp.path, 'cert.pem');
  const keyFile = join(tmp.path, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    caFile,
  ]);
  server = await startGitServer(tmp.path, {
    tls: { key: await readFile(keyFile, 'utf8'), cert: await readFile(caFile, 'utf8') },
  });
});
after(async () => {
  await server?.stop();
  await tmp.remove();
});

for (const fetcher of ['isomorphic-git', 'git'] as const)
  test(
    `https with a private CA: refused without the bundle, read with --git-ca-file (${fetcher})`,
    { skip: hasOpenssl ? false : 'openssl not on PATH: the custom CA bundle test is skipped' },
    async () => {
      const url = `${server?.url ?? ''}/tls.git`;
      const untrusted = await openGitSource({ repo: url, cacheDir: join(tmp.path, `${fetcher}-1`), fetcher });
      await assert.rejects(untrusted.latestRevision(), (err) => {
        assert.ok(err instanceof SourceError);
        assert.match(
          err.message,
          /TLS verification failed for https:\/\/127\.0\.0\.1:\d+\/tls\.git; pass the server's CA bundle/,
        );
        return true;
      });
      const trusted = await openGitSource({
        repo: url,
        cacheDir: join(tmp.path, `${fetcher}-2`),
        caFile,
        fetcher,
      });
      assert.match((await trusted.latestRevision()).sha, /^[0-9a-f]{40}$/);
      assert.equal(trusted.stats.fetchedWith, fetcher);
    },
  );
