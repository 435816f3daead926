import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validate } from '../../src/cli/commands/validate.js';
import { createRepo, git, tempDir } from '../helpers/git.js';

const run = promisify(execFile);

/** Runs `fedsync validate` in-process, capturing what it prints. */
async function validateCapture(args: { repo: string; ref?: string; output?: string; cacheDir?: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await validate({
      output: 'text',
      cacheDir: '.fedsync/cache/git',
      gitAuth: 'basic',
      ...args,
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Each bad repository under fixtures/repos/bad and the line `fedsync validate` must print for it. */
const BAD: Record<string, RegExp> = {
  'bad-yaml': /^app\.yaml:7: invalid YAML: deficient indentation$/m,
  'yaml-bomb':
    /^bomb\.yaml:\d+: document expands to more than 100000 nodes \(alias bomb\?\); refusing to load it$/m,
  'deep-nesting': /^deep\.yaml:4: invalid YAML: nesting exceeded maxDepth \(64\)$/m,
  'duplicate-objects':
    /^web\.yaml:4: Service\/default\/web: defined twice; first at apps\/web-again\.yaml:3/m,
  'unknown-field': /^fedsync\.yaml:7: Federation\/typo: unknown field spec\.policy\.selfheal/m,
  'invalid-preferences':
    /^rs\.yaml:6: ReplicaSet\/default\/nginx: annotation federation\.kubernetes\.io\/replica-set-preferences is not valid JSON/m,
  'symlink-outside': /^passwd\.yaml:1: symlink points outside the repository/m,
  'unknown-cluster':
    /^rs\.yaml:6: ReplicaSet\/default\/nginx: placement names cluster "gce-mars-north1a", which is not registered in clusters\//m,
  'ingress-backend-missing':
    /^ingress\.yaml:6: Ingress\/default\/web: backend names Service default\/nginx, which is not in the repository/m,
  'nodeport-range':
    /^svc\.yaml:9: Service\/default\/nginx: spec\.ports\[0\]\.nodePort: must be in 30000-32767$/m,
};

describe('fedsync validate on the bad corpus', () => {
  for (const [name, expected] of Object.entries(BAD)) {
    test(`${name}: exits 1 and prints file:line: message`, async () => {
      const r = await validateCapture({ repo: `fixtures/repos/bad/${name}` });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, expected);
      assert.ok(!r.stdout.includes('root:'), 'nothing from outside the repository is printed');
    });
  }

  test('oversized-file (generated): exits 1 naming the file', async () => {
    const tmp = await tempDir();
    try {
      await cp('fixtures/repos/bad/nodeport-range/clusters', join(tmp.path, 'clusters'), { recursive: true });
      await writeFile(join(tmp.path, 'huge.yaml'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
      const r = await validateCapture({ repo: tmp.path });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^huge\.yaml:1: file is \d+ bytes, over the limit of 1048576 bytes; split it$/m);
    } finally {
      await tmp.remove();
    }
  });
});

describe('fedsync validate on good repositories', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => {
    await tmp.remove();
  });

  test('the demo repository exits 0 (real CLI process)', async () => {
    const { stdout } = await run(process.execPath, [
      'bin/fedsync.js',
      'validate',
      '--repo',
      'fixtures/repos/demo',
    ]);
    assert.match(stdout, /^ok: federation demo at dir-[0-9a-f]+: 3 clusters, 4 objects$/m);
  });

  test('a bad repository exits 1 from the real CLI process too', async () => {
    await assert.rejects(
      run(process.execPath, ['bin/fedsync.js', 'validate', '--repo', 'fixtures/repos/bad/unknown-field']),
      (err: { code?: number; stdout?: string }) => {
        assert.equal(err.code, 1);
        assert.match(err.stdout ?? '', /^fedsync\.yaml:7: /m);
        return true;
      },
    );
  });

  test('-o json, and --ref on a local Git repository reads that commit, not the files on disk', async () => {
    const repo = await createRepo(tmp.path, 'fed', {
      'clusters/a.yaml': 'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n',
    });
    const good = await git(repo.work, 'rev-parse', 'HEAD');
    await repo.commit('break it', {
      'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, unknownNamespace: 1}\nbad: [\n',
    });
    const atGood = await validateCapture({ repo: repo.work, ref: good, output: 'json' });
    assert.equal(atGood.code, 0);
    const body = JSON.parse(atGood.stdout) as {
      ok: boolean;
      revision: { sha: string };
      summary: { clusters: number };
    };
    assert.equal(body.ok, true);
    assert.equal(body.revision.sha, good);
    assert.equal(body.summary.clusters, 1);
    const atHead = await validateCapture({ repo: repo.work, output: 'json' });
    assert.equal(atHead.code, 1);
    const bad = JSON.parse(atHead.stdout) as { problems: { source: { file: string } }[] };
    assert.equal(bad.problems[0]?.source.file, 'bad.yaml');
  });

  test('an unreadable repository exits 2 with a clear message', async () => {
    const r = await validateCapture({ repo: 'ssh://git@example.com/fed.git' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /repository URLs must be http\(s\); ssh is not supported/);
  });
});
