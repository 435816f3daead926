// The data-plane view of a simulated cluster that the simulated load balancer reads: reachability,
// instances (= nodes) and ready endpoints behind a NodePort.
import type { ClusterDataPlane, DataPlaneEndpoint, DataPlaneInstance } from '../data-plane.js';
import type { SimCluster } from './cluster.js';
import { isPodReady } from './controller.js';
import { isObject, text, type JsonObject } from './json.js';

function labelsOf(o: JsonObject): JsonObject {
  const m = isObject(o.metadata) ? o.metadata : {};
  return isObject(m.labels) ? m.labels : {};
}

function readinessPath(pod: JsonObject): string | undefined {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isObject) : [];
  for (const c of containers) {
    const probe = isObject(c.readinessProbe) ? c.readinessProbe : undefined;
    if (probe && isObject(probe.httpGet) && typeof probe.httpGet.path === 'string') return probe.httpGet.path;
  }
  return undefined;
}

export function dataPlaneOf(cluster: SimCluster): ClusterDataPlane {
  const nodeT = cluster.resource('v1', 'Node');
  const svcT = cluster.resource('v1', 'Service');
  const podT = cluster.resource('v1', 'Pod');
  return {
    name: cluster.name,
    region: cluster.region,
    zone: cluster.zone,
    isReachable: () => {
      const f = cluster.faults();
      return !f.down && !f.hang;
    },
    instances: (): DataPlaneInstance[] =>
      cluster.store.list(nodeT).map((n) => ({
        name: text(isObject(n.metadata) ? n.metadata.name : ''),
        zone: text(labelsOf(n)['topology.kubernetes.io/zone']) || cluster.zone,
      })),
    readyEndpointsForNodePort: (nodePort: number): DataPlaneEndpoint[] => {
      const out: DataPlaneEndpoint[] = [];
      for (const svc of cluster.store.list(svcT)) {
        const spec = isObject(svc.spec) ? svc.spec : {};
        if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') continue;
        const ports = Array.isArray(spec.ports) ? spec.ports.filter(isObject) : [];
        if (!ports.some((p) => p.nodePort === nodePort)) continue;
        const selector = isObject(spec.selector) ? spec.selector : undefined;
        if (!selector || Object.keys(selector).length === 0) continue;
        const ns = text(isObject(svc.metadata) ? svc.metadata.namespace : '');
        for (const pod of cluster.store.list(podT, ns)) {
          const labels = labelsOf(pod);
          if (!Object.entries(selector).every(([k, v]) => labels[k] === v) || !isPodReady(pod)) continue;
          const path = readinessPath(pod);
          out.push({
            node: text(isObject(pod.spec) ? pod.spec.nodeName : ''),
            ...(path ? { readinessPath: path } : {}),
          });
        }
      }
      return out;
    },
  };
}
