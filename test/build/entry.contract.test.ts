// bin/fedsync.js picks dist/ only while it matches the sources. A throwaway project with the real
// bin/ and scripts/build.js and a one-file CLI that prints which file it runs from: built, edited,
// touched, rebuilt, forced, and stripped down to what an installed package holds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, copyFile, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let root: string;

type Run = { code: number; stdout: string; stderr: string };

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.FEDSYNC_ENTRY; // the test runner forces the sources; these cases decide for themselves
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env: { ...base, FEDSYNC_DEBUG_ENTRY: '1', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const fedsync = (env: NodeJS.ProcessEnv = {}): Promise<Run> => run(['bin/fedsync.js', 'hello'], env);

async function build(): Promise<void> {
  const r = await run(['scripts/build.js']);
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fedsync-entry-'));
  await mkdir(join(root, 'bin'));
  await mkdir(join(root, 'scripts'));
  await mkdir(join(root, 'src', 'cli'), { recursive: true });
  for (const f of ['bin/fedsync.js', 'bin/choose-entry.js', 'scripts/build.js'])
    await copyFile(resolve(f), join(root, f));
  await symlink(resolve('node_modules'), join(root, 'node_modules'));
  await writeFile(join(root, 'package.json'), '{ "name": "entry-test", "type": "module" }\n');
  await writeFile(
    join(root, 'src', 'cli', 'main.ts'),
    [
      "import { helper } from './helper.js';",
      'export async function main(argv: string[]): Promise<number> {',
      "  const from: string = new URL(import.meta.url).pathname.split('/').slice(-2).join('/');",
      '  console.log(`${from} ${helper(argv[2] ?? "")}`);',
      '  return 0;',
      '}',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(root, 'src', 'cli', 'helper.ts'),
    'export const helper = (s: string): string => s.toUpperCase();\n',
  );
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a fresh build runs from dist/; an edit, a touch or a changed package.json runs the sources', async () => {
  await build();
  let r = await fedsync();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'dist/main.js HELLO\n');
  assert.match(r.stderr, /running dist: dist\/ is up to date/);

  await appendFile(join(root, 'src', 'cli', 'helper.ts'), '// edited\n');
  r = await fedsync();
  assert.equal(r.stdout, 'cli/main.ts HELLO\n', 'stale dist/ is not run');
  assert.match(r.stderr, /running source: src\/cli\/helper\.ts changed since the build/);

  await build();
  assert.equal((await fedsync()).stdout, 'dist/main.js HELLO\n');
  const later = new Date(Date.now() + 5_000);
  await utimes(join(root, 'src', 'cli', 'main.ts'), later, later);
  assert.equal((await fedsync()).stdout, 'cli/main.ts HELLO\n', 'a touch (branch switch) counts as a change');

  await build();
  await appendFile(join(root, 'package.json'), '\n');
  r = await fedsync();
  assert.equal(r.stdout, 'cli/main.ts HELLO\n');
  assert.match(r.stderr, /package\.json changed/);
});

test('FEDSYNC_ENTRY forces one side; a bad value, or neither side present, exits 1 with the reason', async () => {
  await build();
  assert.equal((await fedsync({ FEDSYNC_ENTRY: 'source' })).stdout, 'cli/main.ts HELLO\n');
  await appendFile(join(root, 'src', 'cli', 'helper.ts'), '// edited again\n');
  assert.equal((await fedsync({ FEDSYNC_ENTRY: 'dist' })).stdout, 'dist/main.js HELLO\n');

  const bad = await fedsync({ FEDSYNC_ENTRY: 'fast' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /FEDSYNC_ENTRY must be dist, source or auto \(got "fast"\)/);

  await rm(join(root, 'dist'), { recursive: true });
  const unbuilt = await fedsync();
  assert.equal(unbuilt.stdout, 'cli/main.ts HELLO\n');
  assert.match(unbuilt.stderr, /dist\/ is not built/);
});

test('without sources (an installed package) dist/ runs as it is; with neither, a clear error', async () => {
  await build();
  await rm(join(root, 'src'), { recursive: true });
  const r = await fedsync();
  assert.equal(r.stdout, 'dist/main.js HELLO\n');
  assert.match(r.stderr, /no sources next to dist/);

  await rm(join(root, 'dist'), { recursive: true });
  const none = await fedsync();
  assert.equal(none.code, 1);
  assert.match(none.stderr, /fedsync is not built: neither .*dist nor the sources exist/);
});
