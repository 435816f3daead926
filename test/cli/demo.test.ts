// `fedsync demo` (npm start): the demo world converges from the demo repository it creates; a second
// run reuses that repository; a commit to it while the agent runs is applied through the repo watch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import git from 'isomorphic-git';
import { demoCommand } from '../../src/cli/commands/demo.js';
import type { DemoDeps } from '../../src/cli/commands/demo.js';
import { waitFor } from '../helpers/wait-for.js';

function optionsIn(dir: string, once: boolean) {
  return {
    world: resolve('fixtures/worlds/demo.yaml'),
    template: resolve('fixtures/repos/demo'),
    out: join(dir, 'sim'),
    repoDir: join(dir, 'repo'),
    interval: '1',
    once,
  };
}

function capture(untilInterrupted: DemoDeps['untilInterrupted'] = () => Promise.resolve()) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: DemoDeps = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    untilInterrupted,
  };
  return { out, err, deps, text: () => out.join('') };
}

const READY_9 =
  /ReplicaSet\/default\/nginx \(9 placed\): gce-asia-east1a 4\/4 ready · gce-europe-west1b 2\/2 ready · gce-us-central1c 3\/3 ready/;

test('demo --once converges the three clusters from a repository it creates, then reuses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-'));
  try {
    const first = capture();
    assert.equal(await demoCommand(optionsIn(dir, true), first.deps), 0, first.err.join(''));
    assert.match(first.text(), /\(created from /);
    assert.match(
      first.text(),
      /\] Apply [0-9a-f]{12}: 25 created, 3 updated, .* in 3 clusters and 1 load balancer; converged\./,
    );
    assert.match(first.text(), READY_9);
    // The load balancer's IP once it has one, and a command to try it.
    const ip = /Load balancer default\/myingress: (\d+\.\d+\.\d+\.\d+)/.exec(first.text())?.[1];
    assert.ok(ip, first.text());
    assert.match(
      first.text(),
      new RegExp(
        `Try: node bin/fedsync\\.js sim route --from europe-west1 --ip ${ip.replaceAll('.', '\\.')} --out `,
      ),
    );
    assert.doesNotMatch(first.text() + first.err.join(''), /BEGIN (RSA |EC )?PRIVATE KEY/);

    const second = capture();
    assert.equal(await demoCommand(optionsIn(dir, true), second.deps), 0, second.err.join(''));
    assert.match(second.text(), /\(reusing it\)/);
    // A new world each run (the simulator keeps nothing), the same repository and commit.
    const sha = /\] Apply ([0-9a-f]{12})/.exec(first.text())?.[1];
    assert.ok(sha);
    assert.match(second.text(), new RegExp(`\\] Apply ${sha}: 25 created`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a commit to the demo repository while the agent runs is applied', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-demo-'));
  const repoDir = join(dir, 'repo');
  let seen = '';
  const run = capture(async () => {
    const file = join(repoDir, 'myreplicaset.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('replicas: 9', 'replicas: 6'));
    await git.add({ fs, dir: repoDir, filepath: 'myreplicaset.yaml' });
    await git.commit({ fs, dir: repoDir, message: '6 replicas', author: { name: 't', email: 't@t' } });
    seen = await waitFor(
      'the agent to apply the new commit',
      () => {
        const text = run.text();
        if (!/\(6 placed\)/.test(text)) throw new Error(`demo output ends with: ${text.slice(-1500)}`);
        return text;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
  try {
    assert.equal(await demoCommand(optionsIn(dir, false), run.deps), 0, run.err.join(''));
    assert.match(seen, /\] Apply [0-9a-f]{12}: 0 created, 3 updated, .*; converged\./);
    assert.match(seen, /ReplicaSet\/default\/nginx \(6 placed\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
