// The pure parts of the load-balancer benchmark: a world of N simulated clusters in N real zones with
// a simulated Google Cloud project, and a federation repository with the seed's HTTP Ingress, its
// NodePort Service and a ReplicaSet in every cluster. No I/O, so a unit test checks them as they are.
import { worldSchema } from '../src/sim/world.js';
import type { World } from '../src/sim/world.js';

export const LB_PROJECT = 'fedsync-bench';
export const LB_NODE_PORT = 30080;

/** Zones that exist in Compute Engine (the simulator, like gcloud, refuses others), one per region. */
const ZONES = [
  'asia-east1-a',
  'europe-west1-b',
  'us-central1-c',
  'us-east1-b',
  'europe-west4-a',
  'asia-northeast1-a',
  'australia-southeast1-a',
  'southamerica-east1-a',
  'us-west1-a',
  'europe-north1-a',
  'asia-south1-a',
  'northamerica-northeast1-a',
  'europe-west2-a',
] as const;

export const MAX_LB_CLUSTERS = ZONES.length;

const regionOf = (zone: string): string => zone.replace(/-[a-z]$/, '');

export type LbCluster = { name: string; zone: string; region: string };

export function lbClusters(n: number): LbCluster[] {
  if (n > ZONES.length) throw new Error(`at most ${ZONES.length} clusters (one per zone listed)`);
  return ZONES.slice(0, n).map((zone) => ({ name: `lb-${zone}`, zone, region: regionOf(zone) }));
}

export function lbWorld(n: number): World {
  return worldSchema.parse({
    apiVersion: 'fedsync.io/v1alpha1',
    kind: 'World',
    metadata: { name: `lb-bench-${n}` },
    gcp: { project: LB_PROJECT, network: 'default' },
    clusters: lbClusters(n).map((c) => ({ ...c, nodes: 3, capacity: 30 })),
  });
}

/** The federation: registrations, and the Ingress → Service → ReplicaSet every cluster receives. */
export function lbRepo(n: number): Record<string, string> {
  const files: Record<string, string> = {
    'fedsync.yaml': `apiVersion: fedsync.io/v1alpha1\nkind: Federation\nmetadata:\n  name: lb-bench\nspec:\n  gcp:\n    project: ${LB_PROJECT}\n    network: default\n  policy:\n    selfHeal: true\n    prune: true\n`,
    'web.yaml': [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:\n  name: web\n  namespace: default',
      'spec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:\n  name: web\n  namespace: default',
      `spec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: 80\n      nodePort: ${LB_NODE_PORT}\n      protocol: TCP`,
      '---',
      'apiVersion: apps/v1',
      'kind: ReplicaSet',
      'metadata:\n  name: web\n  namespace: default',
      `spec:\n  replicas: ${n}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - containerPort: 80`,
      '',
    ].join('\n'),
  };
  for (const c of lbClusters(n))
    files[`clusters/${c.name}.yaml`] =
      `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${c.name}\n  labels:\n    region: ${c.region}\n    zone: ${c.zone}\nspec:\n  kubeconfigContext: ${c.name}\n  gcp:\n    zones: [${c.zone}]\n`;
  return files;
}

/** `CLUSTERS` for scripts/gcloud-demo-lb.sh: `cluster:zone …`. */
export function gcloudClusters(n: number): string {
  return lbClusters(n)
    .map((c) => `${c.name}:${c.zone}`)
    .join(' ');
}
