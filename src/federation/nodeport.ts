// NodePort pinning: a Service port behind a federated Ingress gets one nodePort in every cluster,
// because one GCP backend service and health check (named after the port) serve all clusters.
import { refKey, subject } from '../model/index.js';
import type { FederatedObject, KubeObject, ObservedCluster, Problem } from '../model/index.js';
import { fnv1_32 } from './fnv.js';
import { ingressBackends, isIngress } from './ingress-backends.js';

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** Service refKey → (service port number → pinned nodePort). */
export type NodePortPins = Map<string, Map<number, number>>;

type ServicePort = { name?: unknown; port?: unknown; nodePort?: unknown; protocol?: unknown };

function portsOf(obj: KubeObject | undefined): ServicePort[] {
  const spec = obj?.spec as { ports?: unknown } | undefined;
  return Array.isArray(spec?.ports) ? (spec.ports as ServicePort[]) : [];
}

function serviceKey(namespace: string, name: string): string {
  return refKey({ group: '', kind: 'Service', namespace, name });
}

/** nodePorts already used by any Service fedsync can see, so a fresh choice avoids them. */
function usedNodePorts(services: FederatedObject[], clusters: ObservedCluster[]): Set<number> {
  const used = new Set<number>();
  const add = (obj: KubeObject | undefined) => {
    for (const p of portsOf(obj)) if (typeof p.nodePort === 'number') used.add(p.nodePort);
  };
  for (const s of services) add(s.template);
  for (const c of clusters) for (const obj of Object.values(c.objects)) if (obj.kind === 'Service') add(obj);
  return used;
}

/** The deterministic fallback: a hash of namespace/name/port into the NodePort range, probing past used ports. */
export function chooseNodePort(id: string, used: Set<number>): number {
  const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const start = fnv1_32(id) % span;
  for (let i = 0; i < span; i++) {
    const candidate = NODE_PORT_MIN + ((start + i) % span);
    if (!used.has(candidate)) return candidate;
  }
  return NODE_PORT_MIN + start;
}

/**
 * Decides the nodePort of every Service port that backs a federated Ingress: Git's value, else the
 * value already allocated in the clusters where it exists (when they all agree), else a
 * deterministic choice. Disagreement is an error problem and leaves the port unpinned.
 */
export function pinNodePorts(options: { objects: FederatedObject[]; clusters: ObservedCluster[] }): {
  pins: NodePortPins;
  problems: Problem[];
} {
  const services = new Map<string, FederatedObject>();
  for (const o of options.objects) {
    if (o.template.kind === 'Service' && o.template.apiVersion === 'v1') {
      services.set(serviceKey(o.template.metadata.namespace ?? 'default', o.template.metadata.name), o);
    }
  }
  const problems: Problem[] = [];
  const reported = new Set<string>();
  const report = (id: string, problem: Problem) => {
    if (reported.has(`${problem.code}\u0000${id}`)) return;
    reported.add(`${problem.code}\u0000${id}`);
    problems.push(problem);
  };
  const wanted = new Map<string, Set<number>>();
  for (const o of options.objects) {
    if (!isIngress(o.template)) continue;
    for (const b of ingressBackends(o.template)) {
      const key = serviceKey(b.namespace, b.service);
      const svc = services.get(key);
      const ingressSubject = subject({
        group: '',
        kind: 'Ingress',
        namespace: b.namespace,
        name: o.template.metadata.name,
      });
      if (!svc) {
        report(`${key}/${o.template.metadata.name}`, {
          code: 'nodePort.backendNotFederated',
          severity: 'warning',
          message: `backend Service ${b.namespace}/${b.service} is not in the repository; its nodePort cannot be pinned`,
          object: ingressSubject,
          source: o.source,
        });
        continue;
      }
      const port = portsOf(svc.template).find((p) =>
        typeof b.port === 'number' ? p.port === b.port : p.name === b.port,
      );
      if (!port || typeof port.port !== 'number') {
        report(`${key}/${String(b.port)}`, {
          code: 'nodePort.backendPortNotFound',
          severity: 'error',
          message: `backend Service ${b.namespace}/${b.service} has no port ${String(b.port)}`,
          object: ingressSubject,
          source: o.source,
        });
        continue;
      }
      const type = (svc.template.spec as { type?: unknown } | undefined)?.type;
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        report(key, {
          code: 'nodePort.backendNotNodePort',
          severity: 'error',
          message: `Service ${b.namespace}/${b.service} backs an Ingress but has type ${typeof type === 'string' ? type : 'ClusterIP'}; the load balancer needs type NodePort`,
          object: subject({ group: '', kind: 'Service', namespace: b.namespace, name: b.service }),
          source: svc.source,
        });
        continue;
      }
      const ports = wanted.get(key) ?? new Set<number>();
      ports.add(port.port);
      wanted.set(key, ports);
    }
  }

  let used: Set<number> | undefined; // computed only when a fresh choice is needed
  const pins: NodePortPins = new Map();
  for (const key of [...wanted.keys()].sort()) {
    const svc = services.get(key)!;
    const ns = svc.template.metadata.namespace ?? 'default';
    const name = svc.template.metadata.name;
    const svcPins = new Map<number, number>();
    for (const portNumber of [...wanted.get(key)!].sort((a, b) => a - b)) {
      const git = portsOf(svc.template).find((p) => p.port === portNumber)?.nodePort;
      if (typeof git === 'number') {
        svcPins.set(portNumber, git);
        continue;
      }
      const live = new Map<string, number>();
      for (const c of options.clusters) {
        const nodePort = portsOf(c.objects[key]).find((p) => p.port === portNumber)?.nodePort;
        if (typeof nodePort === 'number') live.set(c.name, nodePort);
      }
      const distinct = new Set(live.values());
      if (distinct.size > 1) {
        const where = [...live.entries()].map(([c, p]) => `${p} in ${c}`).join(', ');
        problems.push({
          code: 'nodePort.conflict',
          severity: 'error',
          message: `port ${portNumber} has different nodePorts in the clusters (${where}); the load balancer needs one value everywhere: set spec.ports[].nodePort in Git to choose it`,
          object: subject({ group: '', kind: 'Service', namespace: ns, name }),
          source: svc.source,
        });
        continue;
      }
      const taken = (used ??= usedNodePorts([...services.values()], options.clusters));
      const chosen =
        distinct.size === 1 ? [...distinct][0]! : chooseNodePort(`${ns}/${name}/${portNumber}`, taken);
      taken.add(chosen);
      svcPins.set(portNumber, chosen);
    }
    if (svcPins.size > 0) pins.set(key, svcPins);
  }
  return { pins, problems };
}

/** Writes pinned nodePorts into a Service object (mutated in place). */
export function setPinnedNodePorts(service: KubeObject, pins: Map<number, number>): void {
  for (const p of portsOf(service)) {
    if (typeof p.port === 'number' && pins.has(p.port)) p.nodePort = pins.get(p.port);
  }
}

/** The nodePort a Service object has for a port, if any. */
export function nodePortOf(service: KubeObject, port: number): number | undefined {
  const np = portsOf(service).find((p) => p.port === port)?.nodePort;
  return typeof np === 'number' ? np : undefined;
}
