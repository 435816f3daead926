import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('fedsync version prints the package version', async () => {
  const { stdout } = await run(process.execPath, ['bin/fedsync.js', 'version', '-o', 'json']);
  const info = JSON.parse(stdout) as { fedsync: string };
  assert.match(info.fedsync, /^\d+\.\d+\.\d+/);
});

test('fedsync --help lists the commands', async () => {
  const { stdout } = await run(process.execPath, ['bin/fedsync.js', '--help']);
  assert.match(stdout, /Usage: fedsync/);
  assert.match(stdout, /version/);
});
