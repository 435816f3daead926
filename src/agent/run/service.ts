// The agent as a service, from its configuration: reads the repository, reaches the clusters, elects
// a leader on a Lease in its own cluster, runs the agent loop and serves /metrics, /healthz, /readyz,
// webhooks, the manual trigger, suspend/resume and its status. `fedsync run` is this plus signals;
// tests start several in one process. Stopping lets the run in flight finish (or records every write
// it could not make), gives the Lease back, then closes the listener.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLeaseLock, clientNodeLeaseApi } from '../../kube/lease.js';
import { createFleet } from '../../kube/fleet.js';
import type { HealthChange } from '../../kube/health.js';
import { createParseCache } from '../../manifests/load.js';
import type { Drift } from '../../model/index.js';
import { loadRepo, type LoadedRepo } from '../../source/load-repo.js';
import type { GitAuth } from '../../source/auth.js';
import { everySeconds, startAgent, type Agent, type AgentRun } from '../agent.js';
import type { AgentConfig } from '../config/types.js';
import { startLeaderElector, type LeaderElector } from '../leader/elector.js';
import type { Logger } from '../observe/logger.js';
import { createMetrics, type PromMetrics } from '../observe/metrics.js';
import { startAgentServer, type AgentServer, type TriggerResult } from '../observe/server.js';
import { clustersOfShard, shardLeaseName } from '../sharding/assign.js';
import { createWebhookHandler } from '../webhook/handler.js';
import { createWriteGate } from '../write-gate.js';
import { agentClientFactory, agentUserAgent } from './clients.js';
import { connect, IN_CLUSTER_CONTEXT, type Connections } from './connect.js';
import { createFleetHolder, type FleetHolder } from './fleet-holder.js';
import { agentLoadBalancer } from './load-balancer.js';
import { recordRun, statusOf } from './record.js';
import { DEFAULT_STATUS_BRANCH } from '../../report/publish/status-branch.js';
import { withAgentPolicy } from './policy-overrides.js';
import { agentReporting } from './reporting.js';
import { readSecret, type Env } from './secrets.js';

export { everySeconds };

export type AgentService = {
  readonly url: string;
  readonly agent: Agent;
  readonly metrics: PromMetrics;
  readonly fleet: FleetHolder;
  readonly connections: Connections;
  leading(): boolean;
  /** Graceful stop: see Agent.stop; then the Lease is released and the listener closed. */
  stop(options?: { graceMs?: number }): Promise<void>;
};

export type ServiceOptions = {
  config: AgentConfig;
  version: string;
  log: Logger;
  env?: Env;
  /** Called after each run (the CLI prints a line; tests collect them). */
  onRun?: (run: AgentRun) => void;
  /** Called for each drift the watch finds, after the agent has logged and queued it (the demo prints it). */
  onDrift?: (drift: Drift) => void;
  /** Called when a member cluster's health verdict changes, after the agent has reacted. */
  onHealthChange?: (change: HealthChange) => void;
  /** Test seam: the member-cluster client factory (it must send the given User-Agent). */
  base?: Parameters<typeof agentClientFactory>[0]['base'];
  /** Member-cluster health probes this often (default 10 s). */
  healthIntervalMs?: number;
  /** Quiet time that ends a batch of watch drift before it is reported (default 2 s). */
  driftQuietMs?: number;
};

const gitAuth = (c: AgentConfig['repository']['credentials']): GitAuth | undefined =>
  c && {
    scheme: c.scheme,
    ...(c.username ? { username: c.username } : {}),
    ...('env' in c.token ? { tokenEnv: c.token.env } : { tokenFile: c.token.file }),
  };

/** The agent's own switches applied to the repository it read: off here means off. */
export async function startAgentService(options: ServiceOptions): Promise<AgentService> {
  const { config, log } = options;
  const env = options.env ?? process.env;
  const metrics = createMetrics();
  const connections = await connect(config);
  const le = config.leaderElection;
  const identity = le.identity;
  const userAgent = agentUserAgent(options.version, identity);
  const shard = config.sharding;
  const leaseName = shardLeaseName(le.leaseName, shard);

  let elector: LeaderElector | undefined;
  let agentRef: Agent | undefined;
  // Filled in once the reporter exists; the watch reports no drift before the first run.
  const driftSink: { report?: (d: Drift) => void } = {};
  const gate = createWriteGate(
    le.enabled
      ? {
          isLeader: () => elector?.isLeader() ?? false,
          leaderMessage: () =>
            `this replica (${identity}) does not hold Lease ${le.namespace}/${leaseName}` +
            (elector?.leader() ? ` (held by ${elector.leader()})` : '') +
            ': not written',
        }
      : {},
  );
  const since = new Date().toISOString();
  if (config.suspend) gate.suspend({ by: 'operator', reason: 'started suspended', since });

  const r = config.repository;
  const cache = createParseCache();
  const auth = gitAuth(r.credentials);
  let readOnce = false;
  const readAt = async (ref: string | undefined): Promise<LoadedRepo> => {
    const loaded = await loadRepo({
      repo: r.location,
      cacheDir: r.cacheDir,
      cache,
      env,
      ...(ref ? { ref } : {}),
      ...(r.caFile ? { caFile: r.caFile } : {}),
      ...(auth ? { auth } : {}),
      ...(r.fetchTimeouts ? { fetchTimeouts: r.fetchTimeouts } : {}),
      ...(r.policyFile ? { policyFile: r.policyFile } : {}),
    });
    return withAgentPolicy(loaded, config);
  };
  const read = async (): Promise<LoadedRepo> => {
    const loaded = await readAt(r.branch);
    readOnce = true;
    return loaded;
  };

  const clientFactory = agentClientFactory({
    userAgent,
    metrics,
    gate,
    ...(options.base ? { base: options.base } : {}),
  });
  const fleet = createFleetHolder({
    onClusterRemoved: (c) => metrics.forgetCluster(c),
    build: (repo) =>
      createFleet({
        kubeconfigPath: connections.kubeconfigPath,
        ...(connections.inCluster ? { extraContexts: [IN_CLUSTER_CONTEXT] } : {}),
        registrations: repo.clusters,
        federation: repo.federation.name,
        createClient: clientFactory,
        live: {
          healthIntervalMs: options.healthIntervalMs ?? 10_000,
          onDrift: (d) => {
            log.info({ cluster: d.cluster, object: d.ref, fields: d.fields.length }, 'drift');
            // Each shard reports the drift of the clusters it applies.
            if (!owns || owns({ kind: 'cluster', name: d.cluster })) driftSink.report?.(d);
            options.onDrift?.(d);
          },
          onHealthChange: (c) => {
            metrics.setClusterHealth(c.cluster, c.health === 'Ready');
            log.warn({ cluster: c.cluster, health: c.health, previous: c.previous }, 'cluster health');
            // Replicas move off an Offline cluster (and back) at once, not at the next tick.
            void agentRef?.trigger('health');
            options.onHealthChange?.(c);
          },
        },
      }),
  });
  // Sharded: this replica applies its clusters; shard 0 also owns the load balancer.
  const owns =
    shard.replicas > 1
      ? (t: { kind: string; name: string }): boolean => {
          if (t.kind !== 'cluster') return shard.index === 0;
          const names = fleet.lastObserved()?.repo.clusters.map((c) => c.name) ?? [t.name];
          return clustersOfShard(names, shard).includes(t.name);
        }
      : undefined;

  const lb = agentLoadBalancer({
    gcp: connections.gcp,
    members: () => fleet.current()?.memberIngresses,
  });
  // A plain directory has no commit to report on; a Git repository (local or remote) does.
  const isGit =
    r.kind !== 'path' || existsSync(join(r.location, '.git')) || existsSync(join(r.location, 'HEAD'));
  const reporting = isGit
    ? agentReporting({
        config,
        auth,
        log,
        env,
        readAt,
        targets: { cluster: fleet.port },
        leading: () => (le.enabled ? (elector?.isLeader() ?? false) : true),
        ...(options.driftQuietMs !== undefined ? { driftBatch: { quietMs: options.driftQuietMs } } : {}),
      })
    : {};
  if (reporting.drift) driftSink.report = reporting.drift;
  const agent = (agentRef = await startAgent({
    read,
    targets: { cluster: fleet.port, loadBalancer: lb.port },
    ...(reporting.reporter ? { reconcileOptions: { reporter: reporting.reporter } } : {}),
    ...(reporting.previews ? { previews: reporting.previews } : {}),
    gate,
    schedule: { cron: config.schedule.cron, jitterMs: config.schedule.jitterMs },
    driftIntervalMs: config.schedule.driftIntervalMs,
    ...(r.kind === 'path'
      ? { watchDir: r.location, watchIgnoredRefs: [`refs/heads/${DEFAULT_STATUS_BRANCH}`] }
      : {}),
    retry: config.retry,
    ...(owns ? { owns } : {}),
    onRun: (run) => {
      recordRun(run, { metrics, log, branch: r.branch });
      options.onRun?.(run);
    },
    onError: (err) => log.error({ err }, 'reconcile threw'),
  }));

  if (le.enabled) {
    elector = startLeaderElector({
      lock: createLeaseLock({
        api: clientNodeLeaseApi({
          kubeConfig: connections.home.kubeConfig,
          namespace: le.namespace,
          name: leaseName,
          cluster: connections.home.cluster,
          userAgent,
          createNamespace: true,
        }),
        identity,
        leaseDurationSeconds: le.leaseDurationSeconds,
      }),
      timing: {
        leaseDurationSeconds: le.leaseDurationSeconds,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
      },
      onStartedLeading: () => {
        metrics.setLeader({ lease: leaseName, leading: true });
        log.info({ lease: leaseName }, 'leading');
        void agent.trigger('leader');
      },
      onStoppedLeading: (end) => {
        metrics.setLeader({ lease: leaseName, leading: false });
        log.warn({ lease: leaseName, reason: end.reason }, end.message);
      },
      onNewLeader: (holder) => log.info({ lease: leaseName, holder }, 'leader'),
      onError: (err) => log.warn(err instanceof Error ? err.message : String(err)),
    });
    metrics.setLeader({ lease: leaseName, leading: false });
  }

  const trigger = async (reason: string): Promise<TriggerResult> => {
    const out = await agent.trigger(reason);
    // The newest finished run is this one: the next can only finish after more I/O.
    const run = agent.state().last;
    return out.ok ? { ok: true, ...(run ? { run } : {}) } : { ok: false, message: String(out.error) };
  };
  const followed = r.branch ? `refs/heads/${r.branch}` : undefined;
  const wh = config.webhook;
  const webhook =
    wh &&
    createWebhookHandler({
      secret: () => readSecret(wh.secret, env),
      maxBodyBytes: wh.maxBodyBytes,
      replayWindowMs: wh.replayWindowMs,
      onDelivery: (d) => metrics.webhookDelivery({ forge: d.forge, result: d.result }),
      onPush: (push) => {
        if (push.deleted || (followed && push.ref !== followed)) return;
        log.info({ forge: push.forge, ref: push.ref, after: push.after }, 'push');
        // Acknowledge at once; the run is queued behind the one in flight, if any.
        void agent.trigger('webhook');
      },
    });
  const token = config.trigger.token;
  let server: AgentServer;
  try {
    server = await startAgentServer({
      host: config.listen.host,
      port: config.listen.port,
      metrics,
      liveness: [{ name: 'process', check: () => true }],
      readiness: [
        { name: 'repository', check: () => readOnce },
        { name: 'caches', check: () => fleet.synced() },
      ],
      ...(webhook ? { webhook } : {}),
      reconcile: { trigger, ...(token ? { token: () => readSecret(token, env) } : {}) },
      routes: {
        '/status': (_req, res) => {
          const body = JSON.stringify(
            statusOf({ agent, fleet, identity, leading: elector ? elector.isLeader() : true }),
          );
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        },
      },
      actions: {
        '/suspend': (url) => {
          agent.suspend(url.searchParams.get('reason') ?? 'suspended from the CLI');
          return Promise.resolve({ status: 200, body: { suspended: agent.state().suspensions } });
        },
        '/resume': () => {
          void agent.resume();
          return Promise.resolve({ status: 200, body: { suspended: agent.state().suspensions } });
        },
      },
      onError: (err) => log.error({ err }, 'http'),
    });
  } catch (err) {
    await agent.stop({ graceMs: 0 });
    await elector?.stop();
    await fleet.stop();
    await lb.close();
    throw err;
  }
  log.info({ url: server.url, lease: le.enabled ? leaseName : undefined }, 'listening');
  void agent.trigger('start');

  return {
    url: server.url,
    agent,
    metrics,
    fleet,
    connections,
    leading: () => (elector ? elector.isLeader() : true),
    async stop(o) {
      await agent.stop(o);
      await reporting.close?.();
      await elector?.stop();
      await lb.close();
      await fleet.stop();
      await server.stop();
    },
  };
}
