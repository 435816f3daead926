// The member clusters of one federation as one value (the Fleet port): per registered cluster (its
// kubeconfig context) a client, a watch-backed cache, a health verdict and the cluster target the
// reconciler drives; for the long-lived agent, drift detection fed by the caches' watch events.
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { ClusterHealth } from '../model/index.js';
import type { ClusterName, ClusterRegistration, Drift } from '../model/index.js';
import { createClusterCache, podsAndNodes } from '../kube/cache.js';
import type { ClusterCache } from '../kube/cache.js';
import { createDriftDetector } from '../kube/drift.js';
import type { DriftDetector } from '../kube/drift.js';
import type { CorrectionBudget } from '../plan/drift.js';
import { createHealthMonitor, defaultHealthIntervalMs, failuresToOffline } from '../kube/health.js';
import type { HealthChange, HealthMonitor } from '../kube/health.js';
import { writeInventory } from '../kube/inventory.js';
import type { ClusterClient } from '../kube/port.js';
import { clusterTarget } from '../kube/target.js';
import type { Target } from '../reconcile/target-port.js';
import type { Fleet } from './fleet-port.js';

export type ClientFactory = (options: {
  name: ClusterName;
  kubeconfigPath: string;
  context: string;
}) => ClusterClient;

export type FleetOptions = {
  kubeconfigPath: string;
  registrations: ClusterRegistration[];
  federation: string;
  createClient: ClientFactory;
  /**
   * Long-lived (the agent): health is probed every `healthIntervalMs` (Offline after 3 failures,
   * Ready after 1 success), caches stay open between cycles, and drift is detected from their
   * watch events. Without it (one-shot `plan`/`apply`): up to 3 probes decide health once.
   */
  live?: {
    healthIntervalMs?: number;
    onDrift?: (drift: Drift) => void;
    /** A cluster went Offline or came back: the agent reconciles at once to move replicas. */
    onHealthChange?: (change: HealthChange) => void;
    /** Corrections of one object per window before drift is only reported. */
    correctionLimit?: CorrectionBudget;
  };
  /**
   * A drift detector made from the clients, for a caller that feeds it watch events itself; the
   * cluster targets tell it about fedsync's writes. `live` makes one fed by the caches.
   */
  drift?: (clients: ReadonlyMap<ClusterName, ClusterClient>) => DriftDetector;
  /** One-shot: pause between probes of a cluster that did not answer. */
  probeIntervalMs?: number;
  /** How long a cache may take to list everything before the cluster counts as unobservable. */
  syncTimeoutMs?: number;
};

/** Context names in a kubeconfig file (no credentials are read into anything we print). */
async function contextsOf(path: string): Promise<Set<string>> {
  const doc = load(await readFile(path, 'utf8')) as { contexts?: { name?: string }[] } | undefined;
  return new Set((doc?.contexts ?? []).map((c) => c.name ?? '').filter(Boolean));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function probedHealth(client: ClusterClient, intervalMs: number): Promise<ClusterHealth> {
  for (let i = 0; i < failuresToOffline; i++) {
    if (i > 0) await sleep(intervalMs);
    if (await client.probe().catch(() => false)) return ClusterHealth.Ready;
  }
  return ClusterHealth.Offline;
}

export async function createFleet(options: FleetOptions): Promise<Fleet & { missingContexts: string[] }> {
  const contexts = await contextsOf(options.kubeconfigPath);
  const clients = new Map<ClusterName, ClusterClient>();
  const caches = new Map<ClusterName, ClusterCache>();
  const missingContexts: string[] = [];
  for (const reg of options.registrations) {
    if (!contexts.has(reg.kubeconfigContext)) {
      missingContexts.push(reg.name);
      continue;
    }
    const client = options.createClient({
      name: reg.name,
      kubeconfigPath: options.kubeconfigPath,
      context: reg.kubeconfigContext,
    });
    clients.set(reg.name, client);
    caches.set(reg.name, createClusterCache({ client, federation: options.federation, kinds: podsAndNodes }));
  }

  let monitor: HealthMonitor | undefined;
  const live = options.live;
  const drift = options.drift
    ? options.drift(clients)
    : live
      ? createDriftDetector({
          clients,
          ...(live.onDrift ? { onDrift: live.onDrift } : {}),
          ...(live.correctionLimit ? { correctionLimit: live.correctionLimit } : {}),
        })
      : undefined;
  if (live) {
    monitor = createHealthMonitor({
      clients: [...clients.values()],
      intervalMs: live.healthIntervalMs ?? defaultHealthIntervalMs,
    });
    if (live.onHealthChange) monitor.onChange(live.onHealthChange);
    monitor.start();
    if (drift) for (const cache of caches.values()) cache.onEvent((e) => drift.onEvent(e.cluster, e));
  }

  const targets: Target<'cluster'>[] = [...clients].map(([name, client]) =>
    clusterTarget({
      client,
      cache: caches.get(name)!,
      federation: options.federation,
      health: () => (monitor ? monitor.health(name) : probedHealth(client, options.probeIntervalMs ?? 200)),
      writeInventory: async (c, keys) => {
        await writeInventory(c, options.federation, keys);
      },
      ...(drift ? { drift } : {}),
      ...(options.syncTimeoutMs ? { syncTimeoutMs: options.syncTimeoutMs } : {}),
    }),
  );

  return {
    clients,
    targets,
    missingContexts,
    ...(drift ? { drift } : {}),
    async stop() {
      monitor?.stop();
      for (const cache of caches.values()) cache.stop();
      await drift?.idle();
    },
  };
}
