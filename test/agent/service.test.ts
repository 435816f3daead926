// The agent service (what `fedsync run` starts) on the simulated demo world, over many runs: two
// replicas on one Lease where only the leader writes — judged by the simulator's write counters per
// client — and the follower takes over when the leader stops; suspend and resume over HTTP; a member
// cluster going down and coming back while the agent keeps running; metrics parsed as Prometheus text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import git from 'isomorphic-git';
import parsePrometheus from 'parse-prometheus-text-format';
import type { AgentRun } from '../../src/agent/agent.js';
import { agentUserAgent } from '../../src/agent/run/clients.js';
import type { AgentStatus } from '../../src/agent/run/record.js';
import type { AgentService } from '../../src/agent/run/service.js';
import { createClusterClient } from '../../src/kube/client-node.js';
import { startWorld, type RunningWorld } from '../../src/sim/run-world.js';
import { readWorld } from '../../src/sim/world.js';
import { waitFor } from '../helpers/wait-for.js';
import { commitAll, commitReplicas, startSimAgent } from '../helpers/sim-agent.js';

const VERSION = '0.0.0-test';
let dir: string;
let repoDir: string;
let world: RunningWorld;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-service-'));
  repoDir = join(dir, 'repo');
  await cp(resolve('fixtures/repos/demo'), repoDir, { recursive: true });
  await git.init({ fs, dir: repoDir, defaultBranch: 'main' });
  await git.add({ fs, dir: repoDir, filepath: '.' });
  await commit('the demo federation');
  world = await startWorld({ world: await readWorld('fixtures/worlds/demo.yaml'), outDir: join(dir, 'sim') });
});
after(async () => {
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});

const commit = (message: string): Promise<string> => commitAll(repoDir, message);
const setReplicas = (n: number): Promise<string> => commitReplicas(repoDir, n);

type Started = { service: AgentService; runs: AgentRun[]; identity: string; userAgent: string };

async function start(identity: string, flags: Record<string, string | boolean> = {}): Promise<Started> {
  const { service, runs } = await startSimAgent({
    repoDir,
    simDir: join(dir, 'sim'),
    cacheDir: join(dir, 'cache'),
    identity,
    version: VERSION,
    flags: { 'lease-duration': '3s', 'renew-deadline': '2s', 'retry-period': '300ms', ...flags },
  });
  return { service, runs, identity, userAgent: agentUserAgent(VERSION, identity) };
}

/** Writes by one client across every cluster of the world, the Lease's own excepted. */
function memberWrites(userAgent: string): number {
  let n = 0;
  for (const c of world.clusters) {
    const byResource = c.counters.snapshot().byClient[userAgent]?.writesByResource ?? {};
    for (const perResource of Object.values(byResource))
      for (const [resource, count] of Object.entries(perResource))
        if (!resource.startsWith('leases.') && resource !== 'namespaces') n += count;
  }
  return n;
}

const appliedSha = (s: Started, sha: string): boolean =>
  s.runs.some((r) => r.mode === 'applied' && r.sha === sha && r.outcome.status === 'converged');

/** Read with a client of its own (User-Agent `fedsync`), so the agents' counts are not touched. */
async function replicasIn(cluster: string): Promise<number | undefined> {
  const client = createClusterClient({ kubeconfigPath: join(dir, 'sim', 'kubeconfig'), context: cluster });
  const obj = await client.get({
    apiVersion: 'apps/v1',
    group: 'apps',
    kind: 'ReplicaSet',
    namespace: 'default',
    name: 'nginx',
  });
  return (obj?.spec as { replicas?: number } | undefined)?.replicas;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

describe('the agent service on the simulated world', () => {
  test('two replicas on one Lease: only the leader writes; the follower takes over when it stops', async () => {
    const a = await start('agent-a');
    const b = await start('agent-b');
    let stopped: Started[] = [];
    try {
      const leader = await waitFor(
        'one replica leading and converged',
        () => {
          const l = [a, b].filter((s) => s.service.leading());
          const head = l[0];
          if (l.length !== 1 || !head?.runs.some((r) => r.mode === 'applied'))
            throw new Error(
              `leading: ${l.map((x) => x.identity).join(',')}; runs: ${JSON.stringify(
                [a, b].map((x) => x.runs.map((r) => [r.mode, r.reasons])),
              )}`,
            );
          return head;
        },
        { timeoutMs: 60_000 },
      );
      const follower = leader === a ? b : a;
      await waitFor('the follower to plan without writing', () =>
        follower.runs.find((r) => r.mode === 'planned' && r.why.code === 'agent.notLeader'),
      );
      // More triggers on both: the follower still writes nothing.
      await follower.service.agent.trigger('manual');
      await leader.service.agent.trigger('manual');
      assert.ok(memberWrites(leader.userAgent) > 0, 'the leader wrote the federation');
      assert.equal(memberWrites(follower.userAgent), 0, 'the follower wrote nothing');
      // The leader reported the commit into the repository's status branch, by default.
      const statusTip = await waitFor('the status branch', () =>
        git.resolveRef({ fs, dir: repoDir, ref: 'refs/heads/fedsync/status' }),
      );
      const { blob } = await git.readBlob({ fs, dir: repoDir, oid: statusTip, filepath: 'README.md' });
      const dashboard = Buffer.from(blob).toString('utf8');
      for (const c of world.clusters) assert.match(dashboard, new RegExp(`cluster \`${c.name}\``));
      assert.equal(follower.service.leading(), false);

      const metrics = parsePrometheus((await get(`${leader.service.url}/metrics`)).text);
      const byName = new Map(metrics.map((f) => [f.name, f]));
      assert.ok(byName.get('fedsync_reconcile_duration_seconds'), 'reconcile duration histogram');
      const lead = byName.get('fedsync_leader')?.metrics?.[0];
      assert.equal(lead?.value, '1', 'the leader says so in its metrics');

      const writesBefore = memberWrites(leader.userAgent);
      await leader.service.stop({ graceMs: 5000 });
      stopped = [leader];
      await waitFor('the follower to lead', () => follower.service.leading(), { timeoutMs: 10_000 });
      const sha = await setReplicas(6);
      await waitFor('the new leader applies the new commit', () => appliedSha(follower, sha), {
        timeoutMs: 20_000,
      });
      assert.ok(memberWrites(follower.userAgent) > 0, 'the new leader wrote');
      assert.equal(memberWrites(leader.userAgent), writesBefore, 'the stopped leader wrote nothing more');
    } finally {
      for (const s of [a, b]) if (!stopped.includes(s)) await s.service.stop({ graceMs: 1000 });
    }
  });

  test('suspend and resume over HTTP; a member outage is survived and healed', async () => {
    const s = await start('agent-solo', { 'leader-elect': false });
    try {
      await waitFor('ready', async () => (await get(`${s.service.url}/readyz`)).status === 200, {
        timeoutMs: 20_000,
      });
      const suspend = await fetch(`${s.service.url}/suspend?reason=maintenance`, { method: 'POST' });
      assert.equal(suspend.status, 200);
      const before = await replicasIn('gce-us-central1c');
      const sha = await setReplicas(3);
      await waitFor('a suspended run of the new commit', () =>
        s.runs.find((r) => r.mode === 'planned' && r.sha === sha && r.why.code === 'agent.suspended'),
      );
      assert.equal(await replicasIn('gce-us-central1c'), before, 'nothing was written while suspended');
      const status = (await (await fetch(`${s.service.url}/status`)).json()) as AgentStatus;
      assert.deepEqual(
        status.state.suspensions.map((x) => [x.by, x.reason]),
        [['operator', 'maintenance']],
      );
      await fetch(`${s.service.url}/resume`, { method: 'POST' });
      await waitFor('the commit applied after resume', () => appliedSha(s, sha), { timeoutMs: 20_000 });

      // A member goes down: the agent notices, keeps serving and reconciling, and heals on return.
      await world.cluster('gce-europe-west1b')!.setFault({ fault: 'down' });
      await waitFor(
        'the cluster seen Offline',
        async () => {
          const st = (await (await fetch(`${s.service.url}/status`)).json()) as AgentStatus;
          return st.clusters.find((c) => c.cluster === 'gce-europe-west1b')?.health === 'Offline';
        },
        { timeoutMs: 20_000 },
      );
      assert.equal((await get(`${s.service.url}/healthz`)).status, 200);
      const during = await fetch(`${s.service.url}/reconcile?wait=true`, { method: 'POST' });
      assert.equal(during.status, 200, 'a reconcile with one member down still completes');
      await world.cluster('gce-europe-west1b')!.setFault({ fault: 'up' });
      const back = await setReplicas(9);
      await waitFor('converged again with every member', () => appliedSha(s, back), { timeoutMs: 30_000 });
    } finally {
      await s.service.stop({ graceMs: 1000 });
    }
  });
});
