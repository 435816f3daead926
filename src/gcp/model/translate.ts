// The desired Google Cloud resources of a federation's Ingresses. Pure: the same input always gives
// the same resources in the same order. An Ingress with an error is held (its resources are left as
// they are) and its problems say why; the others are planned as usual.
import type { Problem } from '../../model/index.js';
import { backendResources, type NodePortUse } from './backends.js';
import type { DesiredLoadBalancer, IngressDesign, Requirement } from './design.js';
import { frontendResources, ingressProblems } from './frontends.js';
import { readIngressSpec, type ServicePortRef } from './ingress-spec.js';
import { DEFAULT_SETTINGS, type LoadBalancerInput } from './input.js';
import { checkLimits } from './limits.js';
import { backendName } from './names.js';
import { linkOf, type DesiredResource, type ObservedLoadBalancer } from './resources.js';

type Dict = Record<string, unknown>;

function servicePorts(service: Dict): Dict[] {
  const spec = service.spec as { ports?: unknown } | undefined;
  return Array.isArray(spec?.ports) ? (spec.ports as Dict[]) : [];
}

export function desiredLoadBalancer(
  input: LoadBalancerInput,
  observed?: ObservedLoadBalancer,
): DesiredLoadBalancer {
  const settings = { ...DEFAULT_SETTINGS, ...input.settings };
  const problems: Problem[] = [];
  const services = new Map(
    input.services.map((s) => [`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, s]),
  );
  const registered = new Set(input.clusters.map((c) => c.name));
  const uses = new Map<number, NodePortUse>();
  const ingresses = [...input.ingresses].sort((a, b) => {
    const ka = `${a.ingress.metadata.namespace ?? 'default'}/${a.ingress.metadata.name}`;
    const kb = `${b.ingress.metadata.namespace ?? 'default'}/${b.ingress.metadata.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });

  // Resolve every backend to its pinned nodePort first: backend services are shared.
  const resolved = ingresses.map((fed) => {
    const spec = readIngressSpec(fed.ingress);
    const key = `${spec.key.namespace}/${spec.key.name}`;
    const errors: string[] = spec.unsupported.map((w) => `${w} is not a Service backend (unsupported)`);
    const nodePorts = new Map<string, number>();
    const clusters = fed.clusters.filter((c) => registered.has(c));
    for (const ref of [spec.defaultBackend, ...spec.paths.map((p) => p.backend)]) {
      if (!ref) continue;
      const id = `${ref.service}:${String(ref.port)}`;
      if (nodePorts.has(id)) continue;
      const svc = services.get(`${spec.key.namespace}/${ref.service}`);
      const port = svc
        ? servicePorts(svc).find((p) =>
            typeof ref.port === 'number' ? p.port === ref.port : p.name === ref.port,
          )
        : undefined;
      if (!svc || !port || typeof port.port !== 'number') {
        errors.push(
          `backend ${ref.service}:${String(ref.port)} is not a port of a Service in the repository`,
        );
        continue;
      }
      if (typeof port.nodePort !== 'number') {
        errors.push(
          `backend ${ref.service}:${String(ref.port)} has no pinned nodePort (the Service must be type NodePort)`,
        );
        continue;
      }
      const use = uses.get(port.nodePort);
      if (use && use.service !== svc) {
        errors.push(
          `nodePort ${port.nodePort} of ${ref.service} is also the nodePort of Service ${use.service.metadata.name}`,
        );
        continue;
      }
      nodePorts.set(id, port.nodePort);
      const entry = use ?? {
        nodePort: port.nodePort,
        service: svc,
        port: port.port,
        clusters: new Set(),
        usedBy: new Set(),
      };
      for (const c of clusters) entry.clusters.add(c);
      entry.usedBy.add(key);
      uses.set(port.nodePort, entry);
    }
    return { fed, spec, errors, nodePorts };
  });

  const shared = backendResources(
    [...uses.values()].sort((a, b) => a.nodePort - b.nodePort),
    {
      federation: input.federation,
      project: input.project,
      network: input.network,
      uid: input.uid,
      settings,
      clusters: input.clusters,
      ...(observed ? { observed } : {}),
      problems,
    },
  );

  const resources: DesiredResource[] = [...shared.resources];
  const required: Requirement[] = [];
  const designs: IngressDesign[] = [];
  for (const r of resolved) {
    const link = (ref: ServicePortRef) => {
      const np = r.nodePorts.get(`${ref.service}:${String(ref.port)}`);
      return np === undefined
        ? undefined
        : linkOf(input.project, { kind: 'backendService', name: backendName(np, input.uid) });
    };
    const f = frontendResources(r.spec, link, {
      federation: input.federation,
      project: input.project,
      uid: input.uid,
      secrets: input.secrets,
    });
    f.problems.unshift(...r.errors);
    const limitProblems = checkLimits.ingress(f.resources);
    f.problems.push(...limitProblems);
    f.design.held = f.problems.length > 0;
    problems.push(...ingressProblems(f, r.fed.source));
    designs.push(f.design);
    if (f.design.held) continue;
    resources.push(...f.resources);
    required.push(...f.required);
  }
  const sharedLimits = checkLimits.shared(shared.resources);
  problems.push(...sharedLimits);
  return {
    federation: input.federation,
    project: input.project,
    uid: input.uid,
    resources,
    required,
    ingresses: designs,
    backends: shared.backends,
    problems,
    anyHeld: designs.some((d) => d.held),
    blocked: sharedLimits.length > 0,
  };
}
