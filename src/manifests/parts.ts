// The parts of built-in kinds fedsync reads: workload replicas, Service ports, Ingress backends and
// TLS secrets. Validated here; references between objects are checked in references.ts.
import type { KubeObject } from '../model/kube.js';
import type { Problem } from '../model/problem.js';
import { check, problemAt } from './problems.js';
import type { Spot } from './problems.js';
import {
  ingressBetaPartSchema,
  ingressV1PartSchema,
  servicePartSchema,
  workloadPartSchema,
} from './schemas.js';
import { checkSecretData } from './secret-data.js';
import type { PathPart } from './yaml.js';

export type ServicePort = {
  name?: string | undefined;
  port: number;
  nodePort?: number | undefined;
  path: PathPart[];
};
export type ServiceFacts = { type: string; ports: ServicePort[] };
export type IngressBackend = { service: string; port: number | string; path: PathPart[] };
export type IngressFacts = { backends: IngressBackend[]; tlsSecrets: { name: string; path: PathPart[] }[] };

export type Facts =
  | { kind: 'Service'; service: ServiceFacts }
  | { kind: 'Ingress'; ingress: IngressFacts }
  | { kind: 'Workload'; replicas: number | undefined }
  | { kind: 'Other' };

/** Validates what fedsync reads of `obj`; `base` is where the object sits in its document. */
export function readParts(
  obj: KubeObject,
  spot: Spot,
  base: PathPart[],
  problems: Problem[],
): Facts | undefined {
  const { kind, apiVersion } = obj;
  if ((kind === 'Deployment' || kind === 'ReplicaSet') && /^(apps|extensions)\//.test(apiVersion)) {
    const w = check(workloadPartSchema, obj, spot, base, kind, problems);
    return w ? { kind: 'Workload', replicas: w.spec?.replicas } : undefined;
  }
  if (kind === 'Secret' && apiVersion === 'v1') {
    const before = problems.length;
    checkSecretData(obj, spot, base, problems);
    return problems.length > before ? undefined : { kind: 'Other' };
  }
  if (kind === 'Service' && apiVersion === 'v1') {
    const s = check(servicePartSchema, obj, spot, base, 'Service', problems);
    if (!s) return undefined;
    const ports = s.spec.ports.map((p, i) => ({
      name: p.name,
      port: p.port,
      nodePort: p.nodePort,
      path: [...base, 'spec', 'ports', i],
    }));
    for (const p of ports) {
      if (p.nodePort !== undefined && (s.spec.type === 'ClusterIP' || s.spec.type === 'ExternalName')) {
        problems.push(
          problemAt(
            spot,
            [...p.path, 'nodePort'],
            'schema.nodePortType',
            `nodePort is set but the Service type is ${s.spec.type}; use type NodePort`,
          ),
        );
      }
    }
    return { kind: 'Service', service: { type: s.spec.type, ports } };
  }
  if (kind === 'Ingress' && apiVersion === 'networking.k8s.io/v1') {
    const ing = check(ingressV1PartSchema, obj, spot, base, 'Ingress', problems);
    if (!ing) return undefined;
    const backends: IngressBackend[] = [];
    const add = (
      b: {
        service?:
          { name: string; port: { number?: number | undefined; name?: string | undefined } } | undefined;
      },
      path: PathPart[],
    ): void => {
      if (!b.service) return;
      const port = b.service.port.number ?? b.service.port.name;
      if (port === undefined) {
        problems.push(
          problemAt(
            spot,
            [...path, 'service', 'port'],
            'schema.invalid',
            'backend service port needs a number or a name',
          ),
        );
        return;
      }
      backends.push({ service: b.service.name, port, path });
    };
    if (ing.spec.defaultBackend) add(ing.spec.defaultBackend, [...base, 'spec', 'defaultBackend']);
    (ing.spec.rules ?? []).forEach((r, i) =>
      (r.http?.paths ?? []).forEach((p, j) =>
        add(p.backend, [...base, 'spec', 'rules', i, 'http', 'paths', j, 'backend']),
      ),
    );
    return { kind: 'Ingress', ingress: { backends, tlsSecrets: tlsOf(ing.spec.tls, base) } };
  }
  if (kind === 'Ingress' && /^(extensions|networking\.k8s\.io)\/v1beta1$/.test(apiVersion)) {
    const ing = check(ingressBetaPartSchema, obj, spot, base, 'Ingress', problems);
    if (!ing) return undefined;
    const backends: IngressBackend[] = [];
    if (ing.spec.backend)
      backends.push({
        service: ing.spec.backend.serviceName,
        port: ing.spec.backend.servicePort,
        path: [...base, 'spec', 'backend'],
      });
    (ing.spec.rules ?? []).forEach((r, i) =>
      (r.http?.paths ?? []).forEach((p, j) =>
        backends.push({
          service: p.backend.serviceName,
          port: p.backend.servicePort,
          path: [...base, 'spec', 'rules', i, 'http', 'paths', j, 'backend'],
        }),
      ),
    );
    return { kind: 'Ingress', ingress: { backends, tlsSecrets: tlsOf(ing.spec.tls, base) } };
  }
  return { kind: 'Other' };
}

function tlsOf(
  tls: { secretName?: string | undefined }[] | undefined,
  base: PathPart[],
): IngressFacts['tlsSecrets'] {
  const out: IngressFacts['tlsSecrets'] = [];
  (tls ?? []).forEach((t, i) => {
    if (t.secretName) out.push({ name: t.secretName, path: [...base, 'spec', 'tls', i, 'secretName'] });
  });
  return out;
}
