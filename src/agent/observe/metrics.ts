// The agent's Prometheus metrics, on a Registry of its own (never prom-client's global one, so two
// agents in one process — tests, the demo — never mix their numbers). The agent reports facts through
// role-named functions; only this file knows metric names and labels. Label values are cluster
// names, forges, results and codes: never object names (unbounded) and never anything secret.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome, ReconcileStatus } from '../../model/index.js';
import type { ForgeKind } from '../config/settings.js';
import type { WebhookResult } from '../webhook/handler.js';

/** The port: what the agent tells about itself. */
export type AgentMetrics = {
  reconcileFinished(o: { seconds: number; result: ReconcileStatus }): void;
  /** The commit now applied; replaces the previous one (an info-style gauge with the sha label). */
  revisionApplied(o: { sha: string; branch?: string; atMs: number }): void;
  /** Objects per state in one cluster (`in-sync`, `drifted`, `missing`, `failed`, …); replaces that cluster's. */
  setObjects(cluster: string, byState: Record<string, number>): void;
  setDrift(cluster: string, objects: number): void;
  driftCorrected(cluster: string, objects?: number): void;
  kubeRequest(o: { cluster: string; verb: string; code: number | 'error' }): void;
  kubeError(o: { cluster: string; code: string }): void;
  gcpRequest(o: { method: string; code: number | 'error' }): void;
  gcpError(o: { code: string }): void;
  gcpOperation(o: { kind: string; result: Extract<Outcome, 'done' | 'failed'>; seconds: number }): void;
  setClusterHealth(cluster: string, ready: boolean): void;
  /** A cluster that left the fleet: its series go away. */
  forgetCluster(cluster: string): void;
  webhookDelivery(o: { forge: ForgeKind | 'unknown'; result: WebhookResult }): void;
  setLeader(o: { lease: string; leading: boolean }): void;
};

export type PromMetrics = AgentMetrics & {
  readonly registry: Registry;
  /** The text exposition format, and its content type. */
  scrape(): Promise<{ contentType: string; text: string }>;
};

type Labels = Record<string, string>;

/** prom-client removes only exact label sets: remember which ones were used, to drop a cluster's. */
function tracked(metric: { remove(labels: Labels): void }) {
  const seen = new Map<string, Labels>();
  return {
    note<L extends Labels>(labels: L): L {
      seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
      return labels;
    },
    removeWhere(pred: (labels: Labels) => boolean): void {
      for (const [key, labels] of seen) {
        if (!pred(labels)) continue;
        metric.remove(labels);
        seen.delete(key);
      }
    },
  };
}

export function createMetrics(options: { prefix?: string; processMetrics?: boolean } = {}): PromMetrics {
  const p = options.prefix ?? 'fedsync_';
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });

  const reconcile = new Histogram({
    name: `${p}reconcile_duration_seconds`,
    help: 'Duration of one reconcile (read, plan, apply, report), by result.',
    labelNames: ['result'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const revision = new Gauge({
    name: `${p}last_applied_revision_info`,
    help: 'The commit last applied (value 1, the sha in a label).',
    labelNames: ['sha', 'branch'],
    registers,
  });
  const appliedAt = new Gauge({
    name: `${p}last_applied_timestamp_seconds`,
    help: 'When the last commit was applied (Unix time).',
    registers,
  });
  const objects = new Gauge({
    name: `${p}objects`,
    help: 'Managed objects per cluster and state.',
    labelNames: ['cluster', 'state'],
    registers,
  });
  const drift = new Gauge({
    name: `${p}drift_objects`,
    help: 'Objects that differ from the repository, per cluster.',
    labelNames: ['cluster'],
    registers,
  });
  const corrected = new Counter({
    name: `${p}drift_corrected_total`,
    help: 'Drifted objects put back, per cluster.',
    labelNames: ['cluster'],
    registers,
  });
  const kubeRequests = new Counter({
    name: `${p}kube_requests_total`,
    help: 'Requests to member clusters by verb and HTTP code.',
    labelNames: ['cluster', 'verb', 'code'],
    registers,
  });
  const kubeErrors = new Counter({
    name: `${p}kube_request_errors_total`,
    help: 'Failed requests to member clusters by error code.',
    labelNames: ['cluster', 'code'],
    registers,
  });
  const gcpRequests = new Counter({
    name: `${p}gcp_requests_total`,
    help: 'Requests to the Compute Engine API by method and HTTP code.',
    labelNames: ['method', 'code'],
    registers,
  });
  const gcpErrors = new Counter({
    name: `${p}gcp_request_errors_total`,
    help: 'Failed requests to the Compute Engine API by error code.',
    labelNames: ['code'],
    registers,
  });
  const gcpOps = new Histogram({
    name: `${p}gcp_operation_duration_seconds`,
    help: 'Compute Engine operations from insert/patch/delete until DONE, by kind and result.',
    labelNames: ['kind', 'result'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600],
    registers,
  });
  const health = new Gauge({
    name: `${p}cluster_ready`,
    help: 'Whether a member cluster answers its health probe (1 Ready, 0 Offline).',
    labelNames: ['cluster'],
    registers,
  });
  const webhooks = new Counter({
    name: `${p}webhook_deliveries_total`,
    help: 'Webhook deliveries by forge and result (accepted, bad_signature, replayed, too_large, …).',
    labelNames: ['forge', 'result'],
    registers,
  });
  const leader = new Gauge({
    name: `${p}leader`,
    help: 'Whether this replica holds the Lease (1) or follows (0).',
    labelNames: ['lease'],
    registers,
  });

  const tObjects = tracked(objects);
  const tDrift = tracked(drift);
  const tCorrected = tracked(corrected);
  const tKube = tracked(kubeRequests);
  const tKubeErr = tracked(kubeErrors);
  const tHealth = tracked(health);
  const perCluster = [tObjects, tDrift, tCorrected, tKube, tKubeErr, tHealth];

  return {
    registry,
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
    reconcileFinished: ({ seconds, result }) => reconcile.observe({ result }, seconds),
    revisionApplied({ sha, branch, atMs }) {
      revision.reset();
      revision.set({ sha, branch: branch ?? '' }, 1);
      appliedAt.set(atMs / 1000);
    },
    setObjects(cluster, byState) {
      // Every state of the cluster is replaced: one that went to zero objects must not linger.
      tObjects.removeWhere((l) => l.cluster === cluster);
      for (const [state, n] of Object.entries(byState)) objects.set(tObjects.note({ cluster, state }), n);
    },
    setDrift: (cluster, n) => drift.set(tDrift.note({ cluster }), n),
    driftCorrected: (cluster, n = 1) => corrected.inc(tCorrected.note({ cluster }), n),
    kubeRequest: ({ cluster, verb, code }) =>
      kubeRequests.inc(tKube.note({ cluster, verb, code: String(code) })),
    kubeError: ({ cluster, code }) => kubeErrors.inc(tKubeErr.note({ cluster, code })),
    gcpRequest: ({ method, code }) => gcpRequests.inc({ method, code: String(code) }),
    gcpError: ({ code }) => gcpErrors.inc({ code }),
    gcpOperation: ({ kind, result, seconds }) => gcpOps.observe({ kind, result }, seconds),
    setClusterHealth: (cluster, ready) => health.set(tHealth.note({ cluster }), ready ? 1 : 0),
    forgetCluster(cluster) {
      for (const t of perCluster) t.removeWhere((l) => l.cluster === cluster);
    },
    webhookDelivery: ({ forge, result }) => webhooks.inc({ forge, result }),
    setLeader: ({ lease, leading }) => leader.set({ lease }, leading ? 1 : 0),
  };
}
