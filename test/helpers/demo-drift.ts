// Drift a person makes by hand on a cluster of the demo world: the nginx ReplicaSet scaled to 1
// (by `kubectl`) and the ingress TLS Secret's key replaced (by `kubectl-edit`). Reports must show
// both and never the Secret's value.
import type { SimCluster } from '../../src/sim/kube/cluster.js';

const mergePatch = (body: unknown) => ({
  type: 'application/merge-patch+json',
  body: JSON.stringify(body),
});

export function driftDemoCluster(sim: SimCluster, { tlsKey }: { tlsKey: string }): void {
  sim.api.patch(
    sim.resource('apps/v1', 'ReplicaSet'),
    'default',
    'nginx',
    mergePatch({ spec: { replicas: 1 } }),
    {
      fieldManager: 'kubectl',
    },
  );
  sim.api.patch(
    sim.resource('v1', 'Secret'),
    'default',
    'myingress-tls',
    mergePatch({ data: { 'tls.key': tlsKey } }),
    { fieldManager: 'kubectl-edit' },
  );
}
