// The long-lived agent reports every reconcile through its reporter: the first one commits the
// status branch (in a local repository, directly) and posts statuses; a reconcile that changes
// nothing makes no commit and posts no status; the cluster health the agent probed is recorded;
// given preview refs, it previews their new heads after a reconcile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAgent } from '../../src/agent/agent.js';
import { createWriteGate } from '../../src/agent/write-gate.js';
import { createPreviewRunner } from '../../src/agent/preview.js';
import { listHeads } from '../../src/source/list-heads.js';
import type { Agent } from '../../src/agent/agent.js';
import type { Fleet } from '../../src/kube/fleet.js';
import type { ReconcileOutcome } from '../../src/model/index.js';
import { createGitReporter } from '../../src/report/publish/reporter.js';
import type { GitReporter } from '../../src/report/publish/reporter.js';
import { openStatusBranch } from '../../src/report/publish/status-branch.js';
import {
  createCommitStatusProvider,
  createCommitStatusPublisher,
} from '../../src/report/publish/commit-status/index.js';
import { loadRepo } from '../../src/source/load-repo.js';
import { startScenario } from '../scenario/helpers.js';
import type { Scenario } from '../scenario/helpers.js';
import { createRepo, git, tempDir } from '../helpers/git.js';
import { startGitHubServer } from '../report/helpers/forge-server.js';
import type { ForgeServer } from '../report/helpers/forge-server.js';

const TOKEN = 'agent-forge-token-0002';
const CM = (mode: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app, namespace: default }\ndata: { mode: ${mode} }\n`;

let s: Scenario;
let tmp: { path: string; remove: () => Promise<void> };
let forge: ForgeServer;
let fleet: Fleet;
let agent: Agent;
let reporter: GitReporter;
let work: string;
const outcomes: ReconcileOutcome[] = [];

before(async () => {
  s = await startScenario();
  tmp = await tempDir('fedsync-agent-report-');
  const files: Record<string, string> = {
    'fedsync.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: { name: demo }\n',
    'apps/app.yaml': CM('one'),
  };
  for (const c of s.world.clusters)
    files[`clusters/${c.name}.yaml`] =
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: { name: ${c.name} }\nspec: { kubeconfigContext: ${c.name} }\n`;
  const repo = await createRepo(tmp.path, 'agent', files);
  work = repo.work;
  forge = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'agent' });
  const read = () => loadRepo({ repo: work, cacheDir: join(tmp.path, 'cache') });
  const first = await read();
  assert.ok(first.ok, JSON.stringify(first.ok ? [] : first.problems));
  fleet = await s.fleetFor(first.value);
  const provider = await createCommitStatusProvider(
    { forge: 'github', repository: 'acme/agent', url: forge.url },
    { env: { FEDSYNC_FORGE_TOKEN: TOKEN } },
  );
  reporter = createGitReporter({
    statusBranch: openStatusBranch({ repo: work }),
    commitStatuses: createCommitStatusPublisher({ provider }),
    recordHealth: true,
  });
  agent = await startAgent({
    read,
    targets: { cluster: fleet },
    gate: createWriteGate({}),
    retry: { initialMs: 1000, maxMs: 5000 },
    reconcileOptions: { reporter },
    onRun: (r) => void (r.mode === 'applied' && outcomes.push(r.outcome)),
    onError: (e) => assert.fail(String(e)),
  });
});
after(async () => {
  await agent?.stop();
  await forge?.stop();
  await s?.stop();
  await tmp?.remove();
});

test('the agent reports a reconcile; a no-op reconcile makes no commit and posts no status', async () => {
  const sha = await git(work, 'rev-parse', 'HEAD');
  assert.deepEqual(await agent.trigger('manual'), { ok: true });
  assert.equal(outcomes.at(-1)?.status, 'converged');
  assert.equal(await git(work, 'rev-list', '--count', 'fedsync/status'), '1');
  const readme = await git(work, 'show', 'fedsync/status:README.md');
  for (const c of s.world.clusters) assert.match(readme, new RegExp(`cluster \`${c.name}\` \\| ✅ Synced`));
  const cluster = JSON.parse(
    await git(work, 'show', `fedsync/status:clusters/${s.world.clusters[0]!.name}.json`),
  ) as { health?: { state?: string; seenBy?: string } };
  assert.deepEqual([cluster.health?.state, cluster.health?.seenBy], ['Ready', 'agent']);
  assert.equal(forge.statuses.get(sha)?.find((x) => x.context === 'fedsync')?.state, 'success');
  assert.deepEqual(forge.violations, []);

  const tip = await git(work, 'rev-parse', 'fedsync/status');
  const posts = forge.posts();
  assert.deepEqual(await agent.trigger('manual'), { ok: true });
  assert.equal(outcomes.at(-1)?.status, 'converged');
  assert.equal(await git(work, 'rev-parse', 'fedsync/status'), tip, 'no commit for a no-op');
  assert.equal(forge.posts(), posts, 'no status for a no-op');
  assert.equal(reporter.stats.unchanged, 1);

  // A new commit is news again: one more status commit, statuses on the new commit.
  await writeFile(join(work, 'apps', 'app.yaml'), CM('two'));
  await git(work, 'commit', '-q', '-am', 'mode two');
  const next = await git(work, 'rev-parse', 'HEAD');
  assert.deepEqual(await agent.trigger('manual'), { ok: true });
  assert.equal(await git(work, 'rev-list', '--count', 'fedsync/status'), '2');
  assert.match(await git(work, 'log', '-1', '--format=%B', 'fedsync/status'), new RegExp(next));
  assert.equal(forge.statuses.get(next)?.find((x) => x.context === 'fedsync')?.state, 'success');
  assert.equal(await git(work, 'status', '--porcelain'), '', 'the working tree is untouched');
});

test('given preview refs, the agent previews each new head after a reconcile', async () => {
  const main = await git(work, 'rev-parse', 'HEAD');
  await writeFile(join(work, 'apps', 'app.yaml'), CM('nine'));
  await git(work, 'commit', '-q', '-am', 'mode nine');
  const head = await git(work, 'rev-parse', 'HEAD');
  await git(work, 'update-ref', 'refs/pull/9/head', head);
  await git(work, 'reset', '-q', '--hard', main);
  const errors: unknown[] = [];
  const read = (ref?: string) =>
    loadRepo({ repo: work, cacheDir: join(tmp.path, 'cache'), ...(ref ? { ref } : {}) });
  const previewing = await startAgent({
    read: () => read(),
    targets: { cluster: fleet },
    gate: createWriteGate({}),
    retry: { initialMs: 1000, maxMs: 5000 },
    reconcileOptions: { reporter },
    previews: {
      heads: () => listHeads({ repo: work, patterns: ['refs/pull/*/head'] }),
      runner: createPreviewRunner({
        readAt: read,
        targets: { cluster: fleet },
        reporter,
        onError: (ref, e) => errors.push(`${ref}: ${e}`),
      }),
    },
    onRun: () => undefined,
    onError: (e) => errors.push(e),
  });
  try {
    assert.deepEqual(await previewing.trigger('manual'), { ok: true });
    assert.deepEqual(errors, []);
    assert.match(await git(work, 'show', `fedsync/status:previews/${head}.md`), /^### fedsync plan/);
    assert.equal(forge.statuses.get(head)?.[0]?.context, 'fedsync/plan');
    const tip = await git(work, 'rev-parse', 'fedsync/status');
    assert.deepEqual(await previewing.trigger('manual'), { ok: true });
    assert.equal(await git(work, 'rev-parse', 'fedsync/status'), tip, 'a head is previewed once');
  } finally {
    await previewing.stop();
  }
});
