// The running agent writes under the same per-cluster writer lock as `fedsync apply`: its reconcile,
// its drift corrections and its write-backs. An agent and an apply beside it never write one cluster
// in the same window — judged by the Lease holder the simulator stores at the moment of every write
// — and a drift correction waits while another writer holds the lock, correcting once it is free.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Command } from 'commander';
import type { KubeObject } from '../../src/model/index.js';
import { resolveAgentConfig } from '../../src/agent/config/resolve.js';
import { createLogger } from '../../src/agent/observe/logger.js';
import { startAgentService, type AgentService } from '../../src/agent/run/service.js';
import type { AgentRun } from '../../src/agent/agent.js';
import { reconcileOnce } from '../../src/agent/reconcile-once.js';
import { registerApply } from '../../src/cli/commands/apply.js';
import { createClient as cliClient } from '../../src/cli/kube-client.js';
import { createClusterClient, loadKubeConfig } from '../../src/kube/client-node.js';
import type { ClientFactory } from '../../src/kube/fleet.js';
import { clientNodeLeaseApi } from '../../src/kube/lease.js';
import type { ClusterClient } from '../../src/kube/port.js';
import { acquireWriterLock, writerLeaseName } from '../../src/kube/writer-lock.js';
import { readRepoDir, startScenario } from './helpers.js';
import type { Scenario } from './helpers.js';
import { writeFiles } from '../helpers/git.js';
import { waitFor } from '../helpers/wait-for.js';

let s: Scenario;
const CLUSTERS = ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'];
const FEDERATION = 'agentlock';
const AGENT = 'agent-lock-test';

const configMap = (name: string, v = '1'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  v: "${v}"\n`;

const repoFiles = (): Record<string, string> => ({
  ...Object.fromEntries(
    CLUSTERS.map((c) => [
      `clusters/${c}.yaml`,
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${c}\nspec:\n  kubeconfigContext: ${c}\n`,
    ]),
  ),
  'fedsync.yaml': `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: ${FEDERATION}\n`,
  'base.yaml': `${configMap('base-1')}---\n${configMap('base-2')}`,
});

before(async () => {
  s = await startScenario();
  await writeFiles(join(s.dir, 'repo'), repoFiles());
  // What the apply beside the agent writes: the agent's repository plus one object it never reads.
  await writeFiles(join(s.dir, 'repo-apply'), {
    ...repoFiles(),
    'agent.yaml': configMap('agent-blocked'),
    'beside.yaml': configMap('from-apply'),
  });
});
after(() => s.stop());

/** The writer Lease's holder as the simulator stores it right now ('' when free). */
function holderNow(cluster: string): string {
  const sim = s.world.cluster(cluster)!;
  const lease = sim.store.get(
    sim.resource('coordination.k8s.io/v1', 'Lease'),
    'fedsync-system',
    writerLeaseName(FEDERATION),
  ) as { spec?: { holderIdentity?: string } } | undefined;
  return lease?.spec?.holderIdentity ?? '';
}

type Write = { writer: string; cluster: string; what: string; holder: string };

/** Records, for every write a client sends, who held the writer Lease at that moment. */
function recording(client: ClusterClient, writer: string, log: Write[]): ClusterClient {
  const note = (what: string): void => {
    // The lock's own namespace is created before the Lease can exist.
    if (what === 'Namespace/fedsync-system') return;
    log.push({ writer, cluster: client.name, what, holder: holderNow(client.name) });
  };
  return {
    ...client,
    apply: (o, opts) => {
      if (!opts?.dryRun) note(`${o.kind}/${o.metadata.name}`);
      return client.apply(o, opts);
    },
    jsonPatch: (ref, ops) => (note(`${ref.kind}/${ref.name}`), client.jsonPatch(ref, ops)),
    remove: (ref, opts) => (note(`${ref.kind}/${ref.name}`), client.remove(ref, opts)),
    patch: (ref, p, opts) => (note(`${ref.kind}/${ref.name}`), client.patch(ref, p, opts)),
    create: (o) => (note(`${o.kind}/${o.metadata.name}`), client.create(o)),
  };
}

async function apply(createClient: ClientFactory, onStderr: (line: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('fedsync').exitOverride();
  registerApply(program, {
    createClient,
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => {
      err.push(t);
      onStderr(t);
    },
    isTTY: false,
    clock: { now: () => new Date() },
  });
  await program.parseAsync([
    'node',
    'fedsync',
    'apply',
    '--repo',
    join(s.dir, 'repo-apply'),
    '--kubeconfig',
    s.world.files!.kubeconfig,
    '--cache-dir',
    join(s.dir, 'cache'),
    '--no-report',
  ]);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { out: out.join(''), err: err.join(''), code };
}

test('a running agent and a `fedsync apply` beside it never write one cluster at the same time', async () => {
  const log: Write[] = [];
  // The agent's write of `agent-blocked` waits until the apply is seen waiting for the agent's lock.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let blocked = false;
  const resolved = resolveAgentConfig({
    env: {},
    host: { hostname: 'test', instanceId: AGENT },
    flags: {
      'repo-path': join(s.dir, 'repo'),
      sim: join(s.dir, 'sim'),
      listen: '127.0.0.1:0',
      identity: AGENT,
      schedule: '0 0 1 1 *',
      'drift-interval': '1h',
      'lease-duration': '3s',
      'renew-deadline': '2s',
      'retry-period': '300ms',
      'cache-dir': join(s.dir, 'agent-cache'),
    },
  });
  if (!resolved.ok) assert.fail(JSON.stringify(resolved.problems));
  const runs: AgentRun[] = [];
  const service: AgentService = await startAgentService({
    config: resolved.value,
    version: '0.0.0-test',
    log: createLogger({ level: 'silent' }),
    env: {},
    healthIntervalMs: 60_000,
    writerLock: { timing: { leaseDurationSeconds: 5, renewDeadlineMs: 4000, retryPeriodMs: 100 } },
    onRun: (r) => runs.push(r),
    base: (o) => {
      const c = createClusterClient({ ...o, timeoutMs: 5000 });
      const blocking: ClusterClient = {
        ...c,
        apply: async (obj: KubeObject, opts) => {
          if (obj.metadata.name === 'agent-blocked' && o.name === CLUSTERS[0]) {
            blocked = true;
            await gate;
          }
          return c.apply(obj, opts);
        },
      };
      return recording(blocking, 'agent', log);
    },
  });
  try {
    const converged = () => runs.some((r) => r.mode === 'applied' && r.outcome.status === 'converged');
    await waitFor('the agent to converge once', converged, { timeoutMs: 30_000 });
    await writeFiles(join(s.dir, 'repo'), { 'agent.yaml': configMap('agent-blocked') });
    const running = service.agent.trigger('manual');
    await waitFor('the agent to be writing', () => blocked, { timeoutMs: 15_000 });

    const beside = await apply(
      (o) => recording(cliClient(o), 'apply', log),
      (line) => {
        if (line.includes(`waiting for the writer lock held by ${AGENT}`)) open();
      },
    );
    // (An apply that did not wait for the agent ends here while the agent is still blocked.)
    open();
    assert.deepEqual(await running, { ok: true });
    assert.equal(beside.code, 0, beside.err);
    assert.match(
      beside.err,
      new RegExp(`cluster ${CLUSTERS[0]}: waiting for the writer lock held by ${AGENT}`),
    );

    const identityOf = (w: Write) => (w.writer === 'agent' ? AGENT : 'fedsync apply ');
    const outside = log.filter((w) => !w.holder.startsWith(identityOf(w)));
    assert.deepEqual(outside, [], 'every write was made while its writer held the cluster Lease');
    for (const writer of ['agent', 'apply'])
      assert.ok(
        log.some((w) => w.writer === writer && w.cluster === CLUSTERS[0]),
        `${writer} wrote to ${CLUSTERS[0]}`,
      );
    for (const c of CLUSTERS) assert.equal(holderNow(c), '', `${c}: released by both`);
  } finally {
    open();
    await service.stop({ graceMs: 1000 });
  }
});

const leaseOf = (cluster: string) =>
  clientNodeLeaseApi({
    kubeConfig: loadKubeConfig(s.world.files!.kubeconfig, cluster),
    namespace: 'fedsync-system',
    name: writerLeaseName(FEDERATION),
    cluster,
  });

const valueIn = (cluster: string, name: string): string | undefined => {
  const sim = s.world.cluster(cluster)!;
  const cm = sim.store.get(sim.resource('v1', 'ConfigMap'), 'default', name) as
    { data?: Record<string, string> } | undefined;
  return cm?.data?.v;
};

function editBy(cluster: string, name: string, v: string): void {
  const sim = s.world.cluster(cluster)!;
  sim.api.patch(
    sim.resource('v1', 'ConfigMap'),
    'default',
    name,
    { type: 'application/merge-patch+json', body: JSON.stringify({ data: { v } }) },
    { fieldManager: 'kubectl-edit' },
  );
}

test('a drift correction waits while another writer holds the lock, and corrects once it is free', async () => {
  const cluster = CLUSTERS[1]!;
  const loaded = await readRepoDir(join(s.dir, 'repo'), join(s.dir, 'cache'));
  assert.ok(loaded.ok);
  const waits: string[] = [];
  const fleet = await s.fleetFor(loaded.value, {
    writerLock: {
      identity: 'agent-drift',
      waitMs: 60_000,
      timing: { leaseDurationSeconds: 5, renewDeadlineMs: 4000, retryPeriodMs: 100 },
      onWait: (c, holder) => waits.push(`${c} ${holder}`),
    },
    live: { healthIntervalMs: 60_000 },
  });
  const first = await reconcileOnce({ read: () => Promise.resolve(loaded), targets: { cluster: fleet } });
  assert.equal(first.status, 'converged', JSON.stringify(first.problems));
  assert.equal(holderNow(cluster), '', 'the reconcile let the lock go');

  const other = await acquireWriterLock({ api: leaseOf(cluster), identity: 'someone-else' });
  try {
    editBy(cluster, 'base-1', 'edited');
    await waitFor('the correction to wait for the lock', () => waits.includes(`${cluster} someone-else`), {
      timeoutMs: 15_000,
    });
    assert.equal(valueIn(cluster, 'base-1'), 'edited', 'not corrected while another writer holds the lock');
    assert.deepEqual(fleet.takeDrift(), [], 'the correction is still waiting');
  } finally {
    await other.release();
  }
  await waitFor('the correction once the lock is free', () => valueIn(cluster, 'base-1') === '1', {
    timeoutMs: 15_000,
  });
  const drift = await waitFor('the drift to be recorded', () => {
    const found = fleet.takeDrift();
    return found.length > 0 ? found : undefined;
  });
  assert.deepEqual(
    drift.map((d) => [d.cluster, d.ref.name, d.correction]),
    [[cluster, 'base-1', 'done']],
  );
  await waitFor('the correction to let the lock go', () => holderNow(cluster) === '');
});

test('a drift correction that cannot get the lock in time is not made and names the holder', async () => {
  const cluster = CLUSTERS[2]!;
  const loaded = await readRepoDir(join(s.dir, 'repo'), join(s.dir, 'cache'));
  assert.ok(loaded.ok);
  const fleet = await s.fleetFor(loaded.value, {
    writerLock: {
      identity: 'agent-drift-2',
      waitMs: 200,
      timing: { leaseDurationSeconds: 5, renewDeadlineMs: 4000, retryPeriodMs: 100 },
    },
    live: { healthIntervalMs: 60_000 },
  });
  const first = await reconcileOnce({ read: () => Promise.resolve(loaded), targets: { cluster: fleet } });
  assert.equal(first.status, 'converged', JSON.stringify(first.problems));
  const other = await acquireWriterLock({ api: leaseOf(cluster), identity: 'someone-else' });
  try {
    editBy(cluster, 'base-2', 'edited');
    const drift = await waitFor(
      'the drift to be given up',
      () => {
        const found = fleet.takeDrift();
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 15_000 },
    );
    assert.equal(drift.length, 1);
    assert.equal(drift[0]!.correction, 'notRun');
    assert.match(
      drift[0]!.reason ?? '',
      /not corrected: another writer has the lock: .* held by someone-else/,
    );
    assert.equal(valueIn(cluster, 'base-2'), 'edited');
  } finally {
    await other.release();
  }
  // The next reconcile puts it right, under the lock.
  const again = await reconcileOnce({ read: () => Promise.resolve(loaded), targets: { cluster: fleet } });
  assert.notEqual(again.status, 'failed', JSON.stringify(again.problems));
  assert.equal(valueIn(cluster, 'base-2'), '1');
});
