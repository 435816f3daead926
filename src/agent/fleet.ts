// The member clusters of one federation as one value (the Fleet port): a client per registered
// cluster (its kubeconfig context), the observe step, the inventory writer and, when given, the
// drift tracker. Built from a kubeconfig file or from a simulated world's directory (`--sim`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { ClusterName, ClusterRegistration, FederationRepo, ObservedCluster } from '../model/index.js';
import type { ClusterClient } from '../kube/port.js';
import type { DriftTracker, Fleet } from './fleet-port.js';
import { observeDirect } from './observe-direct.js';
import { readInventory, writeInventory } from './inventory-configmap.js';

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
  /** Probes before a cluster counts as Offline in a one-shot observe (DESIGN.md §3: 3). */
  probeAttempts?: number;
  probeIntervalMs?: number;
  drift?: DriftTracker;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  const { load } = await import('js-yaml');
  const doc = load(await readFile(path, 'utf8')) as { contexts?: { name?: string }[] } | undefined;
  return new Set((doc?.contexts ?? []).map((c) => c.name ?? '').filter(Boolean));
}

export async function createFleet(options: FleetOptions): Promise<Fleet & { missingContexts: string[] }> {
  const contexts = await contextsOf(options.kubeconfigPath);
  const clients = new Map<ClusterName, ClusterClient>();
  const missingContexts: string[] = [];
  for (const reg of options.registrations) {
    if (!contexts.has(reg.kubeconfigContext)) {
      missingContexts.push(reg.name);
      continue;
    }
    clients.set(
      reg.name,
      options.createClient({
        name: reg.name,
        kubeconfigPath: options.kubeconfigPath,
        context: reg.kubeconfigContext,
      }),
    );
  }
  const attempts = options.probeAttempts ?? 3;
  const interval = options.probeIntervalMs ?? 200;

  const ready = async (client: ClusterClient): Promise<boolean> => {
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(interval);
      if (await client.probe().catch(() => false)) return true;
    }
    return false;
  };

  const observeOne = async (
    name: ClusterName,
    client: ClusterClient,
    repo: FederationRepo,
  ): Promise<ObservedCluster> => {
    const offline: ObservedCluster = { name, health: 'Offline', objects: {}, inventory: null, workloads: {} };
    if (!(await ready(client))) return offline;
    let inventory: string[] | null;
    try {
      inventory = await readInventory(client, repo.federation.name);
    } catch {
      inventory = null;
    }
    try {
      const seen = await observeDirect({ client, repo, inventory });
      return { name, health: 'Ready', inventory, ...seen };
    } catch {
      return offline;
    }
  };

  const limit = pLimit(8);
  return {
    clients,
    missingContexts,
    async observe(repo) {
      return Promise.all([...clients].map(([name, client]) => limit(() => observeOne(name, client, repo))));
    },
    writeInventory: (client, keys) => writeInventory(client, options.federation, keys),
    ...(options.drift ? { drift: options.drift } : {}),
    async stop() {},
  };
}
