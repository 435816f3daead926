// @google-cloud/compute costs seconds and ~270 MiB to import: the adapter reads over the REST API
// with fetch and loads the client only for the first mutation. Checked in a fresh process, where the
// module cache shows it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import test from 'node:test';
import { promisify } from 'node:util';

const script = (entry: string) => `
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
const req = createRequire(import.meta.url);
const loaded = () => Object.keys(req.cache).some((k) => k.includes('@google-cloud/compute'));
// A port nothing listens on.
const server = createServer();
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
await new Promise((r) => server.close(r));
const out = [];
const { computeTarget } = await import(${JSON.stringify(entry)});
out.push(loaded());
const t = computeTarget({
  connection: { kind: 'endpoint', project: 'p', url: \`http://127.0.0.1:\${port}/compute/v1/\`, token: 't' },
  retry: { maxAttempts: 1 },
});
const r = await t.apply([{ action: 'unchanged', subject: 'urlMaps/x', ref: { kind: 'urlMap', name: 'x' }, changes: [], reason: 'in sync' }]);
out.push(r.ok, loaded());
const err = await t.observe({ uid: 'x' }).then(() => undefined, (e) => e.code);
out.push(err, loaded());
const write = await t.apply([{ action: 'delete', call: 'delete', subject: 'urlMaps/x', ref: { kind: 'urlMap', name: 'x' }, changes: [], reason: 'gone' }]);
out.push(write.ok, loaded());
await t.close();
console.log(JSON.stringify(out));
`;

test('reads never load the client library; the first mutation does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-lazy-'));
  try {
    const file = join(dir, 'check.mts');
    await writeFile(file, script(resolve('src/gcp/compute/index.ts')));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
      cwd: process.cwd(),
    });
    // import; no-op apply; observe (unreachable, over REST); a delete (fails, through the client).
    assert.deepEqual(JSON.parse(stdout.trim()), [false, true, false, 'gcp.unreachable', false, false, true]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Application Default Credentials missing: a typed error that says what to do, no crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-adc-'));
  try {
    const file = join(dir, 'adc.mts');
    await writeFile(
      file,
      `const { computeTarget } = await import(${JSON.stringify(resolve('src/gcp/compute/index.ts'))});
const t = computeTarget({ connection: { kind: 'applicationDefault', project: 'p' } });
const e = await t.observe({ uid: 'x' }).then(() => undefined, (err) => err);
console.log(JSON.stringify({ code: e?.code, message: e?.message }));`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
      cwd: process.cwd(),
      // A credentials file that does not exist: google-auth-library stops there, before any network.
      env: { PATH: process.env.PATH, HOME: dir, GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'missing.json') },
    });
    const got = JSON.parse(stdout.trim()) as { code: string; message: string };
    assert.equal(got.code, 'gcp.noCredentials');
    assert.match(
      got.message,
      /no Application Default Credentials for project p .*gcloud auth application-default login/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
