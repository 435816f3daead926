// The status-branch writer against a real Git server (git http-backend) and a local repository:
// created as an orphan, committed only on change, compare-and-swap under a concurrent writer, a
// rejected push or bad credentials come back as clear errors (never thrown), optional squash.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStatusBranch } from '../../src/report/publish/status-branch.js';
import type { PreviousStatus, StatusContent } from '../../src/report/publish/status-branch.js';
import { formatStatusFiles, statusSummary } from '../../src/report/format/status-files.js';
import type { StatusSnapshot } from '../../src/report/format/status-snapshot.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, git, tempDir } from '../helpers/git.js';

const TOKEN = 'status-branch-token-1234';
const env = { FEDSYNC_GIT_TOKEN: TOKEN };
const fixedNow = () => new Date('2026-05-02T10:00:00Z');

function snapshot(sha: string, state: 'Synced' | 'Drifted' = 'Synced'): StatusSnapshot {
  return {
    federation: 'shop',
    source: { sha, ref: 'main' },
    clusters: [{ name: 'eu', state, appliedSha: sha, lastChange: '2026-05-02T10:00:00Z', inventory: [] }],
    loadBalancers: [],
  };
}

/** Renders a snapshot on top of the branch's history, as the agent will. */
const renderOf =
  (snap: StatusSnapshot) =>
  (previous: PreviousStatus): StatusContent => {
    const history = previous.files.get('history.jsonl');
    return {
      files: formatStatusFiles(snap, history === undefined ? {} : { previousHistory: history }),
      sourceSha: snap.source.sha,
      summary: statusSummary(snap),
      trailers: { 'Fedsync-Federation': snap.federation },
    };
  };

const receivePacks = (server: GitServer) =>
  server.requests.filter((r) => r.endsWith('/git-receive-pack')).length;

describe('status branch over git http-backend', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: GitServer;
  let repo: Awaited<ReturnType<typeof createRepo>>;
  let source: string;
  let url: string;
  before(async () => {
    tmp = await tempDir();
    repo = await createRepo(tmp.path, 'fed', { 'fedsync.yaml': 'kind: Federation\n' });
    source = await git(repo.work, 'rev-parse', 'HEAD');
    server = await startGitServer(tmp.path, {
      auth: { basic: { username: 'x-access-token', password: TOKEN } },
    });
    url = `${server.url}/fed.git`;
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('creates an orphan branch, then commits only when the rendered tree changes', async () => {
    const writer = openStatusBranch({
      repo: url,
      env,
      cacheDir: join(tmp.path, 'cache-a'),
      clock: { now: fixedNow },
    });
    assert.equal(writer.branch, 'fedsync/status');
    const first = await writer.publish(renderOf(snapshot(source)));
    assert.equal(first.outcome, 'committed', JSON.stringify(first));
    assert.ok(first.outcome === 'committed' && first.parent === undefined && !first.squashed);
    assert.equal(await git(repo.bare, 'rev-parse', 'fedsync/status'), first.commit);
    assert.equal(await git(repo.bare, 'rev-list', '--count', 'fedsync/status'), '1');
    await assert.rejects(
      git(repo.bare, 'merge-base', 'main', 'fedsync/status'),
      'shares no history with main',
    );
    const message = await git(repo.bare, 'log', '-1', '--format=%B', 'fedsync/status');
    assert.match(
      message,
      new RegExp(`^fedsync status of ${source.slice(0, 12)}: Synced, 1 of 1 targets synced`),
    );
    assert.match(message, new RegExp(`^Fedsync-Source: ${source}$`, 'm'));
    assert.match(message, /^Fedsync-Federation: shop$/m);
    assert.equal(
      await git(
        repo.bare,
        'log',
        '-1',
        '--format=%(trailers:key=Fedsync-Source,valueonly)',
        'fedsync/status',
      ),
      source,
    );
    assert.match(await git(repo.bare, 'show', 'fedsync/status:README.md'), /cluster `eu` \| ✅ Synced/);
    assert.match(
      await git(repo.bare, 'show', 'fedsync/status:.gitattributes'),
      /\*\.json linguist-generated=true/,
    );
    await git(repo.bare, 'fsck', '--strict', '--no-dangling');

    // The same view again (a poll): no commit and no push at all.
    const pushes = receivePacks(server);
    const again = await writer.publish(renderOf(snapshot(source)));
    assert.deepEqual(
      again,
      { outcome: 'unchanged', commit: first.commit, attempts: 1 },
      again.outcome === 'failed' ? again.error.message : '',
    );
    assert.equal(receivePacks(server), pushes);

    // A drift shows up: one fast-forward commit on top.
    const drifted = await writer.publish(renderOf(snapshot(source, 'Drifted')));
    assert.equal(drifted.outcome, 'committed');
    assert.ok(drifted.outcome === 'committed' && drifted.parent === first.commit);
    assert.equal(await git(repo.bare, 'rev-list', '--count', 'fedsync/status'), '2');
    assert.equal((await git(repo.bare, 'show', 'fedsync/status:history.jsonl')).split('\n').length, 2);

    // A fresh writer (restart, empty cache) sees the same tip and commits nothing.
    const restarted = openStatusBranch({ repo: url, env, cacheDir: join(tmp.path, 'cache-fresh') });
    const after = await restarted.publish(renderOf(snapshot(source, 'Drifted')));
    assert.equal(after.outcome, 'unchanged', after.outcome === 'failed' ? after.error.message : '');
  });

  test('a concurrent writer: the push is refused as non-fast-forward, re-read, re-rendered, retried', async () => {
    const a = openStatusBranch({ repo: url, env, branch: 'race', cacheDir: join(tmp.path, 'cache-race-a') });
    const b = openStatusBranch({ repo: url, env, branch: 'race', cacheDir: join(tmp.path, 'cache-race-b') });
    const base = await a.publish(renderOf(snapshot(source)));
    assert.equal(base.outcome, 'committed');
    const seen: (string | undefined)[] = [];
    const result = await b.publish(async (previous) => {
      seen.push(previous.commit);
      // First attempt: writer A moves the branch after B has read it.
      if (seen.length === 1)
        assert.equal((await a.publish(renderOf(snapshot(source, 'Drifted')))).outcome, 'committed');
      return {
        files: { ...Object.fromEntries(previous.files), 'b.txt': 'b\n' },
        sourceSha: source,
        summary: 'b',
      };
    });
    assert.equal(result.outcome, 'committed', result.outcome === 'failed' ? result.error.message : '');
    assert.equal(result.attempts, 2);
    assert.equal(seen.length, 2);
    assert.notEqual(seen[0], seen[1], 'the retry rendered on top of the other writer’s commit');
    // Linear history, nothing lost: base → A → B, and B's tree carries A's README.
    assert.equal(await git(repo.bare, 'rev-list', '--count', 'race'), '3');
    assert.match(await git(repo.bare, 'show', 'race:README.md'), /Drifted/);
    assert.equal(await git(repo.bare, 'show', 'race:b.txt'), 'b');
  });

  test('another writer that never stops moving the branch: a bounded number of attempts, then a conflict', async () => {
    const other = openStatusBranch({
      repo: url,
      env,
      branch: 'busy',
      cacheDir: join(tmp.path, 'cache-busy-o'),
    });
    const writer = openStatusBranch({
      repo: url,
      env,
      branch: 'busy',
      maxAttempts: 2,
      cacheDir: join(tmp.path, 'cache-busy-w'),
    });
    let n = 0;
    const result = await writer.publish(async () => {
      n++;
      await other.publish(() => ({ files: { 'n.txt': `${n}\n` }, sourceSha: source, summary: `other ${n}` }));
      return { files: { 'mine.txt': `${n}\n` }, sourceSha: source, summary: 'mine' };
    });
    assert.equal(result.outcome, 'failed');
    assert.ok(result.outcome === 'failed');
    assert.equal(result.error.code, 'statusBranch.conflict');
    assert.equal(result.attempts, 2);
    assert.match(result.error.message, /kept moving under another writer; gave up after 2 attempts/);
  });

  test('a push the server rejects (protected branch hook) is a clear error, not an exception', async () => {
    const hook = join(repo.bare, 'hooks', 'pre-receive');
    await writeFile(
      hook,
      '#!/bin/sh\nwhile read old new ref; do\n  case "$ref" in refs/heads/protected) echo "GH006: Protected branch update failed for $ref" >&2; exit 1;; esac\ndone\nexit 0\n',
    );
    await chmod(hook, 0o755);
    const writer = openStatusBranch({
      repo: url,
      env,
      branch: 'protected',
      cacheDir: join(tmp.path, 'cache-p'),
    });
    const result = await writer.publish(renderOf(snapshot(source)));
    assert.equal(result.outcome, 'failed');
    assert.ok(result.outcome === 'failed');
    assert.equal(result.error.code, 'statusBranch.rejected');
    assert.match(result.error.message, /rejected the update of protected/);
    assert.match(result.error.message, /Protected branch update failed/);
    assert.ok(!result.error.message.includes(TOKEN));
    await assert.rejects(git(repo.bare, 'rev-parse', '--verify', 'refs/heads/protected'));
  });

  test('wrong credentials, or a server that is gone: failed results naming the problem', async () => {
    const bad = openStatusBranch({
      repo: url,
      env: { FEDSYNC_GIT_TOKEN: 'wrong-token' },
      branch: 'auth',
      cacheDir: join(tmp.path, 'cache-auth'),
    });
    const denied = await bad.publish(renderOf(snapshot(source)));
    assert.ok(denied.outcome === 'failed', JSON.stringify(denied));
    assert.equal(denied.error.code, 'statusBranch.auth');
    assert.ok(!denied.error.message.includes('wrong-token'));

    const down = await startGitServer(tmp.path);
    const downUrl = `${down.url}/fed.git`;
    await down.stop();
    const gone = openStatusBranch({ repo: downUrl, branch: 'gone', cacheDir: join(tmp.path, 'cache-gone') });
    const unreachable = await gone.publish(renderOf(snapshot(source)));
    assert.ok(unreachable.outcome === 'failed');
    assert.equal(unreachable.error.code, 'statusBranch.unreachable');
    assert.equal(unreachable.error.transient, true);
  });

  test('squash: once the branch holds the configured number of commits, the next change starts it over', async () => {
    const writer = openStatusBranch({
      repo: url,
      env,
      branch: 'squashed',
      squashAfter: 2,
      cacheDir: join(tmp.path, 'cache-sq'),
    });
    const states = ['Synced', 'Drifted', 'Synced'] as const;
    const results = [];
    for (const s of states) results.push(await writer.publish(renderOf(snapshot(source, s))));
    assert.deepEqual(
      results.map((r) => (r.outcome === 'committed' ? r.squashed : r.outcome)),
      [false, false, true],
    );
    assert.equal(await git(repo.bare, 'rev-list', '--count', 'squashed'), '1');
    // The in-tree history survives the squash.
    assert.equal((await git(repo.bare, 'show', 'squashed:history.jsonl')).split('\n').length, 3);
    assert.match(await git(repo.bare, 'log', '-1', '--format=%B', 'squashed'), /^Fedsync-Sequence: 1$/m);
  });
});

describe('status branch in a local repository', () => {
  test('written directly into the repository, compare-and-swap against a concurrent ref update', async () => {
    const tmp = await tempDir();
    try {
      const repo = await createRepo(tmp.path, 'local', { 'fedsync.yaml': 'kind: Federation\n' });
      const sha = await git(repo.work, 'rev-parse', 'HEAD');
      const writer = openStatusBranch({ repo: repo.work, clock: { now: fixedNow } });
      assert.equal(writer.description, repo.work);
      const first = await writer.publish(renderOf(snapshot(sha)));
      assert.equal(first.outcome, 'committed');
      assert.equal(
        await git(repo.work, 'rev-parse', 'fedsync/status'),
        first.outcome === 'committed' ? first.commit : '',
      );
      assert.match(await git(repo.work, 'show', 'fedsync/status:clusters/eu.json'), /"state": "Synced"/);
      assert.equal((await writer.publish(renderOf(snapshot(sha)))).outcome, 'unchanged');
      assert.equal(await git(repo.work, 'status', '--porcelain'), '', 'the working tree is untouched');

      // Someone moves the branch between our read and our write: we notice and build on theirs.
      let calls = 0;
      const moved = await writer.publish(async (previous) => {
        calls++;
        if (calls === 1) {
          const tree = await git(repo.work, 'rev-parse', 'fedsync/status^{tree}');
          const theirs = await git(repo.work, 'commit-tree', tree, '-p', 'fedsync/status', '-m', 'by hand');
          await git(repo.work, 'update-ref', 'refs/heads/fedsync/status', theirs);
        }
        return renderOf(snapshot(sha, 'Drifted'))(previous);
      });
      assert.equal(moved.outcome, 'committed');
      assert.equal(moved.attempts, 2);
      assert.equal(await git(repo.work, 'log', '-1', '--format=%s', 'fedsync/status^'), 'by hand');
      await git(repo.work, 'fsck', '--strict', '--no-dangling');

      const notRepo = openStatusBranch({ repo: join(tmp.path, 'nowhere') });
      const failed = await notRepo.publish(renderOf(snapshot(sha)));
      assert.ok(failed.outcome === 'failed');
      assert.equal(failed.error.code, 'statusBranch.invalidRepository');
    } finally {
      await tmp.remove();
    }
  });
});
