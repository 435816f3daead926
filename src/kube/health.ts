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

/** What `fedsync clusters` shows: the verdict, when it was last checked and changed, and why. */
export type HealthDetail = {
  cluster: ClusterName;
  health: ClusterHealth;
  /** ISO times; absent until the first probe answered or failed. */
  lastProbeAt?: string;
  lastTransitionAt?: string;
  /** Probes that failed in a row (Offline from failuresToOffline on). */
  failures: number;
  /** Why the verdict is what it is, in words. */
  message: string;
};

export type HealthMonitor = {
  health(cluster: ClusterName): ClusterHealth;
  /** Why the newest probe of `cluster` failed (undefined after a success). */
  lastFailure(cluster: ClusterName): unknown;
  all(): Record<ClusterName, ClusterHealth>;
  details(): HealthDetail[];
  onChange(listener: (change: HealthChange) => void): () => void;
  /** One probe of every cluster (those not already being probed); resolves when all answered. */
  probeAll(): Promise<void>;
  add(client: Pick<ClusterClient, 'name' | 'probe'>): void;
  remove(cluster: ClusterName): void;
  /** Probes now, then every interval. */
  start(): void;
  stop(): void;
};

type State = {
  health: ClusterHealth;
  failures: number;
  probing: boolean;
  lastProbeAt?: number;
  lastTransitionAt?: number;
  lastFailure?: unknown;
  lastError?: string;
};

export function createHealthMonitor(options: {
  clients: readonly Pick<ClusterClient, 'name' | 'probe'>[];
  intervalMs?: number;
  timers?: HealthTimers;
  initial?: ClusterHealth;
  now?: () => number;
}): HealthMonitor {
  const timers = options.timers ?? realTimers;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? defaultHealthIntervalMs;
  const clients = new Map<ClusterName, Pick<ClusterClient, 'name' | 'probe'>>();
  const states = new Map<ClusterName, State>();
  const listeners = new Set<(change: HealthChange) => void>();
  let handle: unknown;

  const set = (cluster: ClusterName, state: State, health: ClusterHealth): void => {
    const previous = state.health;
    state.health = health;
    if (previous === health) return;
    state.lastTransitionAt = now();
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
    let ok = true;
    state.lastError = undefined;
    try {
      await client.probe();
      delete state.lastFailure;
    } catch (err) {
      ok = false;
      state.lastFailure = err;
      state.lastError = err instanceof Error ? err.message : String(err);
    }
    state.probing = false;
    state.lastProbeAt = now();
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
    lastFailure: (cluster) => states.get(cluster)?.lastFailure,
    all: () => Object.fromEntries([...states].map(([name, s]) => [name, s.health])),
    details: () =>
      [...states].map(([cluster, s]): HealthDetail => {
        const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
        const probe = iso(s.lastProbeAt);
        const transition = iso(s.lastTransitionAt);
        const message =
          s.lastProbeAt === undefined
            ? 'not probed yet'
            : s.failures === 0
              ? 'the API server answered its health check'
              : `${s.failures} health check${s.failures === 1 ? '' : 's'} in a row got no healthy answer` +
                (s.health === ClusterHealth.Ready
                  ? ` (Offline after ${failuresToOffline})`
                  : ` (probed every ${Math.round(intervalMs / 1000)} s)`) +
                (s.lastError ? `: ${s.lastError}` : '');
        return {
          cluster,
          health: s.health,
          ...(probe ? { lastProbeAt: probe } : {}),
          ...(transition ? { lastTransitionAt: transition } : {}),
          failures: s.failures,
          message,
        };
      }),
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
      handle = timers.setInterval(() => void monitor.probeAll(), intervalMs);
    },
    stop() {
      if (handle !== undefined) timers.clearInterval(handle);
      handle = undefined;
    },
  };
  for (const c of options.clients) monitor.add(c);
  return monitor;
}
