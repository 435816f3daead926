// What the simulated Google Cloud needs to know about a simulated cluster to model load-balancer
// health and routing. The cluster simulator implements it; the Compute simulator only reads it.

export type DataPlaneInstance = {
  /** Instance name (= node name); the node's providerID is gce://<project>/<zone>/<name>. */
  name: string;
  zone: string;
};

export type DataPlaneEndpoint = {
  node: string;
  /** httpGet path of the pod's readiness probe, when it has one. */
  readinessPath?: string;
};

export interface ClusterDataPlane {
  readonly name: string;
  readonly region: string;
  readonly zone: string;
  /** False while the cluster is down or hung. */
  isReachable(): boolean;
  instances(): DataPlaneInstance[];
  /** Ready pods behind any Service of type NodePort/LoadBalancer whose port has this nodePort. */
  readyEndpointsForNodePort(nodePort: number): DataPlaneEndpoint[];
}
