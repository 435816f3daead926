// `fedsync demo` (npm start): the demo world converges from the demo repository it creates; a second
// run reuses that repository; a commit to it while the agent runs is applied through the repo watch;
// the agent it runs is the `fedsync run` service (/status, /metrics, the status branch, drift and
// health lines), and once it returns its port is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import git from 'isomorphic-git';
import parsePrometheus from 'parse-prometheus-text-format';
import type { AgentStatus } from '../../src/agent/run/record.js';
import { demoCommand } from '../../src/cli/commands/demo.js';
import type { DemoDeps } from '../../src/cli/commands/demo.js';
import { createClusterClient } from '../../src/kube/client-node.js';
import { waitFor } from '../helpers/wait-for.js';

function optionsIn(dir: string, once: boolean) {
  return {
    world: resolve('fixtures/worlds/demo.yaml'),
    template: resolve('fixtures/repos/demo'),
    out: join(dir, 'sim'),
    repoDir: join(dir, 'repo'),
    interval: '1',
    once,
  };
}

const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];

/** The agent URL the demo printed. */
const agentUrlIn = (text: string): string | undefined =>
  /on (http:\/\/127\.0\.0\.1:\d+): \/status/.exec(text)?.[1];

/** Resolves with the error code when nothing listens at `url` any more. */
async function refused(url: string): Promise<string> {
  try {
    const res = await fetch(url);
    return `answered ${res.status}`;
  } catch (err) {
    return String((err as { cause?: { code?: string } }).cause?.code);
  }
}

function capture(untilInterrupted: DemoDeps['untilInterrupted'] = () => Promise.resolve()) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: DemoDeps = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    untilInterrupted,
  };
  return { out, err, deps, text: () => out.join('') };
}

const READY_9 =
  /ReplicaSet\/default\/nginx \(9 placed\): gce-asia-east1a 4\/4 ready · gce-europe-west1b 2\/2 ready · gce-us-central1c 3\/3 ready/;

test('demo --once converges the three clusters from a repository it creates, then reuses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-'));
  try {
    const first = capture();
    assert.equal(await demoCommand(optionsIn(dir, true), first.deps), 0, first.err.join(''));
    assert.match(first.text(), /\(created from /);
    assert.match(
      first.text(),
      /\] Apply [0-9a-f]{12}: 25 created, 3 updated, .* in 3 clusters and 1 load balancer; converged\./,
    );
    assert.match(first.text(), READY_9);
    // The load balancer's IP once it has one, and a command to try it.
    const ip = /Load balancer default\/myingress: (\d+\.\d+\.\d+\.\d+)/.exec(first.text())?.[1];
    assert.ok(ip, first.text());
    assert.match(
      first.text(),
      new RegExp(
        `Try: node bin/fedsync\\.js sim route --from europe-west1 --ip ${ip.replaceAll('.', '\\.')} --out `,
      ),
    );
    assert.doesNotMatch(first.text() + first.err.join(''), /BEGIN (RSA |EC )?PRIVATE KEY/);
    // Each cluster's state and the report on the status branch, then it stops without the guide.
    for (const c of CLUSTERS) assert.match(first.text(), new RegExp(`^  ${c} +Ready +4 applied · `, 'm'));
    assert.ok(
      first
        .text()
        .includes(`Status branch: git -C ${optionsIn(dir, true).repoDir} show fedsync/status:README.md`),
    );
    assert.doesNotMatch(first.text(), /Where to look/);

    const second = capture();
    assert.equal(await demoCommand(optionsIn(dir, true), second.deps), 0, second.err.join(''));
    assert.match(second.text(), /\(reusing it\)/);
    // A new world each run (the simulator keeps nothing), the same repository and commit.
    const sha = /\] Apply ([0-9a-f]{12})/.exec(first.text())?.[1];
    assert.ok(sha);
    assert.match(second.text(), new RegExp(`\\] Apply ${sha}: 25 created`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a commit to the demo repository while the agent runs is applied', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-'));
  const repoDir = join(dir, 'repo');
  let seen = '';
  const run = capture(async () => {
    const file = join(repoDir, 'myreplicaset.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('replicas: 9', 'replicas: 6'));
    await git.add({ fs, dir: repoDir, filepath: 'myreplicaset.yaml' });
    await git.commit({ fs, dir: repoDir, message: '6 replicas', author: { name: 't', email: 't@t' } });
    seen = await waitFor(
      'the agent to apply the new commit',
      () => {
        const text = run.text();
        if (!/\(6 placed\)/.test(text)) throw new Error(`demo output ends with: ${text.slice(-1500)}`);
        return text;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
  try {
    assert.equal(await demoCommand(optionsIn(dir, false), run.deps), 0, run.err.join(''));
    assert.match(seen, /\] Apply [0-9a-f]{12}: 0 created, 3 updated, .*; converged\./);
    assert.match(seen, /ReplicaSet\/default\/nginx \(6 placed\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the demo runs the fedsync run service: /status, /metrics, the status branch, drift and health lines; then its port is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-'));
  const opts = optionsIn(dir, false);
  let url: string | undefined;
  const run = capture(async () => {
    const text = await waitFor(
      'the demo to print where to look',
      () => (/Ctrl-C stops the demo/.test(run.text()) ? run.text() : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    url = agentUrlIn(text);
    assert.ok(url, text);

    // The agent answers as `fedsync run` does.
    const status = (await (await fetch(`${url}/status`)).json()) as AgentStatus;
    assert.equal(status.identity, 'fedsync-demo');
    assert.equal(status.state.applied?.status, 'converged');
    assert.deepEqual(status.clusters.map((c) => c.cluster).sort(), CLUSTERS);
    const metrics = new Map(
      parsePrometheus(await (await fetch(`${url}/metrics`)).text()).map((f) => [f.name, f]),
    );
    assert.ok(metrics.get('fedsync_reconcile_duration_seconds'), [...metrics.keys()].join(' '));
    assert.ok(metrics.get('fedsync_last_applied_revision_info'), [...metrics.keys()].join(' '));

    // The first applied run was reported on the repository's status branch.
    const files = await git.listFiles({ fs, dir: opts.repoDir, ref: 'fedsync/status' });
    for (const c of CLUSTERS) assert.ok(files.includes(`clusters/${c}.json`), files.join(' '));
    assert.ok(files.includes('README.md'));

    // Each cluster's state, then where to look.
    for (const c of CLUSTERS) assert.match(text, new RegExp(`^  ${c} +Ready +4 applied · `, 'm'));
    assert.ok(text.includes(`git -C ${opts.repoDir} show fedsync/status:README.md`), text);
    assert.ok(text.includes(`npx fedsync status --agent ${url} `), text);
    assert.ok(text.includes(`export KUBECONFIG=${opts.out}/kubeconfig`), text);
    assert.match(text, /kubectl --context=gce-asia-east1a get replicasets/);
    assert.match(text, /gcloud\.env && gcloud compute url-maps list --global/);
    assert.match(text, /npx fedsync sim route --from asia-east1 --ip \d+\.\d+\.\d+\.\d+ --out /);
    assert.ok(text.includes(`Edit ${opts.repoDir}/myreplicaset.yaml and commit to see it flow`), text);

    // Someone scales a replica set by hand: the watch finds the drift and the demo says so.
    const us = createClusterClient({
      name: 'gce-us-central1c',
      kubeconfigPath: join(opts.out, 'kubeconfig'),
      context: 'gce-us-central1c',
    });
    await us.patch(
      { apiVersion: 'apps/v1', group: 'apps', kind: 'ReplicaSet', namespace: 'default', name: 'nginx' },
      { spec: { replicas: 1 } },
      { fieldManager: 'kubectl-edit' },
    );
    await waitFor(
      'a drift line',
      () =>
        /drift ReplicaSet\/default\/nginx@gce-us-central1c \(spec\.replicas\) by kubectl-edit/.test(
          run.text(),
        ),
      { timeoutMs: 15_000, intervalMs: 50 },
    );

    // A cluster goes down: its health change is printed.
    const sim = JSON.parse(await readFile(join(opts.out, 'sim.json'), 'utf8')) as { control: string };
    const down = await fetch(`${sim.control}/clusters/gce-europe-west1b/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: ['down'] }),
    });
    assert.equal(down.status, 200, await down.text());
    await waitFor('a health line', () => /cluster gce-europe-west1b is Offline/.test(run.text()), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  });
  try {
    assert.equal(await demoCommand(opts, run.deps), 0, run.err.join(''));
    assert.ok(url);
    // Nothing is left listening: neither the agent nor the simulated clusters.
    assert.equal(await refused(`${url}/status`), 'ECONNREFUSED');
    const kubeconfig = await readFile(join(opts.out, 'kubeconfig'), 'utf8');
    const servers = [...kubeconfig.matchAll(/server: (\S+)/g)].map((m) => m[1] ?? '');
    assert.equal(servers.length, CLUSTERS.length, kubeconfig);
    for (const server of servers) assert.equal(await refused(server), 'ECONNREFUSED', server);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo --once on a repository with a broken file prints the problem at file:line and exits 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-'));
  try {
    const template = join(dir, 'template');
    await cp(resolve('fixtures/repos/demo'), template, { recursive: true });
    await writeFile(
      join(template, 'myreplicaset.yaml'),
      'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: [\n',
    );
    const run = capture();
    assert.equal(await demoCommand({ ...optionsIn(dir, true), template }, run.deps), 1, run.text());
    assert.match(run.err.join(''), /^ {2}myreplicaset\.yaml:\d+: /m);
    assert.match(run.text(), /\] Apply [0-9a-f]{12}: failed before anything was applied/);
    // Nothing was reported for a commit that could not be read, so the demo does not point there.
    assert.doesNotMatch(run.text(), /Status branch:/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
