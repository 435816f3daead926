// The agent configuration's incremental-reconcile settings reach the agent that `fedsync run` starts:
// with `reconcile.resyncCycles: 1` a full plan follows every incremental one, and with
// `reconcile.incremental: false` no cycle is planned incrementally. The repository is the demo
// federation without Google Cloud (a load balancer makes every cycle a full plan) plus one ConfigMap
// whose pushes the incremental planner can take alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import git from 'isomorphic-git';
import type { AgentRun } from '../../src/agent/agent.js';
import { startWorld, type RunningWorld } from '../../src/sim/run-world.js';
import { readWorld } from '../../src/sim/world.js';
import { waitFor } from '../helpers/wait-for.js';
import { startSimAgent, type SimAgent } from '../helpers/sim-agent.js';

let dir: string;
let repoDir: string;
let world: RunningWorld;

const configMap = (value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  value: "${value}"\n`;

async function pushValue(value: string): Promise<string> {
  await writeFile(join(repoDir, 'settings.yaml'), configMap(value));
  await git.add({ fs, dir: repoDir, filepath: 'settings.yaml' });
  return git.commit({ fs, dir: repoDir, message: value, author: { name: 't', email: 't@example.com' } });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-service-incremental-'));
  repoDir = join(dir, 'repo');
  await cp(resolve('fixtures/repos/demo'), repoDir, { recursive: true });
  await rm(join(repoDir, 'myingress.yaml'));
  await writeFile(
    join(repoDir, 'fedsync.yaml'),
    'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: demo\nspec:\n  policy: {selfHeal: true, prune: true}\n',
  );
  await git.init({ fs, dir: repoDir, defaultBranch: 'main' });
  await git.add({ fs, dir: repoDir, filepath: '.' });
  await pushValue('v0');
  world = await startWorld({ world: await readWorld('fixtures/worlds/demo.yaml'), outDir: join(dir, 'sim') });
});
after(async () => {
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Started = SimAgent;
type Applied = Extract<AgentRun, { mode: 'applied' }>;

const start = (identity: string, flags: Record<string, string | boolean>): Promise<Started> =>
  startSimAgent({
    repoDir,
    simDir: join(dir, 'sim'),
    cacheDir: join(dir, 'cache'),
    identity,
    flags: { 'leader-elect': false, ...flags },
  });

const appliedRuns = (s: Started): Applied[] =>
  s.runs.filter((r): r is Applied => r.mode === 'applied' && r.outcome.status === 'converged');

const appliedOf = (s: Started, sha: string): Applied | undefined => appliedRuns(s).find((r) => r.sha === sha);

describe('incremental reconcile settings of fedsync run', () => {
  test('reconcile.resyncCycles reaches the agent: a full plan after every incremental one', async () => {
    const s = await start('agent-resync', { 'resync-cycles': '1' });
    try {
      await waitFor('the first run converged', () => appliedRuns(s)[0], { timeoutMs: 30_000 });
      const one = await pushValue('v1');
      const incremental = await waitFor('the push applied', () => appliedOf(s, one), { timeoutMs: 20_000 });
      assert.equal(incremental.planMode?.mode, 'incremental', JSON.stringify(incremental.planMode));

      const two = await pushValue('v2');
      await waitFor('the next push applied', () => appliedOf(s, two), { timeoutMs: 20_000 });
      const runs = appliedRuns(s);
      const next = runs[runs.indexOf(incremental) + 1];
      assert.deepEqual(next?.planMode, {
        mode: 'full',
        why: 'periodic full resync (1 incremental plans)',
      });
    } finally {
      await s.service.stop({ graceMs: 1000 });
    }
  });

  test('reconcile.incremental false reaches the agent: no cycle is planned incrementally', async () => {
    const s = await start('agent-full', { incremental: false });
    try {
      await waitFor('the first run converged', () => appliedRuns(s)[0], { timeoutMs: 30_000 });
      const sha = await pushValue('v3');
      const pushed = await waitFor('the push applied', () => appliedOf(s, sha), { timeoutMs: 20_000 });
      assert.equal(pushed.planMode, undefined, 'planned without the incremental planner');
      assert.ok(
        appliedRuns(s).every((r) => r.planMode === undefined),
        'no run was planned by it',
      );
    } finally {
      await s.service.stop({ graceMs: 1000 });
    }
  });
});
