// A hand-driven ClusterDataPlane for Compute simulator tests: nodes, a reachability switch, and ready
// endpoints per nodePort. The real cluster simulator implements the same interface.
import type {
  ClusterDataPlane,
  DataPlaneEndpoint,
  DataPlaneInstance,
} from '../../../../src/sim/data-plane.js';

export type FakeDataPlane = ClusterDataPlane & {
  setReachable(up: boolean): void;
  /** Replaces the ready endpoints served on a nodePort (an empty list removes them). */
  serve(nodePort: number, endpoints: DataPlaneEndpoint[]): void;
};

export function fakeDataPlane(opts: {
  name: string;
  region: string;
  zone: string;
  nodes?: number;
}): FakeDataPlane {
  let reachable = true;
  const endpoints = new Map<number, DataPlaneEndpoint[]>();
  const instances: DataPlaneInstance[] = Array.from({ length: opts.nodes ?? 2 }, (_, i) => ({
    name: `${opts.name}-node-${i + 1}`,
    zone: opts.zone,
  }));
  return {
    name: opts.name,
    region: opts.region,
    zone: opts.zone,
    isReachable: () => reachable,
    instances: () => instances,
    readyEndpointsForNodePort: (nodePort) => (reachable ? (endpoints.get(nodePort) ?? []) : []),
    setReachable(up) {
      reachable = up;
    },
    serve(nodePort, eps) {
      endpoints.set(nodePort, eps);
    },
  };
}

/** The demo world's three clusters, each serving nodePort 30080 with readiness path /healthz. */
export function demoDataPlanes(): FakeDataPlane[] {
  const planes = [
    fakeDataPlane({ name: 'gce-asia-east1a', region: 'asia-east1', zone: 'asia-east1-a' }),
    fakeDataPlane({ name: 'gce-europe-west1b', region: 'europe-west1', zone: 'europe-west1-b' }),
    fakeDataPlane({ name: 'gce-us-central1c', region: 'us-central1', zone: 'us-central1-c' }),
  ];
  for (const p of planes) p.serve(30080, [{ node: `${p.name}-node-1`, readinessPath: '/healthz' }]);
  return planes;
}

export const demoDistances = {
  'asia-east1': { 'europe-west1': 250, 'us-central1': 150 },
  'europe-west1': { 'us-central1': 100 },
};
