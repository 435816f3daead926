// The operator's tenancy policy from outside the repository (--policy-file or FEDSYNC_POLICY_FILE):
// validate enforces it on top of the repository's and prints the policy in force.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validate } from '../../src/cli/commands/validate.js';
import { loadRepo } from '../../src/source/load-repo.js';
import { formatProblem } from '../../src/model/index.js';
import { tempDir, writeFiles } from '../helpers/git.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let repo: string;
let policy: string;

before(async () => {
  tmp = await tempDir();
  repo = join(tmp.path, 'repo');
  await writeFiles(repo, {
    'fedsync.yaml':
      'apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata: {name: f}\nspec:\n  policy:\n    tenancy: {namespaces: {allow: ["*"]}}\n',
    'clusters/a.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: shop\n',
  });
  policy = join(tmp.path, 'policy.yaml');
  await writeFile(
    policy,
    'apiVersion: fedsync.io/v1alpha1\nkind: TenancyPolicy\nmetadata: {name: platform}\nspec:\n  namespaces: {allow: [team-*]}\n',
  );
});
after(() => tmp.remove());

async function capture(opts: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await validate({ repo, cacheDir: join(tmp.path, 'cache'), output: 'text', ...opts });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

test('--policy-file: the repository cannot allow what the operator does not', async () => {
  const r = await capture({ policyFile: policy });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(
    r.stdout,
    `cm.yaml:5: ConfigMap/shop/c: namespace shop is not allowed (namespaces.allow: team-*, by the operator policy (${policy}:2))`,
  );
});

test('without it the repository policy alone is in force, and validate prints it', async () => {
  const r = await capture({});
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^policy in force \(repository fedsync\.yaml:6\):$/m);
  assert.match(r.stdout, /^ {2}namespaces: allow \*$/m);
  assert.match(r.stdout, /^ {2}cluster-scoped kinds: none allowed$/m);
  const json = await capture({ output: 'json' });
  const body = JSON.parse(json.stdout) as { summary: { policy: { effective: unknown; layers: unknown[] } } };
  assert.equal(body.summary.policy.layers.length, 1);
  assert.deepEqual(body.summary.policy.effective, {
    namespaces: { allow: ['*'], deny: [] },
    kinds: { allow: ['*/*'], deny: [] },
    clusterScoped: { allow: [] },
    systemNamespaces: { allow: [] },
  });
});

test('FEDSYNC_POLICY_FILE names it when the flag is not given', async () => {
  const loaded = await loadRepo({ repo, env: { FEDSYNC_POLICY_FILE: policy } });
  assert.ok(!loaded.ok);
  assert.match(formatProblem(loaded.problems[0]!), /namespace shop is not allowed .*by the operator policy/);
  // The flag wins over the environment.
  await assert.rejects(
    loadRepo({ repo, policyFile: join(tmp.path, 'absent.yaml'), env: { FEDSYNC_POLICY_FILE: policy } }),
    /cannot read the tenancy policy file .*absent\.yaml \(ENOENT\)/,
  );
});

test('a policy file that cannot be read fails the read (exit 2), naming it', async () => {
  const absent = join(tmp.path, 'absent.yaml');
  const r = await capture({ policyFile: absent });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `fedsync: cannot read the tenancy policy file ${absent} (ENOENT)`);
});
