// Builders for planner inputs: a test states only what differs from a plain federation.
import type {
  Approval,
  ClusterRegistration,
  FederatedObject,
  FederationRepo,
  KubeObject,
  Labels,
  ObservedCluster,
  ObservedWorkload,
  Override,
  Placement,
  ReplicaScheduling,
} from '../../src/model/index.js';
import { refKey, refOf } from '../../src/model/index.js';

export function registration(name: string, labels: Labels = {}): ClusterRegistration {
  return { name, labels, kubeconfigContext: name, source: { file: `clusters/${name}.yaml`, line: 1 } };
}

export function fedObject(
  template: KubeObject,
  options: {
    placement?: Placement;
    overrides?: Record<string, Override[]>;
    replicaScheduling?: ReplicaScheduling;
    file?: string;
  } = {},
): FederatedObject {
  const out: FederatedObject = {
    template,
    source: { file: options.file ?? `apps/${template.metadata.name}.yaml`, line: 1 },
    placement: options.placement ?? {},
    overrides: options.overrides ?? {},
  };
  if (options.replicaScheduling) out.replicaScheduling = options.replicaScheduling;
  return out;
}

export function repo(options: {
  name?: string;
  clusters: ClusterRegistration[];
  objects: FederatedObject[];
  approvals?: Approval[];
  prune?: boolean;
}): FederationRepo {
  return {
    federation: {
      name: options.name ?? 'demo',
      policy: { selfHeal: true, prune: options.prune ?? true, approvals: options.approvals ?? [] },
    },
    clusters: options.clusters,
    objects: options.objects,
  };
}

export function observed(
  name: string,
  options: {
    health?: 'Ready' | 'Offline';
    objects?: KubeObject[];
    inventory?: string[] | null;
    workloads?: Record<string, ObservedWorkload>;
  } = {},
): ObservedCluster {
  const objects: Record<string, KubeObject> = {};
  for (const o of options.objects ?? []) objects[refKey(refOf(o))] = o;
  return {
    name,
    health: options.health ?? 'Ready',
    objects,
    inventory: options.inventory === undefined ? Object.keys(objects) : options.inventory,
    workloads: options.workloads ?? {},
  };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function configMap(
  ns: string,
  name: string,
  data: Record<string, string> = { key: 'value' },
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function secret(ns: string, name: string, stringData: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', stringData };
}

export function deployment(ns: string, name: string, replicas = 3, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              ports: [{ containerPort: 80 }],
              resources: { requests: { cpu: '0.5', memory: '1024Mi' } },
            },
          ],
        },
      },
    },
  };
}

export function service(
  ns: string,
  name: string,
  options: { type?: string; nodePort?: number } = {},
): KubeObject {
  const port: Record<string, unknown> = { name: 'http', port: 80, targetPort: 80 };
  if (options.nodePort !== undefined) port.nodePort = options.nodePort;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type: options.type ?? 'NodePort', selector: { app: name }, ports: [port] },
  };
}

export function ingress(ns: string, name: string, backend: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: ns,
      annotations: { 'kubernetes.io/ingress.global-static-ip-name': `${name}-ip` },
    },
    spec: {
      defaultBackend: { service: { name: backend, port: { number: 80 } } },
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: backend, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}
