// The health check's request path for a Service port: the readiness probe's httpGet path of the pods
// behind it, from the desired workload templates of every cluster, used only when every cluster that
// runs such pods agrees (one backend service and health check serve all clusters). Otherwise `/`,
// which is what the GCE ingress controller fell back to.
import type { ClusterName, KubeObject } from '../../model/index.js';

type Dict = Record<string, unknown>;

function dict(v: unknown): Dict | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The pod template of a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Pod itself). */
function podTemplate(workload: KubeObject): { labels: Record<string, string>; spec: Dict } | undefined {
  if (workload.kind === 'Pod') {
    return { labels: workload.metadata.labels ?? {}, spec: dict(workload.spec) ?? {} };
  }
  const template = dict(dict(workload.spec)?.template);
  if (!template) return undefined;
  const labels = (dict(template.metadata)?.labels ?? {}) as Record<string, string>;
  return { labels, spec: dict(template.spec) ?? {} };
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Readiness paths of the containers serving `targetPort` in the pods the selector picks. */
function pathsIn(
  workloads: readonly KubeObject[],
  namespace: string,
  selector: Record<string, string>,
  targetPort: number | string,
): string[] {
  const found: string[] = [];
  for (const w of workloads) {
    if ((w.metadata.namespace ?? 'default') !== namespace) continue;
    const pod = podTemplate(w);
    if (!pod || !selects(selector, pod.labels)) continue;
    for (const raw of list(pod.spec.containers)) {
      const c = dict(raw) ?? {};
      const ports = list(c.ports).map((p) => dict(p) ?? {});
      const serving = ports.find((p) =>
        typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort,
      );
      if (!serving && !(typeof targetPort === 'number' && ports.length === 0)) continue;
      const get = dict(dict(c.readinessProbe)?.httpGet);
      if (!get) continue;
      const probePort = get.port;
      const sameNumber =
        typeof probePort === 'number' && probePort === (serving?.containerPort ?? targetPort);
      const sameName = typeof probePort === 'string' && serving !== undefined && probePort === serving.name;
      if (!sameNumber && !sameName) continue;
      if (get.scheme !== undefined && get.scheme !== 'HTTP') continue;
      found.push(typeof get.path === 'string' && get.path !== '' ? get.path : '/');
    }
  }
  return found;
}

export type HealthPath = { path: string; disagreement?: string };

/**
 * The request path for one Service port. `targetPort` defaults to the Service port, as in
 * Kubernetes. A disagreement (different paths in one cluster or between clusters) is described so
 * the caller can report it.
 */
export function healthCheckPath(options: {
  service: KubeObject;
  port: number;
  clusters: readonly { name: ClusterName; workloads: readonly KubeObject[] }[];
}): HealthPath {
  const spec = dict(options.service.spec) ?? {};
  const selector = (dict(spec.selector) ?? {}) as Record<string, string>;
  const portSpec = list(spec.ports)
    .map((p) => dict(p) ?? {})
    .find((p) => p.port === options.port);
  const target = portSpec?.targetPort;
  const targetPort = typeof target === 'number' || typeof target === 'string' ? target : options.port;
  const namespace = options.service.metadata.namespace ?? 'default';
  const perCluster = new Map<string, Set<string>>();
  for (const c of options.clusters) {
    const paths = pathsIn(c.workloads, namespace, selector, targetPort);
    if (paths.length > 0) perCluster.set(c.name, new Set(paths));
  }
  const all = new Set([...perCluster.values()].flatMap((s) => [...s]));
  if (all.size === 1) return { path: [...all][0]! };
  if (all.size === 0) return { path: '/' };
  const where = [...perCluster.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, s]) => `${[...s].sort().join(', ')} in ${c}`)
    .join('; ');
  return { path: '/', disagreement: where };
}
