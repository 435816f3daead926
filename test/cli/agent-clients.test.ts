// The CLI clients of a running agent, against the real agent service on the simulated demo world:
// `status --agent` prints what the agent reports (-o json too); `reconcile --wait` exits by the
// run's outcome (0 converged, 2 changes waiting while suspended, 3 a cluster left behind);
// `suspend --reason` and `resume`; from a non-loopback address the trigger token is needed (401
// without, 403 when wrong, accepted from --token-file) and never printed; no agent at the URL is
// "no agent answers at <url> (ECONNREFUSED)", exit 6.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import git from 'isomorphic-git';
import type { AgentRun } from '../../src/agent/agent.js';
import type { AgentStatus } from '../../src/agent/run/record.js';
import type { AgentService } from '../../src/agent/run/service.js';
import { registerReconcile } from '../../src/cli/commands/reconcile.js';
import { registerResume } from '../../src/cli/commands/resume.js';
import { registerStatus } from '../../src/cli/commands/status.js';
import { registerSuspend } from '../../src/cli/commands/suspend.js';
import { createClient } from '../../src/cli/kube-client.js';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { startDemoWorld } from '../helpers/demo-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { commitAll, commitReplicas, startSimAgent } from '../helpers/sim-agent.js';

const TOKEN = 'trigger-token-5f1c9a';
const EU = 'gce-europe-west1b';
let dir: string;
let repoDir: string;
let world: RunningWorld;
let service: AgentService;
let runs: AgentRun[] = [];

const commit = (message: string): Promise<string> => commitAll(repoDir, message);
const setReplicas = (n: number): Promise<string> => commitReplicas(repoDir, n);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-agent-clients-'));
  repoDir = join(dir, 'repo');
  await cp(resolve('fixtures/repos/demo'), repoDir, { recursive: true });
  await git.init({ fs, dir: repoDir, defaultBranch: 'main' });
  await git.add({ fs, dir: repoDir, filepath: '.' });
  await commit('the demo federation');
  await writeFile(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  world = await startDemoWorld(join(dir, 'sim'));
  ({ service, runs } = await startSimAgent({
    repoDir,
    simDir: join(dir, 'sim'),
    cacheDir: join(dir, 'cache'),
    identity: 'agent-cli',
    flags: {
      // Every interface: the token tests call from this host's non-loopback address.
      listen: '0.0.0.0:0',
      'leader-elect': false,
      'trigger-token-file': join(dir, 'token'),
    },
  }));
  await waitFor(
    'the first converged run',
    () => runs.some((r) => r.mode === 'applied' && r.outcome.status === 'converged'),
    { timeoutMs: 60_000 },
  );
});
after(async () => {
  await service?.stop({ graceMs: 1000 });
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

type Run = { out: string; err: string; code: number };

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const program = new Command('fedsync').exitOverride();
  registerReconcile(program, { ...io, env });
  registerSuspend(program, { ...io, env });
  registerResume(program, { ...io, env });
  registerStatus(program, {
    ...io,
    env,
    clusterDeps: () =>
      Promise.resolve({ ...io, createClient, isTTY: false, clock: { now: () => new Date() } }),
  });
  await program.parseAsync(['node', 'fedsync', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out: out.join(''), err: err.join(''), code };
}

const url = (): string => service.url;
const port = (): string => new URL(service.url).port;

/** This host's first non-loopback IPv4 address: requests from it are not local to the agent. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

async function statusOf(): Promise<AgentStatus> {
  const r = await cli(['status', '--agent', url(), '-o', 'json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as AgentStatus;
}

describe('the CLI against a running agent', () => {
  test('status --agent prints what the agent reports, as text and as JSON', async () => {
    const text = await cli(['status', '--agent', url()]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, new RegExp(`^Agent agent-cli at http://127\\.0\\.0\\.1:${port()}: leading$`, 'm'));
    const head = await git.resolveRef({ fs, dir: repoDir, ref: 'HEAD' });
    assert.match(text.out, new RegExp(`^ {2}applied: ${head.slice(0, 12)} at \\S+ \\(converged\\)$`, 'm'));
    assert.match(text.out, /^ {2}last run: \S+ \[[\w,]+\] Apply [0-9a-f]{12}: .*; converged\.$/m);
    assert.match(text.out, /^Clusters:$/m);
    for (const c of world.clusters)
      assert.match(text.out, new RegExp(`^ {2}${c.name}\\s+Ready\\s+last probe `, 'm'));
    const json = await statusOf();
    assert.equal(json.identity, 'agent-cli');
    assert.equal(json.leading, true);
    assert.deepEqual(json.clusters.map((c) => c.cluster).sort(), world.clusters.map((c) => c.name).sort());
    // A path in --agent is a prefix (an agent behind a proxy): here nothing answers below it.
    const prefixed = await cli(['status', '--agent', `${url()}/behind-proxy/`]);
    assert.equal(prefixed.code, 1);
    assert.equal(
      prefixed.err,
      `fedsync status: /status at ${url()}/behind-proxy answered 404: no /behind-proxy/status here\n`,
    );
    const both = await cli(['status', '--agent', url(), '--sim', join(dir, 'sim')]).catch((e: Error) => e);
    assert.match(String(both instanceof Error ? both.message : both.err), /give --agent .* not both/);
  });

  test('reconcile: without --wait it is requested; with --wait it exits by the run (0 converged)', async () => {
    const requested = await cli(['reconcile', '--agent', url()]);
    assert.equal(requested.code, 0, requested.err);
    assert.match(requested.out, /^Reconcile requested from the agent at http:\/\/127\.0\.0\.1:\d+\.$/m);
    const sha = await setReplicas(6);
    const waited = await cli(['reconcile', '--agent', url(), '--wait']);
    assert.equal(waited.code, 0, waited.err);
    assert.match(
      waited.out,
      new RegExp(`^\\[[\\w,]*manual[\\w,]*\\] Apply ${sha.slice(0, 12)}: .*; converged\\.$`, 'm'),
    );
    const json = await cli(['reconcile', '--agent', url(), '--wait', '-o', 'json']);
    assert.equal(json.code, 0, json.err);
    const run = JSON.parse(json.out) as AgentRun;
    assert.equal(run.mode, 'applied');
    assert.equal(run.sha, sha);
    assert.ok(run.reasons.includes('manual'));
  });

  test('suspend, reconcile --wait while suspended exits 2 with changes waiting, resume applies them', async () => {
    const suspended = await cli(['suspend', '--agent', url(), '--reason', 'maintenance window']);
    assert.equal(suspended.code, 0, suspended.err);
    assert.match(
      suspended.out,
      /is suspended: it writes nothing until `fedsync resume --agent http:\/\/127\.0\.0\.1:\d+`/,
    );
    assert.match(suspended.out, /^ {2}by the operator since \S+: maintenance window$/m);
    const status = await cli(['status', '--agent', url()]);
    assert.match(status.out, /^ {2}suspended by the operator since \S+: maintenance window$/m);

    const sha = await setReplicas(3);
    const held = await cli(['reconcile', '--agent', url(), '--wait']);
    assert.equal(held.code, 2, `${held.out}${held.err}`);
    assert.match(
      held.out,
      new RegExp(
        `^\\[[\\w,]*manual[\\w,]*\\] ${sha.slice(0, 12)}: planned only, changes are waiting: agent\\.suspended: `,
        'm',
      ),
    );

    const resumed = await cli(['resume', '--agent', url()]);
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.out, /writes again; it reconciles now\.$/m);
    assert.deepEqual((await statusOf()).state.suspensions, []);
    const applied = await cli(['reconcile', '--agent', url(), '--wait']);
    assert.equal(applied.code, 0, applied.err);
    assert.match(applied.out, new RegExp(`Apply ${sha.slice(0, 12)}: .*; converged\\.`));
  });

  test('reconcile --wait exits 3 when a cluster is left behind, naming it', async () => {
    await world.cluster(EU)!.setFault({ fault: 'down' });
    try {
      await waitFor(
        'the agent to see the cluster Offline',
        async () => (await statusOf()).clusters.find((c) => c.cluster === EU)?.health === 'Offline',
        { timeoutMs: 20_000 },
      );
      const r = await cli(['reconcile', '--agent', url(), '--wait']);
      assert.equal(r.code, 3, `${r.out}${r.err}`);
      assert.match(r.err, new RegExp(`cluster ${EU} does not hold this commit: `));
      const status = await cli(['status', '--agent', url()]);
      assert.match(status.out, new RegExp(`^ {2}${EU}\\s+Offline\\s+last probe `, 'm'));
    } finally {
      await world.cluster(EU)!.setFault({ fault: 'up' });
    }
  });

  test('from another address the trigger token is needed: 401 without, 403 wrong, never printed', async (t) => {
    const address = externalAddress();
    if (!address) {
      t.skip('this host has no non-loopback IPv4 address: every caller is local to the agent');
      return;
    }
    const remote = `http://${address}:${port()}`;
    // Reading the status needs no token; the actions do.
    assert.equal((await cli(['status', '--agent', remote])).code, 0);
    const none = await cli(['suspend', '--agent', remote]);
    assert.equal(none.code, 1);
    assert.match(
      none.err,
      /refused the request: 401 Unauthorized .*pass its trigger token with --token-env or --token-file/,
    );
    const wrong = await cli(['suspend', '--agent', remote, '--token-env', 'AGENT_TOKEN'], {
      AGENT_TOKEN: 'not-the-token',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /refused the request: 403 Forbidden \(the trigger token does not match\)/);
    const unset = await cli(['suspend', '--agent', remote, '--token-env', 'NO_SUCH_VAR']);
    assert.equal(unset.code, 1);
    assert.match(unset.err, /--token-env NO_SUCH_VAR: the environment variable is not set or empty/);
    assert.deepEqual((await statusOf()).state.suspensions, [], 'nothing refused was done');

    const right = await cli([
      'suspend',
      '--agent',
      remote,
      '--token-file',
      join(dir, 'token'),
      '--reason',
      'remote',
    ]);
    assert.equal(right.code, 0, right.err);
    const back = await cli(['resume', '--agent', remote, '--token-env', 'AGENT_TOKEN'], {
      AGENT_TOKEN: TOKEN,
    });
    assert.equal(back.code, 0, back.err);
    for (const r of [none, wrong, unset, right, back]) {
      assert.doesNotMatch(r.out + r.err, new RegExp(TOKEN));
      assert.doesNotMatch(r.out + r.err, /not-the-token/);
    }
    assert.deepEqual((await statusOf()).state.suspensions, []);
  });
});

test('no agent at the URL: "no agent answers at <url> (ECONNREFUSED)", exit 6, for every client', async () => {
  const free = await new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => done(p));
    });
  });
  const at = `http://127.0.0.1:${free}`;
  for (const args of [['status'], ['reconcile', '--wait'], ['suspend'], ['resume']]) {
    const r = await cli([...args, '--agent', `${at}/`]);
    assert.equal(r.code, 6, `${args[0]}: ${r.err}`);
    assert.equal(r.err, `fedsync ${args[0]}: no agent answers at ${at} (ECONNREFUSED)\n`);
  }
  const bad = await cli(['suspend', '--agent', 'localhost:8080']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--agent must be an http\(s\) URL/);
});
