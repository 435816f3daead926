// The memoised file-system view isomorphic-git reads through: the number of real stat/readdir calls
// of one read does not grow with the number of files, a loose object is looked up in its
// directory's listing, a missing file is ENOENT as isomorphic-git expects, and a write through the
// view forgets what it remembered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createGitReadFs } from '../../src/source/git-fs.js';
import { readRevisionFiles } from '../../src/source/tree.js';
import type { TreeReader } from '../../src/source/tree.js';
import { defaultSourceLimits } from '../../src/source/port.js';
import { createRepo, git, tempDir } from '../helpers/git.js';

function manifests(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++)
    files[`apps/d${i % 10}/cm-${i}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  index: "${i}"\n`;
  return files;
}

const reader = (gitdir: string): TreeReader => ({
  gitdir,
  cache: {},
  blobs: new Map(),
  stats: { fetches: 0, blobsRead: 0 },
  limits: defaultSourceLimits,
  include: () => true,
});

describe('git read fs', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir('fedsync-gitfs-');
  });
  after(async () => {
    await tmp.remove();
  });

  test('a packed repository: stat and readdir calls stay the same from 40 to 400 files', async () => {
    const counts: Record<string, unknown>[] = [];
    for (const n of [40, 400]) {
      const repo = await createRepo(tmp.path, `packed-${n}`, manifests(n));
      await git(repo.work, 'repack', '-a', '-d', '-q');
      await git(repo.work, 'prune-packed');
      const gitdir = join(repo.work, '.git');
      const fs = createGitReadFs(gitdir);
      const head = await git(repo.work, 'rev-parse', 'HEAD');
      const { files, problems } = await readRevisionFiles(reader(gitdir), head, fs);
      assert.equal(files.length, n);
      assert.deepEqual(problems, []);
      assert.ok(fs.counters.probes >= n, 'every readBlob probes the fs type, answered without an error');
      assert.ok(fs.counters.missingFiles >= n, 'every packed object was first looked for as a loose one');
      counts.push({ stats: fs.counters.stats, readdirs: fs.counters.readdirs });
    }
    assert.deepEqual(counts[0], counts[1], 'the number of real fs calls does not grow with the files');
    assert.ok((counts[1] as { readdirs: number }).readdirs <= 3, JSON.stringify(counts[1]));
  });

  test('loose objects are found through one listing per object directory', async () => {
    const repo = await createRepo(tmp.path, 'loose', manifests(60));
    const gitdir = join(repo.work, '.git');
    const fs = createGitReadFs(gitdir);
    const head = await git(repo.work, 'rev-parse', 'HEAD');
    const { files } = await readRevisionFiles(reader(gitdir), head, fs);
    assert.equal(files.length, 60);
    const objectDirs = (await readdir(join(gitdir, 'objects'))).filter((d) => /^[0-9a-f]{2}$/.test(d));
    assert.ok(fs.counters.readdirs <= objectDirs.length + 3, JSON.stringify(fs.counters));
  });

  test('a missing file is ENOENT; a write through the view forgets the listings it kept', async () => {
    const dir = join(tmp.path, 'plain');
    await mkdir(dir);
    const fs = createGitReadFs(dir);
    await assert.rejects(fs.promises.readFile(join(dir, 'nope')), { code: 'ENOENT' });
    await assert.rejects(fs.promises.readFile(join(dir, 'objects', 'ab', 'c'.repeat(38))), {
      code: 'ENOENT',
    });
    const list = fs.promises.readdir;
    const before = fs.counters.readdirs;
    assert.deepEqual(await list(dir), []);
    assert.deepEqual(await list(dir), []);
    assert.equal(fs.counters.readdirs, before + 1, 'a listing is read once');
    await fs.promises.writeFile(join(dir, 'nope'), 'x');
    assert.deepEqual(await list(dir), ['nope']);
    assert.equal(
      String(await fs.promises.readFile(join(dir, 'nope'), 'utf8')),
      'x',
      'a file that was missing is read again after a write',
    );
  });
});
