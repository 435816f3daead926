// The member clusters of one federation as one target port (the Fleet): a client, a watch-backed
// cache and a health verdict per registered cluster (its kubeconfig context); observe reads every
// cluster, apply executes one cluster's plan. A long-lived fleet also detects drift from the caches'
// watch events. Built from a kubeconfig file (a simulated world writes one too).
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import pLimit from 'p-limit';
import { ClusterHealth, refKey, refOf } from '../model/index.js';
import type {
  ClusterName,
  ClusterPlan,
  Clock,
  ClusterRegistration,
  Drift,
  FederationRepo,
  KubeObject,
  MemberIngressPort,
  ObservedCluster,
  TargetPort,
} from '../model/index.js';
import { systemClock } from '../clock.js';
import { placedClusters } from '../federation/placement.js';
import { applyClusterPlan } from './apply.js';
import { createClusterCache, podsAndNodes } from './cache.js';
import type { ClusterCache } from './cache.js';
import { createDriftDetector } from './drift.js';
import type { DriftDetector } from './drift.js';
import { kubeconfigLoadError } from './errors.js';
import { createHealthMonitor, defaultHealthIntervalMs, failuresToOffline } from './health.js';
import type { HealthChange, HealthMonitor } from './health.js';
import { writeInventory } from './inventory.js';
import { observeCluster } from './observe.js';
import type { DesiredRef } from './observe.js';
import type { ClusterClient } from './port.js';
import { memberIngressPort } from './write-back.js';

/** The member clusters as the cluster target port, plus what only clusters have. */
export type Fleet = TargetPort<ObservedCluster, ClusterPlan> & {
  /** One client per registered cluster the kubeconfig has a context for. */
  readonly clients: ReadonlyMap<ClusterName, ClusterClient>;
  /** Registered clusters whose kubeconfigContext the kubeconfig lacks. */
  readonly missingContexts: ClusterName[];
  /** Drift the watch found since the last call (long-lived fleets; always empty otherwise). */
  takeDrift(): Drift[];
  /** The member Ingresses as the load balancer's write-back reaches them. */
  readonly memberIngresses: MemberIngressPort;
  stop(): Promise<void>;
};

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
  /**
   * A drift detector to hand every apply's writes and desired state to, when the caller feeds it
   * watch events itself; a live fleet makes its own.
   */
  drift?: DriftDetector;
  /** One-shot: pause between probes of a cluster that did not answer. */
  probeIntervalMs?: number;
  /** How long a cache may take to list everything before the cluster counts as unobservable. */
  syncTimeoutMs?: number;
  /** Event times of the write-back (default: the system clock). */
  clock?: Clock;
};

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

export async function createFleet(options: FleetOptions): Promise<Fleet> {
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
  const drift =
    options.drift ??
    (options.live
      ? createDriftDetector({ clients, ...(options.live.onDrift ? { onDrift: options.live.onDrift } : {}) })
      : undefined);
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
    observe: ({ repo }) =>
      Promise.all([...clients.keys()].map((name) => limit(() => observeOne(name, repo)))),
    async apply(plan, { observed, observer }) {
      const result = await applyClusterPlan({
        plan,
        client: clients.get(plan.name),
        inventory: observed?.inventory ?? null,
        writeInventory: (client, keys) => writeInventory(client, options.federation, keys).then(() => {}),
        ...(observer ? { observer } : {}),
        ...(drift ? { writes: drift.listener } : {}),
      });
      drift?.setDesired(plan.name, inLine(plan, result.results), { selfHeal: plan.selfHeal });
      return result;
    },
    takeDrift: () => drift?.takeDrift() ?? [],
    memberIngresses: memberIngressPort({ clients, caches, clock: options.clock ?? systemClock }),
    async stop() {
      monitor?.stop();
      for (const cache of caches.values()) cache.stop();
      await drift?.idle();
    },
  };
}

/**
 * The desired objects that match Git after the apply: what later watch events are compared with. A
 * failed or skipped object is left out, so it is not "corrected" in a loop.
 */
function inLine(plan: ClusterPlan, results: readonly { key: string; outcome: string }[]): KubeObject[] {
  const done = new Set(results.filter((r) => r.outcome === 'done').map((r) => r.key));
  const out: KubeObject[] = [];
  for (const a of plan.actions) {
    if (a.action === 'unchanged') out.push(a.object);
    else if (
      (a.action === 'create' || a.action === 'update' || a.action === 'adopt') &&
      done.has(refKey(a.ref))
    )
      out.push(a.object);
  }
  return out;
}
