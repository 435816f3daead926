// Which Service ports an Ingress sends traffic to (networking.k8s.io/v1 and the v1beta1 shapes).
import type { KubeObject } from '../model/index.js';

/** A Service port referenced by number or by name, in the Ingress's namespace. */
export type BackendRef = { namespace: string; service: string; port: number | string };

type Dict = Record<string, unknown>;

function dict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function backendOf(backend: unknown): { service: string; port: number | string } | undefined {
  const b = dict(backend);
  if (!b) return undefined;
  const svc = dict(b.service);
  if (svc && typeof svc.name === 'string') {
    const port = dict(svc.port);
    const value = port?.number ?? port?.name;
    return typeof value === 'number' || typeof value === 'string'
      ? { service: svc.name, port: value }
      : undefined;
  }
  if (
    typeof b.serviceName === 'string' &&
    (typeof b.servicePort === 'number' || typeof b.servicePort === 'string')
  ) {
    return { service: b.serviceName, port: b.servicePort };
  }
  return undefined;
}

export function isIngress(obj: KubeObject): boolean {
  return obj.kind === 'Ingress';
}

/** Every backend of an Ingress (default backend first, then rules in order), duplicates removed. */
export function ingressBackends(ingress: KubeObject): BackendRef[] {
  const spec = dict(ingress.spec) ?? {};
  const raw = [backendOf(spec.defaultBackend ?? spec.backend)];
  for (const rule of list(spec.rules)) {
    for (const path of list(dict(dict(rule)?.http)?.paths)) raw.push(backendOf(dict(path)?.backend));
  }
  const namespace = ingress.metadata.namespace ?? 'default';
  const seen = new Set<string>();
  const out: BackendRef[] = [];
  for (const b of raw) {
    if (!b) continue;
    const id = `${b.service}\u0000${String(b.port)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ namespace, service: b.service, port: b.port });
  }
  return out;
}
