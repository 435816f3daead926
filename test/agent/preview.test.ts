// Pull-request previews end to end on the simulated federation: listHeads finds the heads of the
// preview refs (a local repository, and a remote one over git http-backend), the preview runner
// plans each new head read-only and its reporter writes previews/<sha>.md and a `fedsync/plan`
// status; a head already previewed is not planned again; a closed pull request's page is dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPreviewRunner } from '../../src/agent/preview.js';
import type { Fleet } from '../../src/kube/fleet.js';
import { createGitReporter } from '../../src/report/publish/reporter.js';
import { openStatusBranch } from '../../src/report/publish/status-branch.js';
import {
  createCommitStatusProvider,
  createCommitStatusPublisher,
} from '../../src/report/publish/commit-status/index.js';
import { listHeads, refPatternMatches } from '../../src/source/list-heads.js';
import { loadRepo } from '../../src/source/load-repo.js';
import { startScenario } from '../scenario/helpers.js';
import type { Scenario } from '../scenario/helpers.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, git, tempDir } from '../helpers/git.js';
import { startGitHubServer } from '../report/helpers/forge-server.js';
import type { ForgeServer } from '../report/helpers/forge-server.js';

const TOKEN = 'preview-forge-token-0003';
const CM = (mode: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app, namespace: default }\ndata: { mode: ${mode} }\n`;
const PATTERNS = ['refs/pull/*/head', 'preview/*'];

let s: Scenario;
let tmp: { path: string; remove: () => Promise<void> };
let forge: ForgeServer;
let server: GitServer;
let fleet: Fleet;
let repo: Awaited<ReturnType<typeof createRepo>>;

/** Commits `mode` on top of main and points `ref` at it, leaving main checked out. */
async function pushHead(ref: string, mode: string): Promise<string> {
  const main = await git(repo.work, 'rev-parse', 'HEAD');
  await writeFile(join(repo.work, 'apps', 'app.yaml'), CM(mode));
  await git(repo.work, 'commit', '-q', '-am', `mode ${mode}`);
  const sha = await git(repo.work, 'rev-parse', 'HEAD');
  await git(repo.work, 'update-ref', ref, sha);
  await git(repo.work, 'push', '-q', '-f', 'origin', `${sha}:${ref}`);
  await git(repo.work, 'reset', '-q', '--hard', main);
  return sha;
}

before(async () => {
  s = await startScenario();
  tmp = await tempDir('fedsync-preview-');
  const files: Record<string, string> = {
    'fedsync.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: { name: demo }\n',
    'apps/app.yaml': CM('one'),
  };
  for (const c of s.world.clusters)
    files[`clusters/${c.name}.yaml`] =
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: { name: ${c.name} }\nspec: { kubeconfigContext: ${c.name} }\n`;
  repo = await createRepo(tmp.path, 'previews', files);
  server = await startGitServer(tmp.path);
  forge = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'previews' });
  const first = await loadRepo({ repo: repo.work, cacheDir: join(tmp.path, 'cache') });
  assert.ok(first.ok);
  fleet = await s.fleetFor(first.value);
  // The clusters run main.
  assert.equal((await s.reconcile(repo.work, { fleet })).status, 'converged');
});
after(async () => {
  await forge?.stop();
  await server?.stop();
  await s?.stop();
  await tmp?.remove();
});

test('ref patterns: * stays in one segment, ** crosses them, a bare name is a branch', () => {
  assert.ok(refPatternMatches('refs/pull/*/head', 'refs/pull/12/head'));
  assert.ok(!refPatternMatches('refs/pull/*/head', 'refs/pull/12/merge'));
  assert.ok(!refPatternMatches('refs/pull/*/head', 'refs/pull/1/2/head'));
  assert.ok(refPatternMatches('preview/*', 'refs/heads/preview/a'));
  assert.ok(!refPatternMatches('preview/*', 'refs/heads/preview/a/b'));
  assert.ok(refPatternMatches('preview/**', 'refs/heads/preview/a/b'));
  assert.ok(refPatternMatches('refs/merge-requests/*/head', 'refs/merge-requests/3/head'));
});

test('each new head is previewed once, read-only; a closed pull request drops its page', async () => {
  const pr1 = await pushHead('refs/pull/1/head', 'two');
  const pr2 = await pushHead('refs/heads/preview/three', 'three');
  await git(repo.work, 'update-ref', 'refs/heads/other', pr1);

  // The same heads, whether listed from the local repository or from the server.
  const local = await listHeads({ repo: repo.work, patterns: PATTERNS });
  assert.deepEqual(local, [
    { ref: 'refs/heads/preview/three', sha: pr2 },
    { ref: 'refs/pull/1/head', sha: pr1 },
  ]);
  assert.deepEqual(await listHeads({ repo: `${server.url}/previews.git`, patterns: PATTERNS }), local);

  const provider = await createCommitStatusProvider(
    { forge: 'github', repository: 'acme/previews', url: forge.url },
    { env: { FEDSYNC_FORGE_TOKEN: TOKEN } },
  );
  const reporter = createGitReporter({
    statusBranch: openStatusBranch({ repo: repo.work }),
    commitStatuses: createCommitStatusPublisher({ provider }),
    recordHealth: true,
  });
  const errors: string[] = [];
  s.resetCounters();
  const runner = createPreviewRunner({
    readAt: (ref) => loadRepo({ repo: repo.work, ref, cacheDir: join(tmp.path, 'cache') }),
    targets: { cluster: { observe: (o) => fleet.observe(o) } },
    reporter,
    onError: (ref, e) => errors.push(`${ref}: ${e}`),
  });
  const made = await runner.run(local);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    made.map((p) => [p.ref, p.outcome, p.summary]),
    [
      ['refs/heads/preview/three', 'planned', '0 to add, 3 to change, 0 to destroy'],
      ['refs/pull/1/head', 'planned', '0 to add, 3 to change, 0 to destroy'],
    ],
  );
  assert.deepEqual(
    Object.values(s.writes()).filter((n) => n > 0),
    [],
    'a preview writes nothing to any cluster',
  );
  for (const sha of [pr1, pr2]) {
    const page = await git(repo.work, 'show', `fedsync/status:previews/${sha}.md`);
    assert.match(page, /^### fedsync plan/);
    assert.match(page, /ConfigMap/);
    const status = forge.statuses.get(sha)?.[0];
    assert.deepEqual([status?.context, status?.state], ['fedsync/plan', 'success']);
    assert.equal(status?.description, '0 to add, 3 to change, 0 to destroy');
  }
  assert.deepEqual(forge.violations, []);

  // Nothing new: no plan, no post, no commit.
  const tip = await git(repo.work, 'rev-parse', 'fedsync/status');
  const posts = forge.posts();
  assert.deepEqual(await runner.run(local), []);
  assert.equal(forge.posts(), posts);
  assert.equal(await git(repo.work, 'rev-parse', 'fedsync/status'), tip);

  // Pull request 1 is closed and the preview branch moves on: its new head is previewed, pr1's
  // page and the old preview page are dropped.
  await git(repo.work, 'update-ref', '-d', 'refs/pull/1/head');
  const pr2b = await pushHead('refs/heads/preview/three', 'four');
  const heads = await listHeads({ repo: repo.work, patterns: PATTERNS });
  assert.deepEqual(heads, [{ ref: 'refs/heads/preview/three', sha: pr2b }]);
  assert.equal((await runner.run(heads)).length, 1);
  const names = (await git(repo.work, 'ls-tree', '--name-only', 'fedsync/status', 'previews/')).split('\n');
  assert.deepEqual(names, [`previews/${pr2b}.md`]);
});
