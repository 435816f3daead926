import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  createReconcileQueue,
  isIgnoredRepoPath,
  scheduleTrigger,
  startTriggers,
  watchTrigger,
} from '../../src/agent/triggers.js';
import type { TriggerReason } from '../../src/agent/triggers.js';
import { tempDir } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('reconcile queue', () => {
  test('never runs two reconciles at once and coalesces triggers that arrive during a run', async () => {
    let active = 0;
    let maxActive = 0;
    const calls: TriggerReason[][] = [];
    const gates = [deferred(), deferred()];
    const queue = createReconcileQueue(async (reasons) => {
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push(reasons);
      await gates[calls.length - 1]?.promise;
      active--;
    });
    const first = queue.trigger('now');
    const during = [
      queue.trigger('schedule'),
      queue.trigger('watch'),
      queue.trigger('watch'),
      queue.trigger('now'),
    ];
    gates[0]?.resolve();
    assert.deepEqual(await first, { ok: true });
    gates[1]?.resolve();
    for (const p of during) assert.deepEqual(await p, { ok: true });
    await queue.idle();
    assert.equal(maxActive, 1);
    assert.deepEqual(calls, [['now'], ['schedule', 'watch', 'now']]);
    assert.deepEqual(queue.stats, { runs: 2, coalesced: 3 });
  });

  test('a failed run is reported and does not stop the queue', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const queue = createReconcileQueue(
      () => {
        n++;
        return n === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      { onError: (e) => errors.push(e) },
    );
    const failed = await queue.trigger('now');
    assert.equal(failed.ok, false);
    assert.deepEqual(await queue.trigger('now'), { ok: true });
    assert.equal(errors.length, 1);
  });
});

describe('schedule trigger', () => {
  test('a seconds-field cron fires, each tick delayed by the injected jitter', async () => {
    const delays: number[] = [];
    let runs = 0;
    const queue = createReconcileQueue(() => {
      runs++;
      return Promise.resolve();
    });
    const stopper = scheduleTrigger(queue, {
      cron: '* * * * * *',
      jitterSeconds: 4,
      random: () => 0.25,
      timers: {
        setTimeout: (fn, ms) => {
          delays.push(ms);
          return setTimeout(fn, 0);
        },
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      },
    });
    try {
      await waitFor('a scheduled run', () => runs >= 1, { timeoutMs: 3000 });
    } finally {
      await stopper.stop();
    }
    assert.equal(delays[0], 1000, '0.25 × 4 s of jitter');
  });

  test('ticks missed while the event loop was blocked trigger a catch-up, without a console warning', async () => {
    let runs = 0;
    const queue = createReconcileQueue(() => {
      runs++;
      return Promise.resolve();
    });
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    const stopper = scheduleTrigger(queue, { cron: '* * * * * *' });
    try {
      // Hold the event loop past several ticks so node-cron reports them as missed.
      const until = Date.now() + 2500;
      while (Date.now() < until);
      await waitFor('a run after the blocked ticks', () => runs >= 1, { timeoutMs: 5000 });
    } finally {
      await stopper.stop();
      console.warn = warn;
    }
    assert.deepEqual(
      warnings.filter((w) => String(w.join(' ')).includes('missed execution')),
      [],
      'node-cron printed a missed-execution warning',
    );
  });

  test('an invalid cron expression is refused', () => {
    const queue = createReconcileQueue(() => Promise.resolve());
    assert.throws(() => scheduleTrigger(queue, { cron: 'every minute' }), /invalid cron expression/);
  });
});

describe('watch trigger', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
    await mkdir(join(tmp.path, '.git', 'objects', 'ab'), { recursive: true });
    await mkdir(join(tmp.path, '.git', 'refs', 'heads'), { recursive: true });
    await mkdir(join(tmp.path, 'apps'), { recursive: true });
  });
  after(async () => {
    await tmp.remove();
  });

  test('ignores .git internals except refs', () => {
    const root = '/repo';
    assert.equal(isIgnoredRepoPath(root, '/repo/apps/x.yaml'), false);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git'), false);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/refs/heads/main'), false);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/HEAD'), false);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/objects/ab/cdef'), true);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/index'), true);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/refs/heads/main.lock'), true);
  });

  test('ignores the refs it is told to (the status branch fedsync writes), not their neighbours', () => {
    const root = '/repo';
    const ignored = ['refs/heads/fedsync/status'];
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/refs/heads/fedsync/status', ignored), true);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/refs/heads/fedsync/status-old', ignored), false);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/refs/heads/fedsync', ignored), false);
    assert.equal(isIgnoredRepoPath(root, '/repo/.git/refs/heads/main', ignored), false);
  });

  test('a burst of writes is one trigger; .git objects trigger nothing; a ref update triggers', async () => {
    // The debounce runs on injected timers, so the test decides when "quiet" has come: it waits for
    // the watcher to report the events, then lets the debounce fire. No outcome depends on how fast
    // the machine is (under load, real 150 ms debounce windows split a burst in two).
    let runs = 0;
    const queue = createReconcileQueue(() => {
      runs++;
      return Promise.resolve();
    });
    const pending = new Map<number, () => void>();
    let nextId = 0;
    const timers = {
      setTimeout: (fn: () => void) => {
        pending.set(++nextId, fn);
        return nextId;
      },
      clearTimeout: (h: unknown) => void pending.delete(h as number),
    };
    const fireDebounce = async (): Promise<void> => {
      assert.equal(pending.size, 1, 'the debounce keeps exactly one timer, however many events came');
      const [id, fn] = [...pending][0]!;
      pending.delete(id);
      fn();
      await queue.idle();
    };
    const seen: string[] = [];
    const watcher = await watchTrigger(queue, {
      path: tmp.path,
      timers,
      ignoredRefs: ['refs/heads/fedsync/status'],
      createWatcher: (path, options) => {
        const w = watch(path, options);
        w.on('all', (_event, p) => seen.push(relative(tmp.path, p).split(sep).join('/')));
        return w;
      },
    });
    try {
      await writeFile(join(tmp.path, '.git', 'objects', 'ab', 'cdef'), 'x');
      await writeFile(join(tmp.path, '.git', 'index'), 'x');
      for (let i = 0; i < 5; i++) await writeFile(join(tmp.path, 'apps', `f${i}.yaml`), `n: ${i}\n`);
      await waitFor('the burst', () => [0, 1, 2, 3, 4].every((i) => seen.includes(`apps/f${i}.yaml`)));
      await fireDebounce();
      assert.equal(runs, 1, 'a burst of five writes is one reconcile');

      // fedsync's first status commit creates refs/heads/fedsync/ beside its ignored ref.
      await mkdir(join(tmp.path, '.git', 'refs', 'heads', 'fedsync'), { recursive: true });
      await writeFile(join(tmp.path, '.git', 'refs', 'heads', 'fedsync', 'status'), 'b'.repeat(40));
      await waitFor('the new ref directory', () => seen.includes('.git/refs/heads/fedsync'));
      assert.equal(pending.size, 0, 'a new directory inside .git is no trigger');

      await writeFile(join(tmp.path, '.git', 'refs', 'heads', 'main'), 'a'.repeat(40));
      await waitFor('the ref update', () => seen.includes('.git/refs/heads/main'));
      await fireDebounce();
      assert.equal(runs, 2, 'a ref update is a trigger');
      assert.deepEqual(
        seen.filter((p) => p.startsWith('.git/objects') || p === '.git/index'),
        [],
        '.git internals are ignored',
      );
    } finally {
      await watcher.stop();
    }
  });

  test('watcher errors after ready are reported as values and the watch keeps triggering', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const queue = createReconcileQueue(() => {
      runs++;
      return Promise.resolve();
    });
    let instance: FSWatcher | undefined;
    const watcher = await watchTrigger(queue, {
      path: tmp.path,
      debounceMs: 50,
      onError: (e) => errors.push(e),
      createWatcher: (path, options) => (instance = watch(path, options)),
    });
    try {
      assert.ok(instance);
      // Two errors: a once-listener would be gone by the second, which would then crash the process.
      instance.emit('error', new Error('EMFILE: too many open files'));
      instance.emit('error', new Error('EACCES: permission denied'));
      assert.deepEqual(
        errors.map((e) => (e as Error).message),
        ['EMFILE: too many open files', 'EACCES: permission denied'],
      );
      await writeFile(join(tmp.path, 'apps', 'after-error.yaml'), 'n: 1\n');
      await waitFor('a run after the errors', () => runs === 1);
    } finally {
      await watcher.stop();
    }
  });

  test('startTriggers hands watcher errors to its onError', async () => {
    const errors: unknown[] = [];
    let instance: FSWatcher | undefined;
    const triggers = await startTriggers({
      run: () => Promise.resolve(),
      watch: { path: tmp.path, createWatcher: (path, options) => (instance = watch(path, options)) },
      onError: (e) => errors.push(e),
    });
    instance?.emit('error', new Error('ENOSPC'));
    await triggers.stop();
    assert.equal(errors.length, 1);
  });

  test('startTriggers wires trigger-now onto the same queue', async () => {
    const reasons: TriggerReason[][] = [];
    const triggers = await startTriggers({
      run: (r) => {
        reasons.push(r);
        return Promise.resolve();
      },
      watch: { path: tmp.path, debounceMs: 50 },
    });
    assert.deepEqual(await triggers.now(), { ok: true });
    await triggers.stop();
    assert.deepEqual(reasons, [['now']]);
  });
});
