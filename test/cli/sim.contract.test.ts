// `fedsync sim ctl` and `fedsync sim stats` against a world started in this process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStats } from '../../src/cli/commands/sim.js';
import type { CounterSnapshot } from '../../src/sim/kube/counters.js';
import { startWorld, type RunningWorld } from '../../src/sim/run-world.js';
import { parseWorld } from '../../src/sim/world.js';

let world: RunningWorld;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-cli-sim-'));
  world = await startWorld({
    world: parseWorld(
      'apiVersion: fedsync.io/v1alpha1\nkind: World\nmetadata: {name: c}\nclusters:\n  - {name: one, region: r, zone: r-a, nodes: 1}\n',
    ),
    outDir: dir,
  });
});
after(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});

function fedsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/fedsync.js', ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('sim ctl switches a fault on a running world; an unknown cluster or a world that is not running exits 1', async () => {
  const r = await fedsync(['sim', 'ctl', '--out', dir, 'one', 'errors', '0.5', '429']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(world.cluster('one')?.faults(), {
    down: false,
    hang: false,
    errorRate: 0.5,
    errorCode: 429,
    latencyMs: 0,
  });
  await world.cluster('one')?.setFault({ fault: 'up' });
  const unknown = await fedsync(['sim', 'ctl', '--out', dir, 'two', 'down']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no cluster two/);
  const notRunning = await fedsync(['sim', 'ctl', '--out', join(dir, 'elsewhere'), 'one', 'down']);
  assert.equal(notRunning.code, 1);
  assert.match(notRunning.stderr, /no running world/);
});

test('sim stats prints the request counters, as JSON on request', async () => {
  await fetch(`${world.cluster('one')?.url}/api/v1/namespaces`, {
    headers: { authorization: `Bearer ${world.cluster('one')?.token}` },
  });
  const r = await fedsync(['sim', 'stats', '--out', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const stats = JSON.parse(r.stdout) as {
    clusters: Record<
      string,
      { reads: number; writes: number; byVerb: Record<string, Record<string, number>> }
    >;
  };
  assert.equal(stats.clusters.one?.byVerb.list?.namespaces, 1);
  assert.equal(stats.clusters.one?.writes, 0);
  const text = formatStats(stats.clusters as unknown as Record<string, CounterSnapshot>);
  assert.match(text, /^CLUSTER\s+READS\s+WRITES/);
  assert.match(text, /one list namespaces: 1/);
});
