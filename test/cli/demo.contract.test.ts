// `npm start` as a newcomer runs it, in a process group of its own as a terminal gives it: it
// converges, prints where to look, its agent answers /status and /metrics, and Ctrl-C (SIGINT to
// the group) or SIGTERM stops it with nothing left behind — no process of the group, no port open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { waitFor } from '../helpers/wait-for.js';

const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];

type Demo = {
  child: ChildProcess;
  text: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

function start(command: string, args: string[]): Demo {
  // detached: the demo leads a process group, so every process it started can be found by the group.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, text: () => out, exited };
}

const guide = (demo: Demo): Promise<string> =>
  waitFor(
    'the demo to print where to look',
    () => {
      const { exitCode, signalCode } = demo.child;
      if (exitCode !== null || signalCode !== null)
        throw new Error(`exited ${exitCode ?? signalCode}: ${demo.text()}`);
      return /Ctrl-C stops the demo/.test(demo.text()) ? demo.text() : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100 },
  );

const agentUrlIn = (text: string): string => {
  const url = /on (http:\/\/127\.0\.0\.1:\d+): \/status/.exec(text)?.[1];
  assert.ok(url, text);
  return url;
};

async function refused(url: string): Promise<string> {
  try {
    const res = await fetch(url);
    return `answered ${res.status}`;
  } catch (err) {
    return String((err as { cause?: { code?: string } }).cause?.code);
  }
}

/** True once no process of the group `pgid` is left. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'ESRCH';
  }
}

/** The simulated clusters' API servers, from the kubeconfig the world wrote. */
async function clusterServers(out: string): Promise<string[]> {
  const kubeconfig = await readFile(join(out, 'kubeconfig'), 'utf8');
  const servers = [...kubeconfig.matchAll(/server: (\S+)/g)].map((m) => m[1] ?? '');
  assert.equal(servers.length, CLUSTERS.length, kubeconfig);
  return servers;
}

/** A port nothing listens on right now (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Cleanup after a failure: whatever of the demo's group is still running. */
function killGroup(demo: Demo): void {
  const pid = demo.child.pid;
  if (pid && !groupGone(pid)) process.kill(-pid, 'SIGKILL');
}

async function leftNothing(demo: Demo, urls: string[]): Promise<void> {
  const pid = demo.child.pid;
  assert.ok(pid);
  await waitFor('no process of the demo to remain', () => groupGone(pid), { timeoutMs: 30_000 });
  for (const url of urls) assert.equal(await refused(url), 'ECONNREFUSED', url);
}

test('npm start converges, serves /status and /metrics, and Ctrl-C leaves no process or port', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-contract-'));
  const out = join(dir, 'sim');
  const repoDir = join(dir, 'repo');
  const demo = start('npm', ['start', '--', '--out', out, '--repo-dir', repoDir, '--interval', '1']);
  try {
    const text = await guide(demo);
    assert.match(text, /\] Apply [0-9a-f]{12}: 25 created, .*; converged\./);
    assert.match(text, /Load balancer default\/myingress: \d+\.\d+\.\d+\.\d+/);
    const url = agentUrlIn(text);
    const status = await fetch(`${url}/status`);
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { identity: string }).identity, 'fedsync-demo');
    assert.match(await (await fetch(`${url}/metrics`)).text(), /^fedsync_reconcile_duration_seconds_count/m);
    const files = await git.listFiles({ fs, dir: repoDir, ref: 'fedsync/status' });
    for (const c of CLUSTERS) assert.ok(files.includes(`clusters/${c}.json`), files.join(' '));
    const servers = await clusterServers(out);

    // Ctrl-C in a terminal: SIGINT to the whole foreground group (npm, sh, node).
    process.kill(-(demo.child.pid ?? 0), 'SIGINT');
    await demo.exited;
    assert.match(demo.text(), /Stopping: /);
    await leftNothing(demo, [`${url}/status`, ...servers]);
  } finally {
    killGroup(demo);
    await rm(dir, { recursive: true, force: true });
  }
});

test('fedsync demo on --listen stops on SIGTERM with exit 0, its port and the world closed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-contract-'));
  const out = join(dir, 'sim');
  const port = await freePort();
  const demo = start(process.execPath, [
    'bin/fedsync.js',
    'demo',
    '--out',
    out,
    '--repo-dir',
    join(dir, 'repo'),
    '--listen',
    `127.0.0.1:${port}`,
  ]);
  try {
    const url = agentUrlIn(await guide(demo));
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const servers = await clusterServers(out);
    demo.child.kill('SIGTERM');
    assert.deepEqual(await demo.exited, { code: 0, signal: null }, demo.text());
    await leftNothing(demo, [`${url}/status`, ...servers]);
  } finally {
    killGroup(demo);
    await rm(dir, { recursive: true, force: true });
  }
});
