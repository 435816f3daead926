import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { loadAll } from 'js-yaml';
import { registerRender } from '../../src/cli/commands/render.js';
import { ok, failed } from '../../src/model/index.js';
import type { FederationRepo, KubeObject } from '../../src/model/index.js';
import { renderCluster } from '../../src/plan/render-cluster.js';
import { deployment, fedObject, namespace, registration, repo, secret } from '../helpers/federation.js';

const run = promisify(execFile);

function demo(): FederationRepo {
  return repo({
    clusters: [registration('asia', { region: 'asia' }), registration('europe', { region: 'europe' })],
    objects: [
      fedObject(deployment('shop', 'web'), {
        replicaScheduling: {
          totalReplicas: 6,
          rebalance: false,
          clusters: { asia: { minReplicas: 0, weight: 2 }, '*': { minReplicas: 0, weight: 1 } },
        },
      }),
      fedObject(namespace('shop')),
      fedObject(secret('shop', 'db', { password: 'hunter2' })),
      fedObject(namespace('asia-only'), { placement: { selector: { matchLabels: { region: 'asia' } } } }),
    ],
  });
}

async function cli(args: string[], load = () => Promise.resolve(ok(demo()))) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('fedsync').exitOverride();
  registerRender(program, { loadRepo: load, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  await program.parseAsync(['node', 'fedsync', 'render', ...args]);
  return { out: out.join(''), err: err.join(''), code: process.exitCode ?? 0 };
}

afterEach(() => {
  process.exitCode = undefined;
});

test('renderCluster: objects for one cluster in apply order, replicas spread by the preferences', () => {
  const asia = renderCluster(demo(), 'asia').objects;
  const europe = renderCluster(demo(), 'europe').objects;
  assert.deepEqual(
    asia.map((o) => `${o.kind}/${o.metadata.name}`),
    ['Namespace/asia-only', 'Namespace/shop', 'Secret/db', 'Deployment/web'],
  );
  assert.deepEqual(
    europe.map((o) => `${o.kind}/${o.metadata.name}`),
    ['Namespace/shop', 'Secret/db', 'Deployment/web'],
  );
  const replicas = (objs: KubeObject[]) =>
    (objs.find((o) => o.kind === 'Deployment')!.spec as { replicas: number }).replicas;
  assert.equal(replicas(asia), 4);
  assert.equal(replicas(europe), 2);
});

test('fedsync render prints YAML documents with Secret values masked', async () => {
  const { out, err, code } = await cli(['--repo', 'r', '--cluster', 'asia', '--ref', 'main']);
  assert.equal(code, 0);
  assert.equal(err, '');
  const docs = loadAll(out) as KubeObject[];
  assert.equal(docs.length, 4);
  assert.ok(!out.includes('hunter2') && !out.includes(Buffer.from('hunter2').toString('base64')));
  assert.equal(docs[3]!.metadata.annotations?.['fedsync.io/source'], 'apps/web.yaml@main');
});

test('fedsync render names the commit the loader resolved in the source annotation', async () => {
  const { out } = await cli(['--repo', 'r', '--cluster', 'europe', '--ref', 'main'], () =>
    Promise.resolve({ ...ok(demo()), revision: { sha: 'f'.repeat(40), ref: 'main' } }),
  );
  const docs = loadAll(out) as KubeObject[];
  assert.equal(docs.at(-1)!.metadata.annotations?.['fedsync.io/source'], `apps/web.yaml@${'f'.repeat(40)}`);
});

test('fedsync render for an unknown cluster fails with a message', async () => {
  const { out, err, code } = await cli(['--repo', 'r', '--cluster', 'mars']);
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.match(err, /cluster mars is not registered/);
});

test('fedsync render reports repository problems and exits 1', async () => {
  const { err, code } = await cli(['--repo', 'r', '--cluster', 'asia'], () =>
    Promise.resolve(
      failed([
        {
          code: 'yaml.parse',
          severity: 'error',
          message: 'bad indentation',
          source: { file: 'apps/x.yaml', line: 3 },
        },
      ]),
    ),
  );
  assert.equal(code, 1);
  assert.equal(err, 'apps/x.yaml:3: bad indentation\n');
});

test('fedsync render on the demo repository spreads the ReplicaSet by its preferences', async () => {
  const replicas: Record<string, number> = {};
  for (const cluster of ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c']) {
    const { stdout } = await run(process.execPath, [
      'bin/fedsync.js',
      'render',
      '--repo',
      'fixtures/repos/demo',
      '--cluster',
      cluster,
    ]);
    assert.match(stdout, /kind: Ingress/);
    assert.match(stdout, /nodePort: 30036/);
    assert.doesNotMatch(stdout, /BEGIN (CERTIFICATE|PRIVATE KEY)/);
    const rs = stdout.split('\n---\n').find((d) => d.includes('kind: ReplicaSet'));
    replicas[cluster] = Number(/\n {2}replicas: (\d+)/.exec(rs ?? '')?.[1]);
  }
  assert.equal(
    Object.values(replicas).reduce((a, b) => a + b, 0),
    9,
    `demo replicas: ${JSON.stringify(replicas)}`,
  );
});
