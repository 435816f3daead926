// Two writers of one federation: every writer takes the federation's writer Lease in each member
// cluster before observing it and holds it until it has applied there. Two `fedsync apply` runs at
// once: the second waits for the first (saying who holds the lock), then observes what the first
// wrote, so no managed object is left out of the inventory. A writer that cannot get the lock in
// time leaves that cluster behind (exit 3, naming the holder); one that loses it stops writing.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Command } from 'commander';
import { refKey, refOf } from '../../src/model/index.js';
import type { KubeObject } from '../../src/model/index.js';
import { registerApply } from '../../src/cli/commands/apply.js';
import { createClient as cliClient } from '../../src/cli/kube-client.js';
import type { ClientFactory } from '../../src/kube/fleet.js';
import { loadKubeConfig } from '../../src/kube/client-node.js';
import { clientNodeLeaseApi } from '../../src/kube/lease.js';
import { acquireWriterLock, writerLeaseName } from '../../src/kube/writer-lock.js';
import { readInventory } from '../../src/kube/inventory.js';
import { reconcileOnce } from '../../src/agent/reconcile-once.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';

let s: Scenario;
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
const FEDERATION = 'locked';

const clusterFiles = (): Record<string, string> =>
  Object.fromEntries(
    CLUSTERS.map((c) => [
      `clusters/${c}.yaml`,
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${c}\nspec:\n  kubeconfigContext: ${c}\n`,
    ]),
  );
const fedsyncYaml = `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: ${FEDERATION}\n`;
const configMap = (name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  v: "1"\n`;

// Both repositories share two ConfigMaps, so the second run's prune of from-a is one delete of
// three managed objects: a routine prune, not one the small-federation guard holds.
const shared = { 'shared.yaml': `${configMap('shared-1')}---\n${configMap('shared-2')}` };

before(async () => {
  s = await startScenario();
  await writeFiles(join(s.dir, 'repo-a'), {
    ...clusterFiles(),
    'fedsync.yaml': fedsyncYaml,
    ...shared,
    'a.yaml': configMap('from-a'),
  });
  await writeFiles(join(s.dir, 'repo-b'), {
    ...clusterFiles(),
    'fedsync.yaml': fedsyncYaml,
    ...shared,
    'b.yaml': configMap('from-b'),
  });
});
after(() => s.stop());
afterEach(() => {
  process.exitCode = undefined;
});

async function apply(
  repo: string,
  createClient: ClientFactory,
  options: { extra?: string[]; onStderr?: (line: string) => void } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const deps = {
    createClient,
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => {
      err.push(t);
      options.onStderr?.(t);
    },
    isTTY: false,
    clock: { now: () => new Date() },
  };
  const program = new Command('fedsync').exitOverride();
  registerApply(program, deps);
  await program.parseAsync([
    'node',
    'fedsync',
    'apply',
    '--repo',
    join(s.dir, repo),
    '--kubeconfig',
    s.world.files!.kubeconfig,
    '--cache-dir',
    join(s.dir, 'cache'),
    ...(options.extra ?? []),
  ]);
  // Commander keeps the exit code on the process: read it, then clear it for the next run.
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { out: out.join(''), err: err.join(''), code };
}

const leaseOf = (cluster: string) =>
  clientNodeLeaseApi({
    kubeConfig: loadKubeConfig(s.world.files!.kubeconfig, cluster),
    namespace: 'fedsync-system',
    name: writerLeaseName(FEDERATION),
    cluster,
  });

/** Managed objects of the federation in a cluster that its inventory does not list. */
async function unrecorded(cluster: string): Promise<string[]> {
  const sim = s.world.cluster(cluster)!;
  const managed = sim.store
    .list(sim.resource('v1', 'ConfigMap'), 'default')
    .map((o) => o as KubeObject)
    .filter((o) => o.metadata.labels?.['fedsync.io/federation'] === FEDERATION)
    .map((o) => refKey(refOf(o)));
  const client = s.createClient({
    name: cluster,
    kubeconfigPath: s.world.files!.kubeconfig,
    context: cluster,
  });
  const inventory = new Set(await readInventory(client, FEDERATION));
  return managed.filter((k) => !inventory.has(k));
}

test('two applies at once: the second waits for the first, then observes its writes; none is lost', async () => {
  // The first run's writes wait until the second run either waits for the lock or has read every
  // inventory (which it can only do unlocked): the interleaving that used to lose an inventory.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let inventoriesRead = 0;
  // Only the federation's objects wait: the lock's own namespace is created before the lock exists.
  const gated: ClientFactory = (o) => {
    const c = cliClient(o);
    return {
      ...c,
      apply: (obj, opts) =>
        obj.kind === 'Namespace' ? c.apply(obj, opts) : gate.then(() => c.apply(obj, opts)),
    };
  };
  const watched: ClientFactory = (o) => {
    const c = cliClient(o);
    return {
      ...c,
      list: async (opts) => {
        const r = await c.list(opts);
        if (opts.labelSelector?.startsWith('fedsync.io/inventory=') && ++inventoriesRead === CLUSTERS.length)
          open();
        return r;
      },
    };
  };
  const first = apply('repo-a', gated);
  await waitFor('the first run to hold the lock in every cluster', async () => {
    for (const c of CLUSTERS) if (!(await leaseOf(c).get())?.spec.holderIdentity) return false;
    return true;
  });
  const second = apply('repo-b', watched, {
    onStderr: (line) => {
      if (line.includes('waiting for the writer lock')) open();
    },
  });
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  assert.match(
    b.err,
    /cluster gce-\S+: waiting for the writer lock held by fedsync apply \S+@\S+ pid \d+ \(/,
  );
  for (const c of CLUSTERS)
    assert.deepEqual(await unrecorded(c), [], `${c}: every managed object is in the inventory`);
  // The second run saw what the first applied, and pruned it (it is not in its repository).
  const sim = s.world.cluster(CLUSTERS[0]!)!;
  assert.equal(sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', 'from-a'), undefined);
  assert.ok(sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', 'from-b'));
  for (const c of CLUSTERS) assert.equal((await leaseOf(c).get())?.spec.holderIdentity, '', `${c}: released`);
});

test('a lock another writer keeps: that cluster is left behind (exit 3, naming the holder)', async () => {
  await s
    .createClient({
      name: 'gce-us-central1c',
      kubeconfigPath: s.world.files!.kubeconfig,
      context: 'gce-us-central1c',
    })
    .apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fedsync-system' } });
  const held = await acquireWriterLock({ api: leaseOf('gce-us-central1c'), identity: 'agent-7f on node-2' });
  try {
    await writeFiles(join(s.dir, 'repo-b'), { 'b2.yaml': configMap('from-b2') });
    const r = await apply('repo-b', cliClient, { extra: ['--lock-wait', '0.3'] });
    assert.equal(r.code, 3, r.err);
    assert.match(
      r.err,
      /cluster gce-us-central1c does not hold this commit: nothing written: another writer has the lock: Lease fedsync-system\/fedsync-writer-locked in cluster gce-us-central1c is held by agent-7f on node-2 \(renewed .*\); waited 0\.3 s/,
    );
    const has = (c: string) => {
      const sim = s.world.cluster(c)!;
      return sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', 'from-b2') !== undefined;
    };
    assert.deepEqual(CLUSTERS.map(has), [true, true, false], 'the other clusters go on');
  } finally {
    await held.release();
  }
  assert.equal((await apply('repo-b', cliClient)).code, 0);
});

test('a writer that loses its lock mid-apply stops writing there', async () => {
  const cluster = 'gce-asia-east1a';
  await writeFiles(join(s.dir, 'repo-b'), {
    'b3.yaml': configMap('aaa-first'),
    'rs.yaml': `apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: late, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: late } }
  template:
    metadata: { labels: { app: late } }
    spec: { containers: [{ name: c, image: "nginx:1.27" }] }
`,
  });
  const loaded = await readRepoDir(join(s.dir, 'repo-b'), join(s.dir, 'cache'));
  assert.ok(loaded.ok);
  let release!: () => void;
  const stolen = new Promise<void>((r) => (release = r));
  let blocked = false;
  const blocking: ClientFactory = (o) => {
    const c = s.createClient(o);
    return {
      ...c,
      apply: async (obj, opts) => {
        if (o.name === cluster && obj.metadata.name === 'aaa-first') {
          blocked = true;
          await stolen;
        }
        return c.apply(obj, opts);
      },
    };
  };
  // The writer's own reads of the Lease: the renewal that finds it taken over ends the lock.
  let sawThief = false;
  const fleet = await s.fleetFor(loaded.value, {
    createClient: blocking,
    writerLock: {
      identity: 'writer-one',
      timing: { leaseDurationSeconds: 5, renewDeadlineMs: 4000, retryPeriodMs: 100 },
      leaseApi: (c) => {
        const api = leaseOf(c);
        return {
          ...api,
          get: async (signal) => {
            const snap = await api.get(signal);
            if (c === cluster && snap?.spec.holderIdentity === 'writer-two') sawThief = true;
            return snap;
          },
        };
      },
    },
  });
  const running = reconcileOnce({ read: () => Promise.resolve(loaded), targets: { cluster: fleet } });
  await waitFor('the apply to reach the blocked write', () => blocked);
  // Someone takes the Lease over (as after an expiry); the holder's renewals may race the update.
  const lease = leaseOf(cluster);
  await waitFor('the Lease to be taken over', async () => {
    const current = (await lease.get())!;
    await lease.update(
      { ...current.spec, holderIdentity: 'writer-two', leaseDurationSeconds: 30 },
      current.resourceVersion,
    );
    return true;
  });
  await waitFor('the next renewal to find the Lease taken over', () => sawThief);
  release();
  const outcome = await running;
  const target = outcome.targets.find((t) => t.name === cluster)!;
  assert.equal(target.error?.code, 'apply.stopped', JSON.stringify(target));
  assert.match(target.error?.message ?? '', /is now held by writer-two/);
  const rs = target.results.find((r) => r.subject === 'ReplicaSet/default/late');
  assert.equal(rs?.outcome, 'notRun');
  assert.match(rs?.reason ?? '', /not run: .*held by writer-two/);
  const sim = s.world.cluster(cluster)!;
  assert.equal(sim.store.get(sim.resource('apps/v1', 'ReplicaSet'), 'default', 'late'), undefined);
  assert.equal(outcome.status, 'failed');
  // writer-two lets go, as a writer does when it is done.
  const taken = (await lease.get())!;
  await lease.update({ ...taken.spec, holderIdentity: '' }, taken.resourceVersion);
});

test('a running agent holds the lock only while it reconciles: an apply beside it does not wait', async () => {
  const loaded = await readRepoDir(join(s.dir, 'repo-b'), join(s.dir, 'cache'));
  assert.ok(loaded.ok);
  let holders: string[] = [];
  const peeking: ClientFactory = (o) => {
    const c = s.createClient(o);
    return {
      ...c,
      apply: async (obj, opts) => {
        if (obj.kind !== 'Namespace' && o.name === CLUSTERS[0])
          holders.push((await leaseOf(o.name).get())?.spec.holderIdentity ?? '');
        return c.apply(obj, opts);
      },
    };
  };
  const agent = await s.fleetFor(loaded.value, {
    createClient: peeking,
    writerLock: { identity: 'agent-1' },
    live: { healthIntervalMs: 60_000 },
  });
  await writeFiles(join(s.dir, 'repo-b'), { 'b4.yaml': configMap('from-b4') });
  const read = () => readRepoDir(join(s.dir, 'repo-b'), join(s.dir, 'cache'));
  const first = await reconcileOnce({ read, targets: { cluster: agent } });
  assert.equal(first.status, 'converged', JSON.stringify(first.problems));
  assert.ok(holders.length > 0, 'the agent wrote');
  assert.deepEqual([...new Set(holders)], ['agent-1'], 'every write made under the agent lock');
  for (const c of CLUSTERS) assert.equal((await leaseOf(c).get())?.spec.holderIdentity, '', `${c}: released`);
  const beside = await apply('repo-b', cliClient, { extra: ['--lock-wait', '0'] });
  assert.equal(beside.code, 0, beside.err);
  assert.doesNotMatch(beside.err, /waiting for the writer lock/);
  holders = [];
  assert.equal((await reconcileOnce({ read, targets: { cluster: agent } })).status, 'converged');
  await agent.stop();
});
