// The one table of exit codes: the README documents exactly the codes the CLI uses; apply and plan
// pick the most serious code that applies; on a simulated world a cluster left out (here named by
// --assume-offline) makes plan and apply exit 3 and apply names it; without --repo, plan and apply
// refuse a current directory that holds no fedsync.yaml.
import { after, afterEach, before, test } from 'node:test';
import { runClusterCli } from '../helpers/cli.js';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emptyCounts } from '../../src/model/index.js';
import type { Counts, Plan, ReconcileOutcome, TargetResult } from '../../src/model/index.js';
import { ExitCode, applyExitCode, leftBehind, planExitCode } from '../../src/cli/exit-codes.js';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { startDemoWorld } from '../helpers/demo-world.js';

let world: RunningWorld;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-exit-'));
  world = await startDemoWorld(join(dir, 'sim'));
});
after(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

test('the README table lists exactly the codes of ExitCode, each once', async () => {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## Exit codes\n'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const documented = [...table.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(
    documented,
    Object.values(ExitCode).sort((a, b) => a - b),
  );
});

const counts = (over: Partial<Counts> = {}): Counts => ({ ...emptyCounts(), ...over });
const cluster = (name: string, over: Partial<TargetResult> = {}): TargetResult => ({
  kind: 'cluster',
  name,
  results: [],
  bookkeepingWrites: 0,
  ...over,
});
const outcome = (over: Partial<ReconcileOutcome>): ReconcileOutcome => ({
  status: 'incomplete',
  sha: 'abc',
  targets: [cluster('a'), cluster('b')],
  counts: counts(),
  problems: [],
  terminal: false,
  drift: [],
  ...over,
});
const unreachable = (name: string) => ({
  target: cluster(name, { skipped: 'unreachable' }),
  problem: {
    code: 'cluster.unreachable',
    severity: 'warning' as const,
    cluster: name,
    message: `cluster ${name} is Unreachable (timeout: no answer)`,
  },
});

test('apply: 0 converged, 2 held, 3 left behind, 1 any failure, the most serious first', () => {
  assert.equal(applyExitCode(outcome({ status: 'converged' })), ExitCode.ok);
  assert.equal(applyExitCode(outcome({ counts: counts({ held: 2 }) })), ExitCode.changes);

  const u = unreachable('b');
  const behind = outcome({ targets: [cluster('a'), u.target], problems: [u.problem] });
  assert.equal(applyExitCode(behind), ExitCode.leftBehind);
  assert.deepEqual(leftBehind(behind), [{ cluster: 'b', why: u.problem.message }]);

  const locked = outcome({
    status: 'failed',
    targets: [cluster('a'), cluster('b', { error: { code: 'lock.held', message: 'held by agent-1' } })],
    problems: [{ code: 'lock.held', severity: 'error', cluster: 'b', message: 'held by agent-1' }],
  });
  assert.equal(applyExitCode(locked), ExitCode.leftBehind, 'another writer keeping the lock leaves b behind');
  assert.deepEqual(leftBehind(locked), [{ cluster: 'b', why: 'held by agent-1' }]);

  const failedWrite = outcome({
    status: 'failed',
    targets: [cluster('a'), u.target],
    counts: counts({ failed: 1 }),
    problems: [u.problem],
  });
  assert.equal(applyExitCode(failedWrite), ExitCode.error, 'a failure outranks a cluster left behind');
  const planProblem = outcome({
    status: 'failed',
    counts: undefined,
    targets: [],
    problems: [{ code: 'source.bad', severity: 'error', message: 'x' }],
  });
  assert.equal(applyExitCode(planProblem), ExitCode.error);
});

test('plan: 1 on an error problem, 3 with a cluster not Ready, 2 with changes, else 0', () => {
  const base = { federation: 'f', revision: { sha: 'abc' }, digest: 'd', problems: [], targets: [] };
  const target = (health: string, actions: unknown[] = []) => ({
    kind: 'cluster',
    name: `c-${health}`,
    health,
    actions,
  });
  const plan = (over: object): Plan => ({ ...base, ...over }) as unknown as Plan;
  assert.equal(planExitCode(plan({ targets: [target('Ready')] })), ExitCode.ok);
  const create = { action: 'create', ref: {}, object: {} };
  assert.equal(planExitCode(plan({ targets: [target('Ready', [create])] })), ExitCode.changes);
  assert.equal(
    planExitCode(plan({ targets: [target('Ready', [create]), target('Unreachable')] })),
    ExitCode.leftBehind,
  );
  assert.equal(
    planExitCode(
      plan({ targets: [target('Offline')], problems: [{ code: 'x', severity: 'error', message: 'x' }] }),
    ),
    ExitCode.error,
  );
});

function cli(args: string[]) {
  return runClusterCli(args, { cacheDir: join(dir, 'cache'), now: () => new Date('2026-01-01T00:00:00Z') });
}

test('--assume-offline: plan and apply exit 3; apply names the cluster and moves its replicas', async () => {
  const sim = ['--repo', 'fixtures/repos/demo', '--sim', join(dir, 'sim')];
  const off = ['--assume-offline', 'gce-europe-west1b'];
  const plan = await cli(['plan', ...sim, ...off]);
  assert.equal(plan.code, ExitCode.leftBehind, plan.err);
  const applied = await cli(['apply', ...sim, ...off]);
  assert.equal(applied.code, ExitCode.leftBehind, applied.err);
  assert.match(
    applied.err,
    /cluster gce-europe-west1b does not hold this commit: .*--assume-offline: its replicas move to the other clusters/,
  );
  const europe = world.cluster('gce-europe-west1b')!;
  assert.equal(
    europe.store.get(europe.resource('apps/v1', 'ReplicaSet'), 'default', 'nginx'),
    undefined,
    'nothing written to the cluster assumed Offline',
  );
  const replicas = ['gce-asia-east1a', 'gce-us-central1c'].map((c) => {
    const s = world.cluster(c)!;
    const rs = s.store.get(s.resource('apps/v1', 'ReplicaSet'), 'default', 'nginx') as {
      spec: { replicas: number };
    };
    return rs.spec.replicas;
  });
  assert.equal(
    replicas.reduce((a, b) => a + b, 0),
    9,
    'all 9 replicas on the two others',
  );
  await assert.rejects(cli(['plan', ...sim, '--assume-offline', 'gce-mars-1']), /not registered: gce-mars-1/);
  const all = await cli(['apply', ...sim]);
  assert.equal(all.code, ExitCode.ok, all.err);
});

test('without --repo, plan and apply refuse a current directory without fedsync.yaml', async () => {
  const simDir = join(dir, 'sim');
  for (const command of ['plan', 'apply'])
    await assert.rejects(
      cli([command, '--sim', simDir]),
      new RegExp(
        `fedsync ${command}: no --repo given and the current directory holds no fedsync\\.yaml: name the federation repository with --repo`,
      ),
    );
  // A directory that holds one is read as the repository.
  const here = process.cwd();
  const simAbs = resolve(simDir);
  process.chdir('fixtures/repos/demo');
  try {
    const plan = await cli(['plan', '--sim', simAbs]);
    assert.equal(plan.code, ExitCode.ok, plan.err);
  } finally {
    process.chdir(here);
  }
});
