// The agent's member-cluster clients: client-node's adapter naming this replica in its User-Agent,
// the pod's own cluster for the `in-cluster` context, every request counted in the metrics, and
// every write passing the write gate.
import { createClusterClient, loadKubeConfig } from '../../kube/client-node.js';
import type { WriterLockSettings } from '../../kube/cluster-lock.js';
import { clientNodeLeaseApi } from '../../kube/lease.js';
import type { ClientFactory } from '../../kube/fleet.js';
import { KubeError, type ClusterClient } from '../../kube/port.js';
import type { AgentMetrics } from '../observe/metrics.js';
import { gateClient, type WriteGate } from '../write-gate.js';
import { IN_CLUSTER_CONTEXT, inClusterKubeConfig } from './connect.js';

/** `fedsync/0.1.0 (fedsync-7c9d_a1b2c3)`: API servers log it; the simulator counts by it. */
export function agentUserAgent(version: string, identity: string): string {
  return `fedsync/${version} (${identity})`;
}

/** Counts each call by verb and outcome: HTTP code on success is 200, else the error's status. */
export function instrumentClient(client: ClusterClient, metrics: AgentMetrics): ClusterClient {
  const cluster = client.name;
  const counted = async <T>(verb: string, call: () => Promise<T>): Promise<T> => {
    try {
      const out = await call();
      metrics.kubeRequest({ cluster, verb, code: 200 });
      return out;
    } catch (err) {
      const status = err instanceof KubeError ? err.status : undefined;
      metrics.kubeRequest({ cluster, verb, code: status ?? 'error' });
      const code = (err as { code?: unknown }).code;
      metrics.kubeError({ cluster, code: typeof code === 'string' ? code : 'error' });
      throw err;
    }
  };
  return {
    name: cluster,
    resource: (apiVersion, kind) => client.resource(apiVersion, kind),
    apply: (object, options) => counted('apply', () => client.apply(object, options)),
    remove: (ref, options) => counted('delete', () => client.remove(ref, options)),
    get: (ref) => counted('get', () => client.get(ref)),
    patch: (ref, patch, options) => counted('patch', () => client.patch(ref, patch, options)),
    create: (object) => counted('create', () => client.create(object)),
    jsonPatch: (ref, ops) => counted('patch', () => client.jsonPatch(ref, ops)),
    list: (options) => counted('list', () => client.list(options)),
    watch: (options, onEvent, done) => counted('watch', () => client.watch(options, onEvent, done)),
    probe: () => client.probe(),
  };
}

/** The member clusters' writer Leases as this replica reaches them (its own cluster in a pod too). */
export function agentLeaseApi(options: {
  kubeconfigPath: string;
  userAgent: string;
}): NonNullable<WriterLockSettings['leaseApi']> {
  return (cluster, lease, context) =>
    clientNodeLeaseApi({
      kubeConfig:
        context === IN_CLUSTER_CONTEXT
          ? inClusterKubeConfig()
          : loadKubeConfig(options.kubeconfigPath, context),
      ...lease,
      cluster,
      userAgent: options.userAgent,
    });
}

export function agentClientFactory(options: {
  userAgent: string;
  metrics: AgentMetrics;
  gate: WriteGate;
  /** Replaces the real adapter (tests: short timeouts); it must send `userAgent`. */
  base?: (o: Parameters<ClientFactory>[0] & { userAgent: string }) => ClusterClient;
}): ClientFactory {
  return (o) => {
    const raw =
      options.base?.({ ...o, userAgent: options.userAgent }) ??
      // The reserved context name: the pod's own cluster, whatever the kubeconfig holds.
      (o.context === IN_CLUSTER_CONTEXT
        ? createClusterClient({
            name: o.name,
            kubeConfig: inClusterKubeConfig(),
            userAgent: options.userAgent,
          })
        : createClusterClient({
            name: o.name,
            kubeconfigPath: o.kubeconfigPath,
            context: o.context,
            userAgent: options.userAgent,
          }));
    return gateClient(instrumentClient(raw, options.metrics), options.gate);
  };
}
