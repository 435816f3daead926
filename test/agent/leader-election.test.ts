// Leader election with real @kubernetes/client-node requests against a simulated cluster: two
// electors on one Lease, one leader at a time; a leader cut off from the API stops leading before
// its Lease expires; the other takes over only after expiry; a released Lease is taken at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startLeaderElector, type LeaderElector } from '../../src/agent/leader/elector.js';
import { checkLeaseTiming, type LeaseTiming } from '../../src/agent/leader/hold.js';
import { clientNodeLeaseApi, createLeaseLock } from '../../src/kube/lease.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { testCluster } from '../sim/kube/helpers.js';
import { waitFor } from '../helpers/wait-for.js';

// Short but in client-go's proportions: duration > renewDeadline > 1.2 × retryPeriod.
const timing: LeaseTiming = { leaseDurationSeconds: 3, renewDeadlineMs: 1_000, retryPeriodMs: 150 };

type Event = { who: string; what: 'started' | 'stopped'; at: number; why?: string };

let sim: SimCluster;
let n = 0;
before(async () => {
  sim = await testCluster();
});
after(() => sim.stop());

function kubeConfigAt(server: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'home', server, skipTLSVerify: true }],
    users: [{ name: 'agent', token: sim.token }],
    contexts: [{ name: 'home', cluster: 'home', user: 'agent' }],
    currentContext: 'home',
  });
  return kc;
}

function storedSpec(name: string): {
  holderIdentity?: string;
  renewTime?: string;
  leaseTransitions?: number;
} {
  const o = sim.store.get(sim.resource('coordination.k8s.io/v1', 'Lease'), 'kube-system', name);
  return (o?.spec ?? {}) as { holderIdentity?: string; renewTime?: string; leaseTransitions?: number };
}

/** An elector whose requests go to `server`, recording its start/stop events in `events`. */
function elector(identity: string, lease: string, server: string, events: Event[]): LeaderElector {
  const api = clientNodeLeaseApi({
    kubeConfig: kubeConfigAt(server),
    namespace: 'kube-system',
    name: lease,
    timeoutMs: 5_000,
  });
  return startLeaderElector({
    lock: createLeaseLock({ api, identity, leaseDurationSeconds: timing.leaseDurationSeconds }),
    timing,
    onStartedLeading: () => events.push({ who: identity, what: 'started', at: Date.now() }),
    onStoppedLeading: (end) =>
      events.push({ who: identity, what: 'stopped', at: Date.now(), why: end.message }),
  });
}

/** Samples isLeader() of every elector until stopped; fails the test if two ever lead at once. */
function watchOneLeader(electors: Record<string, LeaderElector>): { stop(): void; both: string[] } {
  const both: string[] = [];
  const timer = setInterval(() => {
    const leading = Object.entries(electors)
      .filter(([, e]) => e.isLeader())
      .map(([k]) => k);
    if (leading.length > 1) both.push(leading.join('+'));
  }, 5);
  return { stop: () => clearInterval(timer), both };
}

/** Events must alternate started/stopped and no one may start while another leads. */
function assertOneLeaderAtATime(events: Event[]): void {
  let leading: string | undefined;
  for (const e of events) {
    if (e.what === 'started') {
      assert.equal(
        leading,
        undefined,
        `${e.who} started while ${leading ?? ''} was leading: ${JSON.stringify(events)}`,
      );
      leading = e.who;
    } else {
      assert.equal(e.who, leading, `${e.who} stopped without leading`);
      leading = undefined;
    }
  }
}

describe('leader election on a Lease in a simulated cluster', () => {
  test('timing that could let a leader write after expiry is refused', () => {
    assert.throws(
      () => checkLeaseTiming({ leaseDurationSeconds: 2, renewDeadlineMs: 2_000, retryPeriodMs: 100 }),
      /renewDeadline .* must be shorter than leaseDuration/,
    );
    assert.throws(
      () => checkLeaseTiming({ leaseDurationSeconds: 10, renewDeadlineMs: 1_000, retryPeriodMs: 900 }),
      /1\.2 × retryPeriod/,
    );
  });

  test('two electors: one leads, the other follows; on release the follower takes over at once', async () => {
    const lease = `agent-${++n}`;
    const events: Event[] = [];
    const a = elector('agent-a', lease, sim.url, events);
    const b = elector('agent-b', lease, sim.url, events);
    const monitor = watchOneLeader({ a, b });
    try {
      const first = await waitFor('a leader', () => (a.isLeader() ? a : b.isLeader() ? b : undefined));
      const [leaderId, followerId] = first === a ? ['agent-a', 'agent-b'] : ['agent-b', 'agent-a'];
      const follower = first === a ? b : a;
      await waitFor('the follower to see the leader', () => follower.leader() === leaderId || undefined);
      assert.equal(storedSpec(lease).holderIdentity, leaderId);
      // A few renewals go by and nothing changes hands.
      const rv0 = storedSpec(lease).renewTime;
      await waitFor('renewals', () => storedSpec(lease).renewTime !== rv0 || undefined);
      assert.equal(follower.isLeader(), false);

      await first.stop();
      await waitFor('the follower to take over', () => follower.isLeader() || undefined);
      assert.equal(storedSpec(lease).holderIdentity, followerId);
      assert.equal(storedSpec(lease).leaseTransitions, 1);
      await follower.stop();
    } finally {
      monitor.stop();
      await a.stop();
      await b.stop();
    }
    assert.deepEqual(monitor.both, [], 'never two leaders at once');
    assertOneLeaderAtATime(events);
    assert.deepEqual(
      events.map((e) => e.what),
      ['started', 'stopped', 'started', 'stopped'],
    );
  });

  test('a leader cut off from the API stops before its Lease expires; the other takes over after expiry', async () => {
    const lease = `agent-${++n}`;
    const events: Event[] = [];
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: sim.port });
    const a = elector('agent-a', lease, proxy.url, events);
    let b: LeaderElector | undefined;
    try {
      await waitFor('a to lead', () => a.isLeader() || undefined);
      b = elector('agent-b', lease, sim.url, events);
      const monitor = watchOneLeader({ a, b });
      await waitFor('b to see a lead', () => b?.leader() === 'agent-a' || undefined);

      proxy.cut();
      const cutAt = Date.now();
      const lost = await waitFor(
        'a to stop leading',
        () => events.find((e) => e.who === 'agent-a' && e.what === 'stopped'),
        { timeoutMs: 10_000 },
      );
      assert.equal(a.isLeader(), false);
      assert.match(
        lost.why ?? '',
        /in cluster home: (renewal got no answer|not renewed) before the deadline|within the deadline/,
      );
      // The last renewal a got through is what every other contender counts expiry from.
      const lastRenew = Date.parse(storedSpec(lease).renewTime ?? '');
      assert.ok(lastRenew <= cutAt, 'no renewal got through the cut');
      assert.ok(
        lost.at < lastRenew + timing.leaseDurationSeconds * 1000,
        `a stopped ${lost.at - lastRenew} ms after its last renewal: not before the ${timing.leaseDurationSeconds} s lease ran out`,
      );

      const took = await waitFor(
        'b to take over',
        () => events.find((e) => e.who === 'agent-b' && e.what === 'started'),
        { timeoutMs: 10_000 },
      );
      assert.ok(
        took.at >= lastRenew + timing.leaseDurationSeconds * 1000,
        'b waited for the Lease to expire',
      );
      assert.ok(took.at > lost.at);
      assert.equal(storedSpec(lease).holderIdentity, 'agent-b');
      assert.equal(storedSpec(lease).leaseTransitions, 1);

      // When a is back, it follows.
      proxy.restore();
      await waitFor('a to see b lead', () => a.leader() === 'agent-b' || undefined, { timeoutMs: 10_000 });
      assert.equal(a.isLeader(), false);
      monitor.stop();
      assert.deepEqual(monitor.both, [], 'never two leaders at once');
      assertOneLeaderAtATime(events);
    } finally {
      proxy.restore();
      await a.stop();
      await b?.stop();
      await proxy.stop();
    }
  });

  test('when the API server stops answering, the leader stops leading; once it answers, one leads again', async () => {
    const lease = `agent-${++n}`;
    const events: Event[] = [];
    const a = elector('agent-a', lease, sim.url, events);
    try {
      await waitFor('a to lead', () => a.isLeader() || undefined);
      await sim.setFault({ fault: 'hang' });
      const lost = await waitFor('loss', () => events.find((e) => e.what === 'stopped'), {
        timeoutMs: 10_000,
      });
      const lastRenew = Date.parse(storedSpec(lease).renewTime ?? '');
      assert.ok(lost.at < lastRenew + timing.leaseDurationSeconds * 1000, 'stopped before expiry');
      assert.equal(a.isLeader(), false);
      await sim.setFault({ fault: 'up' });
      // Nobody else took the Lease: a still holds it on the server and simply renews again.
      await waitFor('a to lead again', () => a.isLeader() || undefined, { timeoutMs: 10_000 });
      assertOneLeaderAtATime(events);
    } finally {
      await sim.setFault({ fault: 'up' });
      await a.stop();
    }
  });
});
