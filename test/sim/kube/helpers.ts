// Starts a simulated cluster for a test and gives @kubernetes/client-node clients for it.
import * as k8s from '@kubernetes/client-node';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../../src/sim/kube/cluster.js';

export async function testCluster(
  opts: Partial<Omit<SimClusterOptions, 'cluster'>> & { capacity?: number; nodes?: number } = {},
): Promise<SimCluster> {
  return startSimCluster({
    cluster: {
      name: 'test-cluster',
      region: 'europe-west1',
      zone: 'europe-west1-b',
      labels: {},
      nodes: opts.nodes ?? 2,
      capacity: opts.capacity,
      token: 'test-token',
    },
    project: 'test-project',
    tickMs: 5,
    ...opts,
  });
}

export function kubeConfigFor(cluster: SimCluster, token = cluster.token): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster.name, server: cluster.url, skipTLSVerify: true }],
    users: [{ name: 'tester', token }],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: 'tester', namespace: 'default' }],
    currentContext: cluster.name,
  });
  return kc;
}

/** The Status body of an ApiException (client-node keeps it as a string). */
export function statusOf(err: unknown): {
  code: number;
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
} {
  if (err instanceof k8s.ApiException) {
    const body =
      typeof err.body === 'string'
        ? (JSON.parse(err.body) as Record<string, unknown>)
        : (err.body as Record<string, unknown>);
    return { ...(body as object), code: err.code };
  }
  throw err;
}

export async function rejectsWith(p: Promise<unknown>, code: number): Promise<ReturnType<typeof statusOf>> {
  try {
    await p;
  } catch (err) {
    const s = statusOf(err);
    if (s.code !== code)
      throw new Error(`expected HTTP ${code}, got ${s.code}: ${s.message ?? ''}`, { cause: err });
    return s;
  }
  throw new Error(`expected HTTP ${code}, but the call succeeded`);
}
