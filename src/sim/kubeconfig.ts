// A kubeconfig for a running simulated world: one context per cluster, named after the cluster.
import { dump } from 'js-yaml';

export type KubeconfigCluster = {
  name: string;
  /** The https URL: kubectl never sends a bearer token over plain http. */
  httpsUrl: string;
  token: string;
  /** Base64 PEM of the CA that signed the server certificate. */
  caData: string;
};

export function kubeconfigYaml(clusters: readonly KubeconfigCluster[]): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.httpsUrl, 'certificate-authority-data': c.caData },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: c.token } })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: `${c.name}-admin`, namespace: 'default' },
    })),
    'current-context': clusters[0]?.name ?? '',
  });
}
