// Cluster clients for simulated clusters, and a fake clock whose sleeps return at once.
import { createClusterClient, type ClusterClientOptions } from '../../src/kube/client-node.js';
import type { ClusterClient } from '../../src/kube/port.js';
import type { KubeObject } from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { kubeConfigFor } from '../sim/kube/helpers.js';

export { testCluster } from '../sim/kube/helpers.js';

export function simClient(sim: SimCluster, opts: Partial<ClusterClientOptions> = {}): ClusterClient {
  return createClusterClient({ name: sim.name, kubeConfig: kubeConfigFor(sim), ...opts });
}

export type FakeTime = {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Every sleep asked for, in order. */
  delays: number[];
  /** Runs before each sleep returns (e.g. to clear a fault). */
  onSleep?: (ms: number) => Promise<void> | void;
};

export function fakeTime(): FakeTime {
  let t = 1_000_000;
  const ft: FakeTime = {
    now: () => t,
    delays: [],
    async sleep(ms) {
      ft.delays.push(ms);
      t += ms;
      await ft.onSleep?.(ms);
    },
  };
  return ft;
}

/** Client options using the fake time for both the retry policy and the rate limiter. */
export function withFakeTime(
  ft: FakeTime,
  extra: Partial<ClusterClientOptions> = {},
): Partial<ClusterClientOptions> {
  return {
    ...extra,
    clock: { now: () => new Date(ft.now()) },
    retry: { sleep: ft.sleep, random: () => 0.5, ...extra.retry },
  };
}

export const configMap = (
  name: string,
  data: Record<string, string>,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
  ...extra,
});
