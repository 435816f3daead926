// `fedsync clusters` on a simulated world: every cluster Ready (exit 0) with its region, zones and
// probe time; a stopped cluster Unreachable with ECONNREFUSED (exit 3), and Offline once an agent
// that saw it fail its health probes recorded so; a hung cluster's timeout, refused credentials
// (401) and a registration whose kubeconfig context is missing each named as the cause; -o json.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerClusters } from '../../src/cli/commands/clusters.js';
import { createClient } from '../../src/cli/kube-client.js';
import { createFleet } from '../../src/kube/fleet.js';
import { loadRepo } from '../../src/source/load-repo.js';
import type { ClustersView } from '../../src/report/format/clusters-view.js';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { startDemoWorld } from '../helpers/demo-world.js';
import { waitFor } from '../helpers/wait-for.js';

const NOW = '2026-01-01T00:00:00.000Z';
const EU = 'gce-europe-west1b';
let dir: string;
let world: RunningWorld;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-clusters-'));
  world = await startDemoWorld(join(dir, 'sim'));
});
after(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  process.exitCode = undefined;
  await world.cluster(EU)!.setFault({ fault: 'up' });
});

async function clusters(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('fedsync').exitOverride();
  registerClusters(program, {
    createClient,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTTY: false,
    clock: { now: () => new Date(NOW) },
  });
  await program.parseAsync(['node', 'fedsync', 'clusters', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out: out.join(''), err: err.join(''), code };
}

const onSim = (...more: string[]): string[] => [
  '--repo',
  'fixtures/repos/demo',
  '--sim',
  join(dir, 'sim'),
  ...more,
];
const json = (out: string): ClustersView => JSON.parse(out) as ClustersView;
const healthOf = (view: ClustersView): Record<string, string> =>
  Object.fromEntries(view.clusters.map((c) => [c.name, c.health]));

test('every cluster Ready: a row each with region, zones and the probe time; exit 0', async () => {
  const r = await clusters(onSim());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^NAME\s+STATUS\s+REGION\s+ZONES\s+LAST PROBE$/m);
  for (const c of world.clusters) {
    const region = c.name.replace(/^gce-/, '').replace(/[a-z]$/, '');
    assert.match(r.out, new RegExp(`^${c.name}\\s+Ready\\s+${region}\\s+${region}-[a-z]\\s+${NOW}$`, 'm'));
  }
  assert.doesNotMatch(r.out, /why:/);
});

test('a stopped cluster is Unreachable (ECONNREFUSED), exit 3; -o json says the same', async () => {
  await world.cluster(EU)!.setFault({ fault: 'down' });
  const text = await clusters(onSim());
  assert.equal(text.code, 3);
  assert.match(
    text.out,
    new RegExp(`^${EU}\\s+Unreachable\\s+europe-west1\\s+europe-west1-b\\s+${NOW}$`, 'm'),
  );
  assert.match(
    text.out,
    /^ {2}why: network: GET \/readyz on gce-europe-west1b: unreachable \(ECONNREFUSED\)$/m,
  );
  const j = await clusters(onSim('-o', 'json'));
  assert.equal(j.code, 3);
  const view = json(j.out);
  assert.deepEqual(healthOf(view), {
    'gce-asia-east1a': 'Ready',
    [EU]: 'Unreachable',
    'gce-us-central1c': 'Ready',
  });
  const eu = view.clusters.find((c) => c.name === EU)!;
  assert.deepEqual(eu.zones, ['europe-west1-b']);
  assert.equal(eu.lastProbeAt, NOW);
  assert.equal(eu.cause?.reason, 'network');
  assert.match(eu.cause.message, /ECONNREFUSED/);
});

test('a hung cluster times out; refused credentials are 401', async () => {
  await world.cluster(EU)!.setFault({ fault: 'hang' });
  const hung = await clusters(onSim('--request-timeout', '0.5', '-o', 'json'));
  assert.equal(hung.code, 3);
  const cause = json(hung.out).clusters.find((c) => c.name === EU)!.cause;
  assert.equal(cause?.reason, 'timeout');
  assert.match(cause.message, /no answer within 500 ms/);
  await world.cluster(EU)!.setFault({ fault: 'up' });

  // The same world through a kubeconfig whose token for one cluster is wrong.
  const kubeconfig = join(dir, 'wrong-token.kubeconfig');
  const eu = world.clusters.find((c) => c.name === EU)!;
  const original = await readFile(join(dir, 'sim', 'kubeconfig'), 'utf8');
  assert.ok(original.includes(eu.token));
  await writeFile(kubeconfig, original.replace(eu.token, 'not-the-token'), { mode: 0o600 });
  const refused = await clusters(['--repo', 'fixtures/repos/demo', '--kubeconfig', kubeconfig]);
  assert.equal(refused.code, 3);
  assert.match(refused.out, new RegExp(`^${EU}\\s+Unreachable\\s`, 'm'));
  assert.match(refused.out, /^ {2}why: unauthorized: .*HTTP 401/m);
  assert.doesNotMatch(refused.out, /not-the-token/);
});

test('a registration whose kubeconfig context is missing is reported, not probed', async () => {
  const repoDir = join(dir, 'repo-extra');
  await cp('fixtures/repos/demo', repoDir, { recursive: true });
  await writeFile(
    join(repoDir, 'clusters', 'gce-asia-south1a.yaml'),
    [
      'apiVersion: fedsync.io/v1alpha1',
      'kind: Cluster',
      'metadata:',
      '  name: gce-asia-south1a',
      '  labels: { region: asia-south1 }',
      'spec:',
      '  kubeconfigContext: gce-asia-south1a',
      '',
    ].join('\n'),
  );
  const r = await clusters(['--repo', repoDir, '--sim', join(dir, 'sim')]);
  assert.equal(r.code, 3);
  assert.match(r.out, /^gce-asia-south1a\s+Unreachable\s+asia-south1\s+-\s+-$/m);
  assert.match(r.out, /^ {2}why: noContext: the kubeconfig has no context gce-asia-south1a$/m);
  assert.match(r.err, /cluster gce-asia-south1a: its kubeconfigContext is not in the kubeconfig/);
  for (const c of world.clusters) assert.match(r.out, new RegExp(`^${c.name}\\s+Ready\\s`, 'm'));
});

test("Offline where the agent's health record says so, with the agent's and this run's cause", async () => {
  const loaded = await loadRepo({ repo: 'fixtures/repos/demo' });
  assert.ok(loaded.ok);
  const repo = loaded.value;
  // An agent's live fleet: it probes, turns the stopped cluster Offline and records that verdict in
  // every cluster it still reaches.
  const agent = await createFleet({
    kubeconfigPath: join(dir, 'sim', 'kubeconfig'),
    registrations: repo.clusters,
    federation: repo.federation.name,
    createClient,
    live: { healthIntervalMs: 50, identity: 'agent-test' },
  });
  try {
    await world.cluster(EU)!.setFault({ fault: 'down' });
    await waitFor(
      'the agent to see the cluster Offline',
      () => agent.healthDetails().find((d) => d.cluster === EU)?.health === 'Offline',
      { timeoutMs: 10_000 },
    );
    const observed = await agent.observe({ repo });
    assert.equal(observed.find((o) => o.name === EU)?.health, 'Offline');
  } finally {
    await agent.stop();
  }
  const r = await clusters(onSim('-o', 'json'));
  assert.equal(r.code, 3);
  const view = json(r.out);
  assert.equal(healthOf(view)[EU], 'Offline');
  const eu = view.clusters.find((c) => c.name === EU)!;
  assert.equal(eu.cause?.reason, 'agentProbes');
  assert.match(eu.cause.message, /^the agent agent-test has seen it fail its health probes since /);
  assert.match(eu.cause.message, /this run: network: .*ECONNREFUSED/);
  assert.equal(eu.agent?.observer, 'agent-test');
  assert.equal(view.record?.observer, 'agent-test');
  const text = await clusters(onSim());
  assert.match(text.out, new RegExp(`^${EU}\\s+Offline\\s`, 'm'));
  assert.match(text.out, /^Agent verdicts: the record of agent-test, written /m);
});
