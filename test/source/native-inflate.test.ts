// isomorphic-git as patched at install (patches/): objects are inflated by Node's zlib, both when a
// fetched pack is indexed and when objects are read, and a delta chain's bases are inflated once,
// not once per object that builds on them. Counted on zlib itself, which the patch calls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { join } from 'node:path';
import { openGitSource } from '../../src/source/index.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, git, tempDir } from '../helpers/git.js';

const FILES = 300;

function similarManifests(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++)
    // Growing sizes make git chain deltas (each file a delta of a larger one, itself a delta).
    files[`apps/cm-${i}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  payload: ${'x'.repeat(200 + 3 * i)}\n`;
  return files;
}

type Calls = { plain: number; withInfo: number };

/** Runs `fn` while counting zlib.inflateSync calls (with and without `info`, the indexing path). */
async function countingInflate<T>(fn: () => Promise<T>): Promise<{ result: T; calls: Calls }> {
  const calls: Calls = { plain: 0, withInfo: 0 };
  const original = zlib.inflateSync;
  const counting = (buf: zlib.InputType, options?: zlib.ZlibOptions & { info?: boolean }): unknown => {
    if (options?.info) calls.withInfo++;
    else calls.plain++;
    return (original as (b: zlib.InputType, o?: zlib.ZlibOptions) => unknown)(buf, options);
  };
  (zlib as { inflateSync: unknown }).inflateSync = counting;
  try {
    return { result: await fn(), calls };
  } finally {
    (zlib as { inflateSync: unknown }).inflateSync = original;
  }
}

describe('isomorphic-git inflates natively', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let repo: Awaited<ReturnType<typeof createRepo>>;
  let server: GitServer;
  before(async () => {
    tmp = await tempDir('fedsync-inflate-');
    repo = await createRepo(tmp.path, 'similar', similarManifests());
    await git(repo.work, 'repack', '-a', '-d', '-q', '-f', '--depth=50');
    await git(repo.work, 'prune-packed');
    server = await startGitServer(tmp.path);
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('reading a pack of delta chains inflates each object once', async () => {
    const chains = await git(repo.work, 'verify-pack', '-s', ...(await packIndexes(repo.work)));
    // What reading every object would inflate without a delta-base cache: each whole chain.
    const uncached = [...chains.matchAll(/chain length = (\d+): (\d+) objects?/g)].reduce(
      (sum, m) => sum + (Number(m[1]) + 1) * Number(m[2]),
      0,
    );
    assert.ok(uncached > 1.5 * FILES, `the fixture has delta chains (${uncached} inflations uncached)`);

    const source = await openGitSource({ repo: repo.work });
    const revision = await source.latestRevision();
    const { result, calls } = await countingInflate(() => source.readFiles(revision));
    assert.equal(result.files.length, FILES);
    assert.ok(calls.plain > 0, 'objects are inflated by node:zlib');
    // The commit, two trees and the blobs, each once.
    assert.ok(calls.plain <= FILES + 3, `${calls.plain} inflations for ${FILES} files`);
  });

  test('indexing a fetched pack inflates through node:zlib and writes an index git accepts', async () => {
    const source = await openGitSource({
      repo: `${server.url}/similar.git`,
      cacheDir: join(tmp.path, 'cache'),
      // The patched indexer is isomorphic-git's: the git binary would index this pack itself.
      fetcher: 'isomorphic-git',
    });
    const { calls } = await countingInflate(() => source.latestRevision('main'));
    assert.ok(calls.withInfo >= FILES, `${calls.withInfo} objects indexed natively`);
    const files = await source.readFiles(await source.latestRevision('main'));
    assert.equal(files.files.length, FILES);
    // git verify-pack checks the whole .idx (fanout table, hashes, CRCs, offsets) against the pack.
    const { readdir } = await import('node:fs/promises');
    const [gitdir] = await readdir(join(tmp.path, 'cache'));
    const packDir = join(tmp.path, 'cache', gitdir as string, 'objects', 'pack');
    const idx = (await readdir(packDir)).filter((f) => f.endsWith('.idx'));
    assert.equal(idx.length, 1);
    const verified = await git(tmp.path, 'verify-pack', '-v', join(packDir, idx[0] as string));
    assert.match(verified, /: ok$/m);
  });
});

async function packIndexes(work: string): Promise<string[]> {
  const out = await git(work, 'count-objects', '-v');
  assert.match(out, /packs: 1/);
  const { readdir } = await import('node:fs/promises');
  const dir = join(work, '.git', 'objects', 'pack');
  return (await readdir(dir)).filter((f) => f.endsWith('.idx')).map((f) => join(dir, f));
}
