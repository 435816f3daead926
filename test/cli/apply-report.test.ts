// `fedsync apply` and `fedsync plan --preview` report into Git: the demo repository is served by a
// real Git server (git http-backend), the clusters are the simulated demo world, and commit statuses
// go to a local server holding the GitHub statuses contract, driven by the real @octokit/rest client.
// A real `git clone` reads the status branch back, with every cluster and the load balancer (its IP,
// the Compute resources' names, backend health per cluster: Google Cloud is simulated too); a second apply of the same commit adds no commit
// and posts no status; drift shows up under drift/; a rejected push never fails the apply; no Secret
// value reaches the branch or a status.
import { after, afterEach, before, test } from 'node:test';
import { runClusterCli } from '../helpers/cli.js';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { startGitServer } from '../helpers/git-server.js';
import type { GitServer } from '../helpers/git-server.js';
import { createRepo, git, tempDir } from '../helpers/git.js';
import { startGitHubServer } from '../report/helpers/forge-server.js';
import type { ForgeServer } from '../report/helpers/forge-server.js';
import { repoFileMap } from '../helpers/repo-files.js';
import { driftDemoCluster } from '../helpers/demo-drift.js';
import { startDemoWorld } from '../helpers/demo-world.js';

const TOKEN = 'forge-token-for-the-test-0001';
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
/** A line of the private key in the demo repository's Secret, and the live value a drift brings. */
let secretLines: string[];
const LIVE_SECRET = 'cGFzdGVkLWxpdmUtdmFsdWU=';

let world: RunningWorld;
let tmp: { path: string; remove: () => Promise<void> };
let server: GitServer;
let forge: ForgeServer;
let repo: Awaited<ReturnType<typeof createRepo>>;
let url: string;

before(async () => {
  tmp = await tempDir('fedsync-apply-report-');
  const files = await repoFileMap('fixtures/repos/demo');
  const key = /-----BEGIN PRIVATE KEY-----\n([\s\S]*?)-----END PRIVATE KEY-----/.exec(
    files['myingress.yaml'] ?? '',
  )?.[1];
  assert.ok(key, 'the demo repository holds a TLS key');
  secretLines = key
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 40);
  repo = await createRepo(tmp.path, 'demo', files);
  server = await startGitServer(tmp.path);
  url = `${server.url}/demo.git`;
  forge = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'demo' });
  await writeFile(join(tmp.path, 'forge-token'), `${TOKEN}\n`);
  world = await startDemoWorld(join(tmp.path, 'sim'));
});
after(async () => {
  await world?.stop();
  await forge?.stop();
  await server?.stop();
  await tmp?.remove();
});
afterEach(() => {
  process.exitCode = undefined;
});

function cli(args: string[]) {
  return runClusterCli(args, {
    cacheDir: join(tmp.path, 'cache', 'git'),
    now: () => new Date('2026-05-02T10:00:00Z'),
  });
}

const forgeFlags = (): string[] => [
  '--forge',
  'github',
  '--forge-repo',
  'acme/demo',
  '--forge-url',
  forge.url,
  '--forge-web-url',
  'https://github.example',
  '--forge-token-file',
  join(tmp.path, 'forge-token'),
];
const target = (): string[] => ['--repo', url, '--sim', join(tmp.path, 'sim'), ...forgeFlags()];

/** A fresh clone of the status branch with the git CLI, as a person would read it. */
async function cloneStatus(): Promise<{ dir: string; files: Record<string, string> }> {
  const dir = await tempDir('fedsync-status-clone-');
  await git(dir.path, 'clone', '-q', '--branch', 'fedsync/status', url, 'status');
  const work = join(dir.path, 'status');
  const files = await repoFileMap(work);
  delete files['.git'];
  for (const k of Object.keys(files)) if (k.startsWith('.git/')) delete files[k];
  return { dir: work, files };
}

function assertNoSecret(texts: Record<string, string> | string[], where: string): void {
  for (const [name, text] of Object.entries(texts)) {
    for (const line of secretLines) assert.ok(!text.includes(line), `${where} ${name} holds a key line`);
    assert.ok(!text.includes(LIVE_SECRET), `${where} ${name} holds the live Secret value`);
    assert.ok(!text.includes(TOKEN), `${where} ${name} holds the forge token`);
  }
}

/** A member Ingress's annotations, read with @kubernetes/client-node. */
async function ingressAnnotations(cluster: string): Promise<Record<string, string>> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(world.files!.kubeconfig);
  kc.setCurrentContext(cluster);
  const ing = await kc
    .makeApiClient(k8s.NetworkingV1Api)
    .readNamespacedIngress({ name: 'myingress', namespace: 'default' });
  return ing.metadata?.annotations ?? {};
}

const statusesOf = (sha: string) => forge.statuses.get(sha) ?? [];
const latest = (sha: string, context: string) => statusesOf(sha).find((s) => s.context === context);

test('apply writes the status branch and commit statuses; a git clone reads them back', async () => {
  const sha = await git(repo.work, 'rev-parse', 'HEAD');
  const applied = await cli(['apply', ...target()]);
  assert.equal(applied.code, 0, applied.err);
  assert.equal(applied.err, '');
  assert.match(applied.out, /^status branch fedsync\/status: committed [0-9a-f]{12} for /m);

  const { dir, files } = await cloneStatus();
  assert.equal(await git(dir, 'rev-list', '--count', 'HEAD'), '1');
  assert.match(await git(dir, 'log', '-1', '--format=%s'), new RegExp(sha.slice(0, 12)));
  assert.match(await git(dir, 'log', '-1', '--format=%B'), new RegExp(`^Fedsync-Source: ${sha}$`, 'm'));
  await git(dir, 'fsck', '--strict', '--no-dangling');
  await assert.rejects(git(dir, 'merge-base', 'origin/main', 'HEAD'), 'an orphan branch');
  const readme = files['README.md'] ?? '';
  for (const name of CLUSTERS) {
    assert.match(readme, new RegExp(`cluster \`${name}\` \\| ✅ Synced \\| \`${sha.slice(0, 12)}\``));
    const cluster = JSON.parse(files[`clusters/${name}.json`] ?? '{}') as { appliedSha?: string };
    assert.equal(cluster.appliedSha, sha);
    assert.match(files[`inventory/${name}.txt`] ?? '', /^apps\/ReplicaSet\/default\/nginx$/m);
  }
  assert.equal((JSON.parse(files['status.json'] ?? '{}') as { state?: string }).state, 'Synced');

  // The load balancer, as `git show` (the real git) reads it: its row with the IP the apply gave the
  // Ingress, and the describe page naming the Compute resources the member Ingresses carry.
  const ip = /^Load balancer default\/myingress: (\d+\.\d+\.\d+\.\d+);/m.exec(applied.out)?.[1];
  assert.ok(ip, applied.out);
  const shown = await git(repo.bare, 'show', 'fedsync/status:README.md');
  assert.match(
    shown,
    new RegExp(
      `^\\| load balancer \`default/myingress\` \\| ✅ Synced \\| \`${sha.slice(0, 12)}\` \\| 0 \\| \`${ip.replace(/\./g, '\\.')}\` \\|`,
      'm',
    ),
  );
  for (const name of CLUSTERS) assert.match(shown, new RegExp(`^\\| cluster \`${name}\` \\| ✅ Synced`, 'm'));
  const page = await git(repo.bare, 'show', 'fedsync/status:loadbalancers/default-myingress.md');
  assert.match(page, new RegExp(`^IP: +${ip.replace(/\./g, '\\.')}$`, 'm'));
  const annotations = await ingressAnnotations(CLUSTERS[0]!);
  for (const key of ['forwarding-rule', 'target-proxy', 'url-map', 'https-forwarding-rule', 'ssl-cert']) {
    const name = annotations[`ingress.kubernetes.io/${key}`];
    assert.ok(name, `annotation ${key}`);
    assert.ok(page.includes(`\`${name}\``), `${key} ${name} on the describe page`);
  }
  for (const name of CLUSTERS)
    assert.match(page, new RegExp(`^\\| ${name} \\| (Healthy|Unhealthy|Unknown)[^|]* \\|`, 'm'));
  assert.match(files['.gitattributes'] ?? '', /\*\.json.*linguist-generated/);
  assertNoSecret(files, 'status branch file');

  // Commit statuses: pending when picked up, then success, per cluster and rolled up.
  assert.deepEqual(forge.violations, []);
  const statusCommit = await git(dir, 'rev-parse', 'HEAD');
  for (const context of ['fedsync', ...CLUSTERS.map((c) => `fedsync/${c}`)]) {
    const mine = statusesOf(sha).filter((s) => s.context === context);
    assert.deepEqual(
      mine.map((s) => s.state),
      ['success', 'pending'],
      `${context}: pending, then success (newest first)`,
    );
    assert.ok((mine[0]?.description.length ?? 0) <= 140);
  }
  assert.match(
    latest(sha, 'fedsync/gce-asia-east1a')?.target_url ?? '',
    new RegExp(`^https://github\\.example/acme/demo/blob/${statusCommit}/clusters/gce-asia-east1a\\.json$`),
  );
  assertNoSecret(
    statusesOf(sha).map((s) => JSON.stringify(s)),
    'commit status',
  );
});

test('a second apply of the same commit adds no commit and posts no status', async () => {
  const before = await git(repo.bare, 'rev-parse', 'fedsync/status');
  const posts = forge.posts();
  const again = await cli(['apply', ...target()]);
  assert.equal(again.code, 0, again.err);
  assert.doesNotMatch(again.out, /committed|posted/);
  assert.equal(await git(repo.bare, 'rev-parse', 'fedsync/status'), before);
  assert.equal(forge.posts(), posts, 'no POST to the forge');
});

test('a scaled ReplicaSet and an edited Secret show up under drift/, values of the Secret hidden', async () => {
  const sha = await git(repo.work, 'rev-parse', 'HEAD');
  driftDemoCluster(world.cluster('gce-us-central1c')!, { tlsKey: LIVE_SECRET });
  const applied = await cli(['apply', ...target()]);
  assert.equal(applied.code, 0, applied.err);
  const { files } = await cloneStatus();
  const drift = files['drift/gce-us-central1c.md'] ?? '';
  assert.match(drift, /ReplicaSet/);
  assert.match(drift, /spec\.replicas/);
  assert.match(drift, /corrected/);
  assert.match(drift, /Secret/);
  assert.match(drift, /value hidden/);
  assertNoSecret(files, 'status branch file');
  assertNoSecret(
    statusesOf(sha).map((s) => JSON.stringify(s)),
    'commit status',
  );

  // Corrected drift is listed once; the next apply finds everything as Git has it, and drops it.
  const next = await cli(['apply', ...target()]);
  assert.equal(next.code, 0, next.err);
  const after = await cloneStatus();
  assert.equal(after.files['drift/gce-us-central1c.md'], undefined);
  assert.match(after.files['README.md'] ?? '', /cluster `gce-us-central1c` \| ✅ Synced/);
});

test('plan --preview writes previews/<sha>.md and a fedsync/plan status; nothing is applied', async () => {
  const main = await git(repo.work, 'rev-parse', 'HEAD');
  const rs = await readFile(join(repo.work, 'myreplicaset.yaml'), 'utf8');
  await writeFile(join(repo.work, 'myreplicaset.yaml'), rs.replace('image: nginx:1.27', 'image: nginx:1.28'));
  await git(repo.work, 'commit', '-q', '-am', 'nginx 1.28');
  const head = await git(repo.work, 'rev-parse', 'HEAD');
  await git(repo.work, 'push', '-q', 'origin', 'HEAD:refs/pull/7/head');
  await git(repo.work, 'reset', '-q', '--hard', main);

  const preview = await cli(['plan', ...target(), '--ref', 'refs/pull/7/head', '--preview']);
  assert.equal(preview.code, 2, preview.err);
  const markdown = await cli(['plan', ...target(), '--ref', 'refs/pull/7/head', '-o', 'markdown']);
  const { files } = await cloneStatus();
  assert.equal(files[`previews/${head}.md`], markdown.out, 'the page is what plan -o markdown prints');
  assert.match(files['README.md'] ?? '', new RegExp(`previews/${head}\\.md`));
  const plan = latest(head, 'fedsync/plan');
  assert.equal(plan?.state, 'success');
  assert.match(plan?.description ?? '', /0 to add, 3 to change, 0 to destroy/);
  assert.equal(statusesOf(head).length, 1, 'only the plan status on a preview');
  assertNoSecret(files, 'status branch file');

  // Read-only: the clusters still run main, so a plan of main changes nothing.
  const still = await cli(['plan', ...target(), '--no-report']);
  assert.equal(still.code, 0, still.out);
});

test('--no-report writes nothing; a rejected push is said on stderr and the apply still converges', async () => {
  const before = await git(repo.bare, 'rev-parse', 'fedsync/status');
  const posts = forge.posts();
  const sim = world.cluster('gce-asia-east1a')!;
  const scale = () =>
    sim.api.patch(
      sim.resource('apps/v1', 'ReplicaSet'),
      'default',
      'nginx',
      { type: 'application/merge-patch+json', body: JSON.stringify({ spec: { replicas: 1 } }) },
      { fieldManager: 'kubectl' },
    );
  scale();
  const off = await cli(['apply', ...target(), '--no-report']);
  assert.equal(off.code, 0, off.err);
  assert.equal(await git(repo.bare, 'rev-parse', 'fedsync/status'), before);
  assert.equal(forge.posts(), posts);

  const hook = join(repo.bare, 'hooks', 'pre-receive');
  await writeFile(
    hook,
    '#!/bin/sh\nwhile read old new ref; do\n  case "$ref" in refs/heads/fedsync/*) echo "status branch is protected" >&2; exit 1;; esac\ndone\n',
  );
  await chmod(hook, 0o755);
  try {
    scale();
    const rejected = await cli(['apply', ...target()]);
    assert.equal(rejected.code, 0, 'the reconcile converged; the report is not part of the exit code');
    assert.match(rejected.err, /status branch fedsync\/status: not written: .*rejected/);
    assert.match(rejected.out, /converged\.\n$/);
    assert.equal(await git(repo.bare, 'rev-parse', 'fedsync/status'), before);
  } finally {
    await writeFile(hook, '#!/bin/sh\nexit 0\n');
  }
});
