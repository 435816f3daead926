// The vocabulary of the Google Cloud load balancer that the planner, the plan, the adapter and the
// reports share: resource kinds and references, what an observe found, one planned action (one API
// call), the per-Ingress design the write-back needs, and what a member Ingress is told. The
// load-balancer model (src/gcp/model) computes these; nothing here knows how.
import type { Action } from './outcome.js';
import type { ClusterName, KubeObject, ObjectRef } from './kube.js';
import type { FieldChange } from './plan.js';

export const GcpKind = {
  address: 'address',
  healthCheck: 'healthCheck',
  backendService: 'backendService',
  instanceGroup: 'instanceGroup',
  urlMap: 'urlMap',
  targetHttpProxy: 'targetHttpProxy',
  targetHttpsProxy: 'targetHttpsProxy',
  sslCertificate: 'sslCertificate',
  forwardingRule: 'forwardingRule',
  firewall: 'firewall',
} as const;
export type GcpKind = (typeof GcpKind)[keyof typeof GcpKind];

/** One resource: global, or zonal (instance groups) with its zone. */
export type GcpRef = { kind: GcpKind; name: string; zone?: string };

export type Json = Record<string, unknown>;

/**
 * A value that must reach the API but nothing else (a private key): JSON, template strings and
 * `util.inspect` show only the label; `reveal()` is called by the adapter at the moment of the call.
 */
export type Sensitive = {
  readonly label: string;
  reveal(): string;
  toJSON(): string;
  toString(): string;
};

/**
 * Who a resource belongs to, written as JSON into its `description` when fedsync creates it:
 * `{"fedsync":{"federation":"demo","ingress":"default/myingress"}}` for an Ingress's own resources,
 * no `ingress` for the ones every Ingress shares (backends, health checks, groups, firewall).
 * `spec` is a digest of the fields fedsync last wrote (kinds updated whole): when it still matches
 * what Git wants but the fields differ, someone else changed them (drift).
 */
export type Owner = { federation: string; ingress?: string; cluster?: ClusterName; spec?: string };

/** A resource as a list call returned it, normalised (output-only fields and API noise removed). */
export type ObservedResource = {
  ref: GcpRef;
  body: Json;
  fingerprint?: string;
  /** Instance groups: member instance links (sorted), from listInstances. */
  members?: string[];
  /** From the description; undefined when fedsync did not create it. */
  owner?: Owner;
};

/** A quota of the project, as `projects.get` reports it. */
export type Quota = { metric: string; limit: number; usage: number };

/**
 * What one observe of the load-balancer target found: the federation's resources in its project
 * plus the user's resources the Ingresses name (reserved addresses, pre-shared certificates).
 */
export type ObservedLoadBalancer = {
  project: string;
  resources: ObservedResource[];
  quotas?: Quota[];
  /** Instance link → network tags, for the instances the observe was asked about. */
  instanceTags?: Record<string, string[]>;
};

/** The Compute API method an action calls. Updates name theirs: a plain update or one of the set-X calls. */
export const GcpCall = {
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  setUrlMap: 'setUrlMap',
  setSslCertificates: 'setSslCertificates',
  setTarget: 'setTarget',
  setNamedPorts: 'setNamedPorts',
  addInstances: 'addInstances',
  removeInstances: 'removeInstances',
} as const;
export type GcpCall = (typeof GcpCall)[keyof typeof GcpCall];

/** Why an action is dangerous: the planner's guards hold it until a person approves. */
export const GcpDanger = {
  /** Deleting a forwarding rule takes the Ingress's IP off the Internet. */
  deleteForwardingRule: 'gcp.deleteForwardingRule',
  /** A replace deletes the rule before creating it again: a short outage on that port. */
  replaceForwardingRule: 'gcp.replaceForwardingRule',
  /** Releasing an address fedsync reserved: the IP users know is gone for good. */
  releaseAddress: 'gcp.releaseAddress',
} as const;
export type GcpDanger = (typeof GcpDanger)[keyof typeof GcpDanger];

/**
 * One planned action on a Google Cloud resource: one API call (a replace is two: the delete and the
 * insert of the same name, or the insert of a successor beside the old one). Plain data: the
 * formatters print it, the digests hash it, the adapter executes it without deciding anything again.
 */
export type LoadBalancerAction = {
  /** `held`: a dangerous delete or replace waiting for an approval; `skip`: drift only reported. */
  action: Exclude<Action, 'adopt'>;
  /** `urlMaps/<name>`, `zones/<zone>/instanceGroups/<name>`: the action's key and human name. */
  subject: string;
  ref: GcpRef;
  /** Absent on unchanged. A replace names the insert; the adapter deletes first when replaceOrder says so. */
  call?: GcpCall;
  /**
   * The request: the whole resource for insert and update; for set-X calls their one field
   * (`{urlMap}`, `{sslCertificates}`, `{target}`, `{namedPorts}`, `{instances}`). References are
   * `projects/…` links. Never key material.
   */
  body?: Json;
  /** Insert of an SSL certificate: the private key, revealed only inside the call. */
  privateKey?: Sensitive;
  /** Fingerprint-guarded calls: the fingerprint the plan was made against. */
  fingerprint?: string;
  /** deleteFirst: same name, the old one goes first; createFirst: a successor is created beside it. */
  replaceOrder?: 'deleteFirst' | 'createFirst';
  /** The subject a createFirst replace succeeds (deleted by a later action of the plan). */
  replaces?: string;
  /** Changed fields: desired `to`, observed `from`. Certificates appear as digests, keys never. */
  changes: FieldChange[];
  reason: string;
  danger?: GcpDanger;
  /** The Ingress (`namespace/name`) the resource belongs to; absent for shared ones. */
  ingress?: string;
  /** Set when action is `held`: the guard codes holding it. */
  heldBy?: string[];
  /** The fields were changed outside fedsync since it last wrote them (corrected, or only reported). */
  drift?: boolean;
};

/** A resource carrying the federation id that nothing desires and that fedsync does not delete. */
export type Orphan = { subject: string; reason: string };

/** The names of one Ingress's own resources (not the shared backends, groups and firewall). */
export type IngressNames = {
  /** HTTP forwarding rule (the GCE controller's `k8s-fw-`). */
  httpForwardingRule: string;
  /** HTTPS forwarding rule. */
  httpsForwardingRule: string;
  urlMap: string;
  httpProxy: string;
  httpsProxy: string;
  /** The global address fedsync reserves when the Ingress names none (named like the HTTP rule). */
  ownedAddress: string;
};

/** How one federated Ingress is served: its names and which parts it has. */
export type IngressDesign = {
  /** `namespace/name`. */
  key: string;
  /** `Ingress/namespace/name`. */
  subject: string;
  names: IngressNames;
  /** An error in this Ingress: its resources are left exactly as they are. */
  held: boolean;
  address: { name: string; userManaged: boolean };
  http: boolean;
  https: boolean;
  /** Certificate names in the order the HTTPS proxy lists them. */
  certificates: string[];
  /** Backend services the URL map sends traffic to, sorted. */
  backendServices: string[];
};

export const BackendState = { healthy: 'HEALTHY', unhealthy: 'UNHEALTHY', unknown: 'Unknown' } as const;
export type BackendState = (typeof BackendState)[keyof typeof BackendState];

export type IngressEvent = { type: 'Normal'; reason: 'ADD' | 'CREATE' | 'UPDATE'; message: string };

/** What to write to one member Ingress: only what differs from what it says already. */
export type MemberWriteBack = {
  /** fedsync's load-balancer annotations to set; null: remove (what they named is gone). */
  annotations: Record<string, string | null>;
  /** `status.loadBalancer` to write; absent when the member already shows that IP. */
  status?: { loadBalancer: { ingress: { ip: string }[] } };
  events: IngressEvent[];
};

/**
 * The member Ingresses as the load-balancer target reaches them: through the cluster adapter,
 * which knows the clusters' clients and caches. Writes never touch what the cluster plan applies.
 */
export type MemberIngressPort = {
  /** The member as last seen in the cluster (watch cache); undefined when absent or unknown. */
  current(cluster: ClusterName, ref: ObjectRef): KubeObject | undefined;
  /** Writes the annotations, the status and the events; returns how many writes it made. */
  write(cluster: ClusterName, ref: ObjectRef, writeBack: MemberWriteBack): Promise<number>;
};

/** One backend of a load balancer: a cluster's instance group behind one backend service. */
export type LoadBalancerBackendView = {
  cluster: ClusterName;
  zone: string;
  backendService: string;
  group: string;
  /** From getHealth: HEALTHY as soon as one instance is, UNHEALTHY, or Unknown (no answer yet). */
  health: BackendState;
  /** capacityScaler 0: the load balancer sends it no traffic. */
  drained: boolean;
};

/** One federated Ingress's load balancer as it is in Google Cloud now. */
export type LoadBalancerView = {
  /** `namespace/name` of the Ingress. */
  ingress: string;
  ip?: string;
  /** Every resource it uses that exists (its own and the shared ones), sorted by kind and name. */
  resources: { kind: GcpKind; name: string; zone?: string }[];
  backends: LoadBalancerBackendView[];
};
