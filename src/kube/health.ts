// Cluster health from periodic probes (docs/cluster-sync.md): Offline after 3 consecutive failed probes,
// Ready after 1 success. Clusters start Ready (optimistic, so a fresh agent plans at once); a
// cluster down at start turns Offline after `failuresToOffline` intervals. A probe still running
// (a hanging cluster, until its request timeout) is not started twice. Timers are injectable.
import { ClusterHealth, type ClusterName } from '../model/index.js';
import type { ClusterClient } from './port.js';

export const defaultHealthIntervalMs = 10_000;
export const failuresToOffline = 3;

export type HealthTimers = {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
};

const realTimers: HealthTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export type HealthChange = { cluster: ClusterName; health: ClusterHealth; previous: ClusterHealth };

export type HealthMonitor = {
  health(cluster: ClusterName): ClusterHealth;
  all(): Record<ClusterName, ClusterHealth>;
  onChange(listener: (change: HealthChange) => void): () => void;
  /** One probe of every cluster (those not already being probed); resolves when all answered. */
  probeAll(): Promise<void>;
  add(client: Pick<ClusterClient, 'name' | 'probe'>): void;
  remove(cluster: ClusterName): void;
  /** Probes now, then every interval. */
  start(): void;
  stop(): void;
};

type State = { health: ClusterHealth; failures: number; probing: boolean };

export function createHealthMonitor(options: {
  clients: readonly Pick<ClusterClient, 'name' | 'probe'>[];
  intervalMs?: number;
  timers?: HealthTimers;
  initial?: ClusterHealth;
}): HealthMonitor {
  const timers = options.timers ?? realTimers;
  const clients = new Map<ClusterName, Pick<ClusterClient, 'name' | 'probe'>>();
  const states = new Map<ClusterName, State>();
  const listeners = new Set<(change: HealthChange) => void>();
  let handle: unknown;

  const set = (cluster: ClusterName, state: State, health: ClusterHealth): void => {
    const previous = state.health;
    state.health = health;
    if (previous === health) return;
    for (const l of listeners) {
      try {
        l({ cluster, health, previous });
      } catch {
        // A listener's failure does not stop the others from hearing about the change.
      }
    }
  };

  const probeOne = async (client: Pick<ClusterClient, 'name' | 'probe'>): Promise<void> => {
    const state = states.get(client.name);
    if (!state || state.probing) return;
    state.probing = true;
    let ok: boolean;
    try {
      ok = await client.probe();
    } catch {
      ok = false;
    }
    state.probing = false;
    if (states.get(client.name) !== state) return; // removed meanwhile
    if (ok) {
      state.failures = 0;
      set(client.name, state, ClusterHealth.Ready);
    } else {
      state.failures++;
      if (state.failures >= failuresToOffline) set(client.name, state, ClusterHealth.Offline);
    }
  };

  const monitor: HealthMonitor = {
    health: (cluster) => states.get(cluster)?.health ?? ClusterHealth.Offline,
    all: () => Object.fromEntries([...states].map(([name, s]) => [name, s.health])),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async probeAll() {
      await Promise.all([...clients.values()].map(probeOne));
    },
    add(client) {
      clients.set(client.name, client);
      states.set(client.name, {
        health: options.initial ?? ClusterHealth.Ready,
        failures: 0,
        probing: false,
      });
    },
    remove(cluster) {
      clients.delete(cluster);
      states.delete(cluster);
    },
    start() {
      if (handle !== undefined) return;
      void monitor.probeAll();
      handle = timers.setInterval(
        () => void monitor.probeAll(),
        options.intervalMs ?? defaultHealthIntervalMs,
      );
    },
    stop() {
      if (handle !== undefined) timers.clearInterval(handle);
      handle = undefined;
    },
  };
  for (const c of options.clients) monitor.add(c);
  return monitor;
}
