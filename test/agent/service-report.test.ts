// `fedsync run` (the agent service) reports into Git on the simulated demo world, Google Cloud
// included: commit statuses to a local server holding the GitHub statuses contract (pending when a
// commit is picked up, then success, per cluster, for the load balancer and rolled up; nothing on
// a tick that changes nothing), the `fedsync/plan` status of a preview ref, and drift the watch
// finds between reconciles on the status branch before any reconcile runs (self-heal off in the
// repository, so it is only reported), then shown corrected by the next reconcile. No Secret value
// reaches the branch or a status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentRun } from '../../src/agent/agent.js';
import { resolveAgentConfig } from '../../src/agent/config/resolve.js';
import { createLogger } from '../../src/agent/observe/logger.js';
import { startAgentService, type AgentService } from '../../src/agent/run/service.js';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { createRepo, git, tempDir } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';
import { startGitHubServer } from '../report/helpers/forge-server.js';
import type { ForgeServer } from '../report/helpers/forge-server.js';
import { repoFileMap } from '../helpers/repo-files.js';
import { driftDemoCluster } from '../helpers/demo-drift.js';
import { startDemoWorld } from '../helpers/demo-world.js';

const TOKEN = 'service-forge-token-0003';
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
const US = 'gce-us-central1c';
const LIVE_SECRET = 'c2VydmljZS1saXZlLXNlY3JldA==';

let tmp: { path: string; remove: () => Promise<void> };
let world: RunningWorld;
let forge: ForgeServer;
let work: string;
let service: AgentService;
const runs: AgentRun[] = [];

before(async () => {
  tmp = await tempDir('fedsync-service-report-');
  const files = await repoFileMap('fixtures/repos/demo');
  files['fedsync.yaml'] = (files['fedsync.yaml'] ?? '').replace('selfHeal: true', 'selfHeal: false');
  assert.match(files['fedsync.yaml'] ?? '', /selfHeal: false/);
  work = (await createRepo(tmp.path, 'demo', files)).work;
  forge = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'demo' });
  world = await startDemoWorld(join(tmp.path, 'sim'));
  const resolved = resolveAgentConfig({
    env: { FEDSYNC_FORGE_TOKEN_ENV: 'DEMO_FORGE_TOKEN' },
    host: { hostname: 'test', instanceId: 'report' },
    flags: {
      'repo-path': work,
      sim: join(tmp.path, 'sim'),
      listen: '127.0.0.1:0',
      identity: 'agent-report',
      // Only the triggers the test pulls: a schedule that does not fire and a rare drift check.
      schedule: '0 0 1 1 *',
      'drift-interval': '1h',
      'cache-dir': join(tmp.path, 'cache'),
      forge: 'github',
      'forge-repo': 'acme/demo',
      'forge-url': forge.url,
      'forge-web-url': 'https://github.example',
      'preview-ref': ['refs/pull/*/head'],
    },
  });
  if (!resolved.ok) assert.fail(JSON.stringify(resolved.problems));
  service = await startAgentService({
    config: resolved.value,
    version: '0.0.0-test',
    log: createLogger({ level: 'silent' }),
    env: { DEMO_FORGE_TOKEN: TOKEN },
    healthIntervalMs: 200,
    driftQuietMs: 50,
    onRun: (r) => runs.push(r),
  });
});
after(async () => {
  await service?.stop({ graceMs: 1000 });
  await world?.stop();
  await forge?.stop();
  await tmp?.remove();
});

const statusesOf = (sha: string) => forge.statuses.get(sha) ?? [];
const show = (path: string) => git(work, 'show', `fedsync/status:${path}`);
const converged = (sha: string) =>
  runs.some((r) => r.mode === 'applied' && r.sha === sha && r.outcome.status === 'converged');

function assertNoSecret(texts: string[], where: string): void {
  for (const t of texts) {
    assert.ok(!t.includes(LIVE_SECRET), `${where} holds the live Secret value`);
    assert.ok(!t.includes(TOKEN), `${where} holds the forge token`);
  }
}

test('fedsync run posts pending then success per target; a tick that changes nothing posts nothing', async () => {
  const sha = await git(work, 'rev-parse', 'HEAD');
  await waitFor('the first reconcile converged', () => converged(sha), { timeoutMs: 60_000 });
  // The load balancer settles over a few runs (backends turn healthy): run until a run is news to no one.
  await waitFor(
    'a reconcile that changes nothing',
    async () => {
      const tip = await git(work, 'rev-parse', 'fedsync/status');
      const posts = forge.posts();
      await service.agent.trigger('manual');
      return (await git(work, 'rev-parse', 'fedsync/status')) === tip && forge.posts() === posts;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  assert.deepEqual(forge.violations, []);
  const statusCommit = await git(work, 'rev-parse', 'fedsync/status');
  for (const context of ['fedsync', 'fedsync/loadbalancer', ...CLUSTERS.map((c) => `fedsync/${c}`)]) {
    const mine = statusesOf(sha).filter((s) => s.context === context);
    assert.equal(mine.at(-1)?.state, 'pending', `${context}: pending first`);
    assert.equal(mine[0]?.state, 'success', `${context}: success now`);
  }
  assert.match(
    statusesOf(sha).find((s) => s.context === 'fedsync')?.target_url ?? '',
    /^https:\/\/github\.example\/acme\/demo\/blob\/[0-9a-f]{40}\/README\.md$/,
  );
  const readme = await show('README.md');
  for (const c of CLUSTERS) assert.match(readme, new RegExp(`cluster \`${c}\` \\| ✅ Synced`));

  // The no-op itself, asserted once more: the same commit, no status commit, no POST.
  const posts = forge.posts();
  const before = runs.length;
  assert.deepEqual(await service.agent.trigger('manual'), { ok: true });
  assert.equal(runs.length, before + 1);
  assert.equal(await git(work, 'rev-parse', 'fedsync/status'), statusCommit, 'no commit for a no-op');
  assert.equal(forge.posts(), posts, 'no status for a no-op');
});

test('drift between reconciles reaches drift/<cluster>.md at once, then shows corrected', async () => {
  const sha = await git(work, 'rev-parse', 'HEAD');
  const before = runs.length;
  driftDemoCluster(world.cluster(US)!, { tlsKey: LIVE_SECRET });
  const drift = await waitFor(
    'both drifts on the status branch',
    async () => {
      const text = await show(`drift/${US}.md`);
      return /ReplicaSet/.test(text) && /Secret/.test(text) ? text : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  // A requeue (the load balancer settling) or a health flip under load may start a run on its own;
  // what must not have happened is a run this test or a Git change asked for.
  const asked = runs.slice(before).filter((r) => !r.reasons.every((x) => x === 'requeue' || x === 'health'));
  assert.deepEqual(
    asked.map((r) => r.reasons),
    [],
    'no reconcile was asked for: the watch reported the drift',
  );
  assert.match(drift, /spec\.replicas/);
  assert.match(drift, /only reported/);
  assert.match(drift, /kubectl/);
  assert.match(drift, /value hidden/);
  assert.match(await show('README.md'), new RegExp(`cluster \`${US}\` \\| [^|]*Drifted`));
  await waitFor('the cluster status says drifted', () =>
    statusesOf(sha).find((s) => s.context === `fedsync/${US}` && s.state === 'failure'),
  );

  const driftCommit = await git(work, 'rev-parse', 'fedsync/status');

  // The next reconcile applies Git again: the drift is shown corrected, once, and then dropped. (The
  // status commit itself may wake the watch of this local repository, so which run that is varies.)
  assert.deepEqual(await service.agent.trigger('manual'), { ok: true });
  assert.deepEqual(await service.agent.trigger('manual'), { ok: true });
  const later = (await git(work, 'rev-list', `${driftCommit}..fedsync/status`)).split('\n').filter(Boolean);
  const pages = await Promise.all(
    later.map((c) => git(work, 'show', `${c}:drift/${US}.md`).catch(() => undefined)),
  );
  const shown = pages.filter((p): p is string => p !== undefined);
  assert.equal(shown.length, 1, 'the corrected drift is shown by one status commit');
  assert.match(shown[0] ?? '', /2 corrected, 0 reported/);
  assert.match(shown[0] ?? '', /ReplicaSet.*\| corrected \|/);
  await assert.rejects(show(`drift/${US}.md`), 'dropped by the reconcile after');
  assert.match(await show('README.md'), new RegExp(`cluster \`${US}\` \\| ✅ Synced`));
  assert.equal(statusesOf(sha).find((s) => s.context === `fedsync/${US}`)?.state, 'success');

  const branch = (await git(work, 'ls-tree', '-r', '--name-only', 'fedsync/status')).split('\n');
  const texts = await Promise.all(branch.map((p) => show(p)));
  assertNoSecret(texts, 'a status branch file');
  assertNoSecret(
    [...forge.statuses.values()].flat().map((s) => JSON.stringify(s)),
    'a commit status',
  );
});

test('a preview ref gets a fedsync/plan status and previews/<sha>.md; nothing is applied', async () => {
  const main = await git(work, 'rev-parse', 'HEAD');
  const rs = await readFile(join(work, 'myreplicaset.yaml'), 'utf8');
  await writeFile(join(work, 'myreplicaset.yaml'), rs.replace('image: nginx:1.27', 'image: nginx:1.28'));
  await git(work, 'commit', '-q', '-am', 'nginx 1.28');
  const head = await git(work, 'rev-parse', 'HEAD');
  await git(work, 'update-ref', 'refs/pull/4/head', head);
  await git(work, 'reset', '-q', '--hard', main);
  assert.deepEqual(await service.agent.trigger('manual'), { ok: true });
  const plan = await waitFor('the preview status', () =>
    statusesOf(head).find((s) => s.context === 'fedsync/plan'),
  );
  assert.equal(plan.state, 'success');
  assert.match(plan.description, /to change/);
  assert.deepEqual(
    statusesOf(head).map((s) => s.context),
    ['fedsync/plan'],
    'only the plan status on a preview',
  );
  assert.match(await show(`previews/${head}.md`), /^### fedsync plan/);
  assert.ok(!runs.some((r) => r.sha === head), 'the preview head is never applied');
});
