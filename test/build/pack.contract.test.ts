// Contract: `npm pack` gives a package that installs into an empty directory and runs with only Node
// (no tsx, no sources): `npx fedsync version`, `validate` and `plan` against a simulated world, which
// exercises the bundled dependencies (YAML, schemas, Git, the Kubernetes client).
// The install pins the checkout's locked versions and runs offline from the npm cache the checkout
// was installed from; only when that cache lacks a package does it fall back to the registry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningWorld } from '../../src/sim/run-world.js';
import { startDemoWorld } from '../helpers/demo-world.js';

type Run = { code: number; stdout: string; stderr: string };
type LockEntry = { dev?: boolean; [key: string]: unknown };
type Lock = { packages: Record<string, LockEntry> };

let dir: string;
let installDir: string;
let tarball: string;
let world: RunningWorld;

function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  const env = { ...process.env };
  delete env.FEDSYNC_ENTRY; // an installed package decides for itself (it has no sources)
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The checkout's lockfile reduced to the production tree, with fedsync itself from the tarball. */
async function installLock(tarballName: string): Promise<object> {
  const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as Lock;
  const self = lock.packages[''] as Record<string, unknown>;
  const integrity = `sha512-${createHash('sha512')
    .update(await readFile(join(installDir, tarballName)))
    .digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'fedsync-pack-contract', dependencies: { fedsync: `file:${tarballName}` } },
    'node_modules/fedsync': {
      version: self.version,
      resolved: `file:${tarballName}`,
      integrity,
      dependencies: self.dependencies,
      bin: self.bin,
      engines: self.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages))
    if (path !== '' && !entry.dev) packages[path] = entry;
  return { name: 'fedsync-pack-contract', lockfileVersion: 3, requires: true, packages };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-pack-'));
  installDir = join(dir, 'install');
  await mkdir(installDir);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', installDir], process.cwd());
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = info.filename;
  const files = info.files.map((f) => f.path);
  for (const f of ['bin/fedsync.js', 'bin/choose-entry.js', 'dist/main.js', 'package.json'])
    assert.ok(files.includes(f), `${f} is packed (${files.join(', ')})`);
  assert.deepEqual(
    files.filter((f) => /^(src|test|bench|fixtures|scripts)\//.test(f)),
    [],
    'no sources or tests in the package',
  );

  await writeFile(
    join(installDir, 'package.json'),
    `${JSON.stringify({ name: 'fedsync-pack-contract', private: true, dependencies: { fedsync: `file:${tarball}` } })}\n`,
  );
  await writeFile(join(installDir, 'package-lock.json'), `${JSON.stringify(await installLock(tarball))}\n`);
  const flags = ['--no-audit', '--no-fund', '--ignore-scripts'];
  let installed = await run('npm', ['ci', '--offline', ...flags], installDir);
  if (installed.code !== 0) {
    console.log(`# offline install failed, retrying against the registry:\n# ${installed.stderr.trim()}`);
    installed = await run('npm', ['ci', '--prefer-offline', ...flags], installDir);
  }
  assert.equal(installed.code, 0, installed.stderr);

  world = await startDemoWorld(join(dir, 'sim'));
});
after(async () => {
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('the installed package holds no sources and no tsx, and `npx fedsync version` runs', async () => {
  assert.ok(existsSync(join(installDir, 'node_modules', 'fedsync', 'dist', 'main.js')));
  assert.ok(!existsSync(join(installDir, 'node_modules', 'fedsync', 'src')), 'no sources installed');
  assert.ok(!existsSync(join(installDir, 'node_modules', 'tsx')), 'tsx is a development dependency only');
  const r = await run('npx', ['fedsync', 'version', '-o', 'json'], installDir);
  assert.equal(r.code, 0, r.stderr);
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  assert.deepEqual(JSON.parse(r.stdout), { fedsync: pkg.version, node: process.version });
});

test('the installed package validates and plans the demo federation on a simulated world', async () => {
  const repo = resolve('fixtures/repos/demo');
  const v = await run('npx', ['fedsync', 'validate', '--repo', repo], installDir);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^ok: federation demo at dir-[0-9a-f]+: 3 clusters, 4 objects$/m);

  const args = [
    'fedsync',
    'plan',
    '--repo',
    repo,
    '--sim',
    join(dir, 'sim'),
    '--cache-dir',
    join(dir, 'cache'),
  ];
  const p = await run('npx', args, installDir);
  assert.equal(p.code, 2, p.stderr);
  assert.match(p.stdout, /Plan: 25 to add, 3 to change, 0 to destroy\./);
});
