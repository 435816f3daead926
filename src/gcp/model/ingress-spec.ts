// Reads what the load balancer needs from an Ingress (networking.k8s.io/v1, and the v1beta1 field
// names): default backend, host/path rules with their path types, TLS entries and the annotations
// the GCE ingress controller understood.
import {
  ANNOTATION_ALLOW_HTTP,
  ANNOTATION_GLOBAL_STATIC_IP,
  ANNOTATION_PRE_SHARED_CERT,
  type KubeObject,
} from '../../model/index.js';
import type { IngressKey } from './names.js';

export type ServicePortRef = { service: string; port: number | string };
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';
export type IngressPath = { host: string; path: string; pathType: PathType; backend: ServicePortRef };
export type IngressTls = { secretName?: string; hosts: string[] };

export type IngressSpec = {
  key: IngressKey;
  defaultBackend?: ServicePortRef;
  paths: IngressPath[];
  tls: IngressTls[];
  /** `kubernetes.io/ingress.global-static-ip-name`: a global address the user reserved. */
  staticIpName?: string;
  /** False when `kubernetes.io/ingress.allow-http` is `"false"`. */
  allowHttp: boolean;
  /** `ingress.gcp.kubernetes.io/pre-shared-cert`: certificates the user uploaded, by name. */
  preSharedCerts: string[];
  /** Backends that name something other than a Service port (resource backends). */
  unsupported: string[];
};

type Dict = Record<string, unknown>;

function dict(v: unknown): Dict | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function backendOf(raw: unknown, unsupported: string[], where: string): ServicePortRef | undefined {
  const b = dict(raw);
  if (!b) return undefined;
  const svc = dict(b.service);
  if (svc && typeof svc.name === 'string') {
    const port = dict(svc.port);
    const value = port?.number ?? port?.name;
    if (typeof value === 'number' || typeof value === 'string') return { service: svc.name, port: value };
  }
  if (typeof b.serviceName === 'string') {
    if (typeof b.servicePort === 'number' || typeof b.servicePort === 'string')
      return { service: b.serviceName, port: b.servicePort };
  }
  unsupported.push(where);
  return undefined;
}

export function readIngressSpec(ingress: KubeObject): IngressSpec {
  const spec = dict(ingress.spec) ?? {};
  const annotations = ingress.metadata.annotations ?? {};
  const unsupported: string[] = [];
  const rawDefault = spec.defaultBackend ?? spec.backend;
  const defaultBackend =
    rawDefault === undefined ? undefined : backendOf(rawDefault, unsupported, 'spec.defaultBackend');
  const paths: IngressPath[] = [];
  list(spec.rules).forEach((rawRule, i) => {
    const rule = dict(rawRule) ?? {};
    const host = typeof rule.host === 'string' && rule.host !== '' ? rule.host.toLowerCase() : '*';
    list(dict(rule.http)?.paths).forEach((rawPath, j) => {
      const p = dict(rawPath) ?? {};
      const backend = backendOf(p.backend, unsupported, `spec.rules[${i}].http.paths[${j}].backend`);
      if (!backend) return;
      const pathType =
        p.pathType === 'Exact' || p.pathType === 'Prefix' ? p.pathType : ('ImplementationSpecific' as const);
      paths.push({ host, path: typeof p.path === 'string' ? p.path : '', pathType, backend });
    });
  });
  const tls = list(spec.tls).map((raw) => {
    const t = dict(raw) ?? {};
    const hosts = list(t.hosts).filter((h): h is string => typeof h === 'string');
    return typeof t.secretName === 'string' && t.secretName !== ''
      ? { secretName: t.secretName, hosts }
      : { hosts };
  });
  const preShared = annotations[ANNOTATION_PRE_SHARED_CERT];
  const staticIp = annotations[ANNOTATION_GLOBAL_STATIC_IP]?.trim();
  return {
    key: { namespace: ingress.metadata.namespace ?? 'default', name: ingress.metadata.name },
    ...(defaultBackend ? { defaultBackend } : {}),
    paths,
    tls,
    ...(staticIp ? { staticIpName: staticIp } : {}),
    allowHttp: annotations[ANNOTATION_ALLOW_HTTP]?.trim().toLowerCase() !== 'false',
    preSharedCerts: (preShared ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    unsupported,
  };
}
