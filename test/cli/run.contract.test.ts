// `fedsync run` as a real process on a simulated world, following a repository served by
// `git http-backend`: it converges, a `git push` announced by a signed GitHub webhook is applied,
// /metrics carries the reconcile metrics, a second `fedsync run` stays a follower, a broken
// configuration exits 2 naming file:line, and SIGTERM stops it cleanly (exit 0, Lease released).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { signBody } from '../../src/agent/webhook/verify.js';
import { startWorld, type RunningWorld } from '../../src/sim/run-world.js';
import { readWorld } from '../../src/sim/world.js';
import { createRepo, git } from '../helpers/git.js';
import { gitHttpBackendPath, startGitServer, type GitServer } from '../helpers/git-server.js';
import { repoFiles } from '../helpers/repo-files.js';
import { waitFor } from '../helpers/wait-for.js';

const SECRET = 'contract-hook-secret';
const backend = gitHttpBackendPath();
let dir: string;
let world: RunningWorld;
let server: GitServer;
let repo: Awaited<ReturnType<typeof createRepo>>;
const children: ChildProcess[] = [];

before(async () => {
  if (!backend) return;
  dir = await mkdtemp(join(tmpdir(), 'fedsync-run-'));
  const files = Object.fromEntries((await repoFiles('fixtures/repos/demo')).map((f) => [f.path, f.text]));
  repo = await createRepo(dir, 'fleet', files);
  server = await startGitServer(dir);
  // From here on the working clone pushes over HTTP, through git http-backend.
  await git(repo.work, 'remote', 'set-url', 'origin', `${server.url}/fleet.git`);
  world = await startWorld({ world: await readWorld('fixtures/worlds/demo.yaml'), outDir: join(dir, 'sim') });
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await world?.stop();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Agent = { child: ChildProcess; lines: () => Record<string, unknown>[]; stderr: () => string };

function fedsyncRun(args: string[]): Agent {
  const child = spawn(process.execPath, ['bin/fedsync.js', 'run', ...args], {
    env: { PATH: process.env.PATH, HOME: dir ?? tmpdir(), WEBHOOK_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: () => err,
  };
}

const common = (identity: string): string[] => [
  '--repo-url',
  `${server.url}/fleet.git`,
  '--branch',
  'main',
  '--sim',
  join(dir, 'sim'),
  '--cache-dir',
  join(dir, `cache-${identity}`),
  '--listen',
  '127.0.0.1:0',
  '--schedule',
  '0 0 1 1 *',
  '--drift-interval',
  '1h',
  '--identity',
  identity,
  '--webhook-secret-env',
  'WEBHOOK_SECRET',
  '--log-format',
  'json',
];

const urlOf = (a: Agent): Promise<string> =>
  waitFor(
    'the agent to listen',
    () => {
      const line = a.lines().find((l) => l.msg === 'listening');
      if (!line && a.child.exitCode !== null) throw new Error(`exited ${a.child.exitCode}: ${a.stderr()}`);
      return line?.url as string | undefined;
    },
    { timeoutMs: 30_000 },
  );

const reconciled = (a: Agent, sha: string, reason?: string): Record<string, unknown> | undefined =>
  a
    .lines()
    .find(
      (l) =>
        l.msg === 'reconcile' &&
        l.status === 'converged' &&
        l.sha === sha.slice(0, 12) &&
        (!reason || (l.reasons as string[]).includes(reason)),
    );

test(
  'fedsync run converges, applies a pushed commit on its webhook, and stops on SIGTERM',
  {
    skip: backend ? false : 'git http-backend is not installed',
  },
  async () => {
    const leader = fedsyncRun(common('run-a'));
    const url = await urlOf(leader);
    const first = await git(repo.work, 'rev-parse', 'HEAD');
    await waitFor('the first commit converged', () => reconciled(leader, first), { timeoutMs: 60_000 });

    const follower = fedsyncRun(common('run-b'));
    const followerUrl = await urlOf(follower);
    await waitFor(
      'the second agent to plan as a follower',
      () => follower.lines().find((l) => l.why === 'agent.notLeader'),
      { timeoutMs: 30_000 },
    );
    const status = (await (await fetch(`${followerUrl}/status`)).json()) as { leading: boolean };
    assert.equal(status.leading, false, 'the second fedsync run stays a follower');

    // A real push over HTTP, then the forge's signed delivery: only the webhook can trigger this run.
    const rs = join(repo.work, 'myreplicaset.yaml');
    await writeFile(rs, (await readFile(rs, 'utf8')).replace(/replicas: \d+/, 'replicas: 6'));
    await git(repo.work, 'commit', '-qam', '6 replicas');
    await git(repo.work, 'push', '-q', 'origin', 'HEAD:main');
    const pushed = await git(repo.work, 'rev-parse', 'HEAD');
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      before: first,
      after: pushed,
      repository: { clone_url: `${server.url}/fleet.git` },
    });
    const bad = await fetch(`${url}/webhook/github`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-github-delivery': 'd0', ...signBody('github', body, 'wrong') },
      body,
    });
    assert.equal(bad.status, 403, 'a bad signature is refused');
    const good = await fetch(`${url}/webhook/github`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-github-delivery': 'd1', ...signBody('github', body, SECRET) },
      body,
    });
    assert.ok(good.status < 300, `delivery answered ${good.status}`);
    await waitFor('the pushed commit applied', () => reconciled(leader, pushed, 'webhook'), {
      timeoutMs: 30_000,
    });

    const families = new Map(
      parsePrometheus(await (await fetch(`${url}/metrics`)).text()).map((f) => [f.name, f]),
    );
    for (const name of [
      'fedsync_reconcile_duration_seconds',
      'fedsync_leader',
      'fedsync_webhook_deliveries_total',
      'fedsync_kube_requests_total',
      'fedsync_last_applied_revision_info',
      'fedsync_objects',
      'fedsync_cluster_ready',
    ])
      assert.ok(families.has(name), `${name} in /metrics (has ${[...families.keys()].join(', ')})`);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);

    leader.child.kill('SIGTERM');
    const code = await waitFor('the agent to exit', () => leader.child.exitCode ?? undefined, {
      timeoutMs: 30_000,
    });
    assert.equal(code, 0, leader.stderr());
    assert.ok(leader.lines().some((l) => l.msg === 'stopped'));
    // The Lease was given back: the follower leads without waiting for it to expire.
    await waitFor(
      'the follower to take over',
      async () => ((await (await fetch(`${followerUrl}/status`)).json()) as { leading: boolean }).leading,
      { timeoutMs: 10_000 },
    );
    follower.child.kill('SIGTERM');
    assert.equal(
      await waitFor('the follower to exit', () => follower.child.exitCode ?? undefined, {
        timeoutMs: 30_000,
      }),
      0,
    );
  },
);

test('a broken configuration file exits 2 with every problem at file:line', async () => {
  const d = await mkdtemp(join(tmpdir(), 'fedsync-run-config-'));
  try {
    const file = join(d, 'agent.yaml');
    await writeFile(
      file,
      'apiVersion: fedsync.io/v1alpha1\nkind: AgentConfig\nrepository:\n  path: ./x\nlisten: nowhere\nbogus: 1\n',
    );
    const a = fedsyncRun(['--config', file]);
    const code = await waitFor('exit', () => a.child.exitCode ?? undefined, { timeoutMs: 30_000 });
    assert.equal(code, 2);
    assert.match(a.stderr(), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5`));
    assert.match(a.stderr(), /:6/);
    assert.match(a.stderr(), /nothing was started/);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
});
