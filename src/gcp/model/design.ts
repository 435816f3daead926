// The translator's output: the desired resources plus what the diff, the draining and the write-back
// need to know about how they came about.
import type { ClusterName, IngressDesign, Problem } from '../../model/index.js';
import type { DesiredResource, GcpRef } from './resources.js';

/** One backend of a backend service: a cluster's instance group in one zone. */
export type BackendFact = {
  backendService: string;
  nodePort: number;
  cluster: ClusterName;
  group: GcpRef;
};

export type { IngressDesign } from '../../model/index.js';

/** A resource the user owns that a desired one refers to: it must exist, fedsync never changes it. */
export type Requirement = { ref: GcpRef; by: string; hint: string };

export type DesiredLoadBalancer = {
  federation: string;
  project: string;
  uid: string;
  resources: DesiredResource[];
  required: Requirement[];
  ingresses: IngressDesign[];
  backends: BackendFact[];
  problems: Problem[];
  /** Shared resources (backends, health checks, groups, firewall) are never deleted while true. */
  anyHeld: boolean;
  /** A quota or a shared limit would be exceeded: the plan makes no calls at all. */
  blocked: boolean;
};
