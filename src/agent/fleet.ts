// The member clusters of one federation as one value (the Fleet port): a client, a watch-backed
// cache and a health verdict per registered cluster (its kubeconfig context), the observe step, the
// inventory writer and, for the long-lived agent, drift detection fed by the caches' watch events.
// Built from a kubeconfig file or from a simulated world's directory (`--sim`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import pLimit from 'p-limit';
import { ClusterHealth, refOf } from '../model/index.js';
import type {
  ClusterName,
  ClusterRegistration,
  Drift,
  FederationRepo,
  ObservedCluster,
} from '../model/index.js';
import { placedClusters } from '../federation/placement.js';
import { createClusterCache, podsAndNodes } from '../kube/cache.js';
import type { ClusterCache } from '../kube/cache.js';
import { createDriftDetector } from '../kube/drift.js';
import { kubeconfigLoadError } from '../kube/errors.js';
import { createHealthMonitor, defaultHealthIntervalMs, failuresToOffline } from '../kube/health.js';
import type { HealthChange, HealthMonitor } from '../kube/health.js';
import { writeInventory } from '../kube/inventory.js';
import { observeCluster } from '../kube/observe.js';
import type { DesiredRef } from '../kube/observe.js';
import type { ClusterClient } from '../kube/port.js';
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
  };
  /** One-shot: pause between probes of a cluster that did not answer. */
  probeIntervalMs?: number;
  /** How long a cache may take to list everything before the cluster counts as unobservable. */
  syncTimeoutMs?: number;
};

/** The kubeconfig a running simulated world wrote (`fedsync sim up --out <dir>`). */
export async function simKubeconfig(dir: string): Promise<string> {
  const file = join(dir, 'sim.json');
  let sim: { kubeconfig?: string };
  try {
    sim = JSON.parse(await readFile(file, 'utf8')) as { kubeconfig?: string };
  } catch {
    throw new Error(
      `no running world in ${dir}: ${file} is missing (start one with \`fedsync sim up --out ${dir}\`)`,
    );
  }
  return sim.kubeconfig || join(dir, 'kubeconfig');
}

/** Context names in a kubeconfig file (no credentials are read into anything we print). */
async function contextsOf(path: string): Promise<Set<string>> {
  let doc: { contexts?: { name?: string }[] } | undefined;
  try {
    doc = load(await readFile(path, 'utf8')) as typeof doc;
  } catch (err) {
    throw kubeconfigLoadError(path, err);
  }
  return new Set((doc?.contexts ?? []).map((c) => c.name ?? '').filter(Boolean));
}

/** The desired objects placed in `cluster` (GETs for adoption are only made for these). */
function desiredRefsFor(repo: FederationRepo, cluster: ClusterName): DesiredRef[] {
  return repo.objects
    .filter((o) => placedClusters(o.placement, repo.clusters).includes(cluster))
    .map((o) => ({ ...refOf(o.template), apiVersion: o.template.apiVersion }));
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
  const drift = options.live
    ? createDriftDetector({ clients, ...(options.live.onDrift ? { onDrift: options.live.onDrift } : {}) })
    : undefined;
  if (options.live) {
    monitor = createHealthMonitor({
      clients: [...clients.values()],
      intervalMs: options.live.healthIntervalMs ?? defaultHealthIntervalMs,
    });
    if (options.live.onHealthChange) monitor.onChange(options.live.onHealthChange);
    monitor.start();
    if (drift) for (const cache of caches.values()) cache.onEvent((e) => drift.onEvent(e.cluster, e));
  }

  const observeOne = async (name: ClusterName, repo: FederationRepo): Promise<ObservedCluster> => {
    const client = clients.get(name)!;
    const cache = caches.get(name)!;
    const health = monitor
      ? monitor.health(name)
      : await probedHealth(client, options.probeIntervalMs ?? 200);
    try {
      return await observeCluster({
        client,
        cache,
        federation: repo.federation.name,
        health,
        desired: desiredRefsFor(repo, name),
        ...(options.syncTimeoutMs ? { syncTimeoutMs: options.syncTimeoutMs } : {}),
      });
    } catch {
      // Answered a probe but could not be observed (list, watch or inventory failed): it still
      // counts as Ready for scheduling until the health check says otherwise, but with an unknown
      // inventory nothing is written or pruned there this cycle (apply reports it).
      return { name, health, objects: {}, inventory: null, workloads: {} };
    }
  };

  const limit = pLimit(8);
  return {
    clients,
    missingContexts,
    observe: (repo) => Promise.all([...clients.keys()].map((name) => limit(() => observeOne(name, repo)))),
    writeInventory: async (client, keys) => {
      await writeInventory(client, options.federation, keys);
    },
    ...(drift ? { drift } : {}),
    async stop() {
      monitor?.stop();
      for (const cache of caches.values()) cache.stop();
      await drift?.idle();
    },
  };
}
