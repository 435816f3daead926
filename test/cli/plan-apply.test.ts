// `fedsync plan` and `fedsync apply` against a simulated world (--sim), clusters and load balancer:
// plan exits 2 with changes, apply converges (exit 0, the load balancer's IP, a summary line), plan
// exits 0 afterwards; -o json; status shows the load balancer; errors exit 1.
import { after, afterEach, before, test } from 'node:test';
import { runClusterCli } from '../helpers/cli.js';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { startDemoWorld } from '../helpers/demo-world.js';

let world: RunningWorld;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-cli-'));
  world = await startDemoWorld(join(dir, 'sim'));
});
after(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

function cli(args: string[], isTTY = false) {
  return runClusterCli(args, {
    cacheDir: join(dir, 'cache'),
    now: () => new Date('2026-01-01T00:00:00Z'),
    isTTY,
  });
}

const sim = (): string[] => ['--repo', 'fixtures/repos/demo', '--sim', join(dir, 'sim')];

test('plan shows the changes and exits 2; json and markdown render the same plan', async () => {
  const text = await cli(['plan', ...sim()]);
  assert.equal(text.code, 2, text.err);
  // 12 member objects, 13 Google Cloud resources created and their 3 instance groups filled.
  assert.match(text.out, /Plan: 25 to add, 3 to change, 0 to destroy\./);
  assert.match(
    text.out,
    /^load balancer \(project fedsync-demo\):\n {2}\+ addresses\/k8s-fw-default-myingress--/m,
  );
  assert.doesNotMatch(text.out, /RkFLRS1ERU1P/, 'no Secret value printed');
  assert.doesNotMatch(text.out, /PRIVATE KEY/, 'no key material printed');
  const json = await cli(['plan', ...sim(), '-o', 'json']);
  assert.equal(json.code, 2);
  assert.doesNotMatch(json.out, /PRIVATE KEY/);
  const targets = (JSON.parse(json.out) as { targets: { kind: string; name: string }[] }).targets;
  assert.deepEqual(
    targets.map((t) => `${t.kind} ${t.name}`),
    [
      'cluster gce-asia-east1a',
      'cluster gce-europe-west1b',
      'cluster gce-us-central1c',
      'loadBalancer fedsync-demo',
    ],
  );
  // --no-load-balancer: the member clusters only (no Google Cloud access needed).
  const clustersOnly = await cli(['plan', ...sim(), '--no-load-balancer', '-o', 'json']);
  assert.equal(clustersOnly.code, 2);
  assert.deepEqual(
    (JSON.parse(clustersOnly.out) as { targets: { kind: string }[] }).targets.map((t) => t.kind),
    ['cluster', 'cluster', 'cluster'],
  );
  const md = await cli(['plan', ...sim(), '-o', 'markdown']);
  assert.match(md.out, /^### fedsync plan/);
});

test('apply converges with progress on a terminal and a summary line; plan then exits 0', async () => {
  const applied = await cli(['apply', ...sim()], true);
  assert.equal(applied.code, 0, applied.err);
  assert.match(applied.out, /\+ ReplicaSet\/default\/nginx@gce-asia-east1a/);
  assert.match(
    applied.out,
    /\+ urlMaps\/k8s-um-default-myingress--[0-9a-f]{16} \(load balancer fedsync-demo\)/,
  );
  assert.match(applied.out, /^Load balancer default\/myingress: \d+\.\d+\.\d+\.\d+; gce-asia-east1a /m);
  assert.match(
    applied.out,
    /Apply [^:]+: 25 created, 3 updated, .* in 3 clusters and 1 load balancer; converged\.\n$/,
  );
  const again = await cli(['apply', ...sim(), '-o', 'json']);
  assert.equal(again.code, 0);
  const outcome = JSON.parse(again.out) as {
    counts: { unchanged: number };
    targets: { kind: string; loadBalancers?: { ip?: string }[] }[];
  };
  assert.equal(outcome.counts.unchanged, 25);
  assert.match(
    outcome.targets.find((t) => t.kind === 'loadBalancer')?.loadBalancers?.[0]?.ip ?? '',
    /^\d+\./,
  );
  const plan = await cli(['plan', ...sim()]);
  assert.equal(plan.code, 0, plan.out);
});

test('status shows each object per cluster with the summed replicas; an Unreachable cluster is unknown', async () => {
  const text = await cli(['status', ...sim()]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^ReplicaSet\/default\/nginx {2}replicas \d\/9 ready$/m);
  assert.match(text.out, /^ {2}gce-asia-east1a {4}Ready {4}\d\/4 ready {2}(up to date|rolling out)$/m);
  assert.match(text.out, /^Ingress\/default\/myingress\n {2}gce-asia-east1a {4}Ready {4}present$/m);
  assert.match(text.out, /^Load balancer Ingress\/default\/myingress {2}IP \d+\.\d+\.\d+\.\d+$/m);
  assert.match(text.out, /^ {2}gce-europe-west1b +europe-west1-b +HEALTHY +k8s-be-30036--[0-9a-f]{16}$/m);
  assert.match(text.out, /^ {2}urlMaps\/k8s-um-default-myingress--[0-9a-f]{16}$/m);
  const json = JSON.parse((await cli(['status', ...sim(), '-o', 'json'])).out) as {
    objects: { subject: string; replicas?: { desired: number } }[];
    loadBalancers: { ingress: string; ip?: string; backends: { cluster: string }[] }[];
  };
  assert.equal(json.objects.find((v) => v.subject === 'ReplicaSet/default/nginx')?.replicas?.desired, 9);
  assert.equal(json.loadBalancers[0]?.ingress, 'default/myingress');
  assert.deepEqual(
    json.loadBalancers[0]?.backends.map((b) => b.cluster),
    ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'],
  );
  await world.cluster('gce-europe-west1b')!.setFault({ fault: 'down' });
  try {
    const down = await cli(['status', ...sim()]);
    assert.match(down.out, /^ {2}gce-europe-west1b {2}Unreachable {2}unknown$/m);
  } finally {
    await world.cluster('gce-europe-west1b')!.setFault({ fault: 'up' });
  }
});

test('errors exit 1: a repository with problems, a missing world, a bad -o', async () => {
  const bad = await cli(['plan', '--repo', 'fixtures/repos/bad/bad-yaml', '--sim', join(dir, 'sim')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /nothing planned/);
  const badApply = await cli(['apply', '--repo', 'fixtures/repos/bad/bad-yaml', '--sim', join(dir, 'sim')]);
  assert.equal(badApply.code, 1);
  assert.match(badApply.out, /failed before anything was applied/);
  await assert.rejects(
    cli(['plan', '--repo', 'fixtures/repos/demo', '--sim', join(dir, 'nowhere')]),
    /no running world/,
  );
  await assert.rejects(cli(['plan', ...sim(), '-o', 'yaml']), /-o must be one of/);
});
