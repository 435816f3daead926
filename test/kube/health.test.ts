// Cluster health with fake timers and fake probes: Offline after 3 failures, Ready after 1 success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHealthMonitor, type HealthChange, type HealthTimers } from '../../src/kube/health.js';

function fakeTimers(): HealthTimers & { fire(): void; intervals: number[] } {
  let fn: (() => void) | undefined;
  const intervals: number[] = [];
  return {
    intervals,
    setInterval(f, ms) {
      fn = f;
      intervals.push(ms);
      return 1;
    },
    clearInterval() {
      fn = undefined;
    },
    fire: () => fn?.(),
  };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('Offline after 3 consecutive failures, Ready again after 1 success', async () => {
  const answers: Record<string, boolean> = { a: true, b: true };
  const probe = (name: string) => () =>
    answers[name] ? Promise.resolve() : Promise.reject(new Error(`${name} does not answer`));
  const timers = fakeTimers();
  const monitor = createHealthMonitor({
    clients: [
      { name: 'a', probe: probe('a') },
      { name: 'b', probe: probe('b') },
    ],
    intervalMs: 5000,
    timers,
  });
  const changes: HealthChange[] = [];
  monitor.onChange((c) => changes.push(c));
  monitor.start();
  await settle();
  assert.deepEqual(timers.intervals, [5000]);
  assert.deepEqual(monitor.all(), { a: 'Ready', b: 'Ready' });

  answers.b = false;
  for (let i = 1; i <= 2; i++) {
    timers.fire();
    await settle();
    assert.equal(monitor.health('b'), 'Ready', `still Ready after ${i} failure(s)`);
  }
  timers.fire();
  await settle();
  assert.equal(monitor.health('b'), 'Offline');
  assert.equal(monitor.health('a'), 'Ready');
  assert.match(String(monitor.lastFailure('b')), /b does not answer/);
  assert.equal(monitor.lastFailure('a'), undefined);

  answers.b = true;
  timers.fire();
  await settle();
  assert.equal(monitor.health('b'), 'Ready');
  assert.deepEqual(changes, [
    { cluster: 'b', health: 'Offline', previous: 'Ready' },
    { cluster: 'b', health: 'Ready', previous: 'Offline' },
  ]);
  monitor.stop();
  timers.fire();
  assert.equal(monitor.health('unknown'), 'Offline');
});

test('a success in between resets the failure count; a probe that throws is a failure', async () => {
  const script = [false, false, true, false, false];
  let i = 0;
  const monitor = createHealthMonitor({
    clients: [
      {
        name: 'x',
        probe: () => {
          const ok = script[i++];
          if (ok === undefined) throw new Error('boom');
          return ok ? Promise.resolve() : Promise.reject(new Error('no'));
        },
      },
    ],
    timers: fakeTimers(),
  });
  for (let n = 0; n < script.length; n++) await monitor.probeAll();
  assert.equal(monitor.health('x'), 'Ready', 'only 2 failures in a row');
  await monitor.probeAll(); // throws: third failure in a row
  assert.equal(monitor.health('x'), 'Offline');
});

test('a probe still running is not started again', async () => {
  let calls = 0;
  let release: () => void = () => undefined;
  const monitor = createHealthMonitor({
    clients: [
      {
        name: 'slow',
        probe: () => {
          calls++;
          return new Promise<void>((r) => (release = r));
        },
      },
    ],
    timers: fakeTimers(),
  });
  const first = monitor.probeAll();
  await monitor.probeAll();
  assert.equal(calls, 1);
  release();
  await first;
  const third = monitor.probeAll();
  assert.equal(calls, 2);
  release();
  await third;
});
