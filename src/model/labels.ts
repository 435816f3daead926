// Labels and annotations fedsync reads or writes; one name for each, used everywhere.

export const FIELD_MANAGER = 'fedsync';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'fedsync';
export const LABEL_FEDERATION = 'fedsync.io/federation';
export const ANNOTATION_SOURCE = 'fedsync.io/source';

export const ANNOTATION_PRUNE = 'fedsync.io/prune';
export const ANNOTATION_RECONCILE = 'fedsync.io/reconcile';
export const DISABLED = 'disabled';

// Placement.
export const ANNOTATION_V1_CLUSTER_SELECTOR = 'federation.alpha.kubernetes.io/cluster-selector';
export const ANNOTATION_CLUSTERS = 'fedsync.io/clusters';
export const ANNOTATION_CLUSTER_NAMES = 'fedsync.io/cluster-names';

// Replica scheduling.
export const ANNOTATION_RS_PREFERENCES = 'federation.kubernetes.io/replica-set-preferences';
export const ANNOTATION_DEPLOYMENT_PREFERENCES = 'federation.kubernetes.io/deployment-preferences';

// Ingress / load balancer.
export const ANNOTATION_GLOBAL_STATIC_IP = 'kubernetes.io/ingress.global-static-ip-name';
export const ANNOTATION_ALLOW_HTTP = 'kubernetes.io/ingress.allow-http';
export const ANNOTATION_PRE_SHARED_CERT = 'ingress.gcp.kubernetes.io/pre-shared-cert';
/** The class annotation every in-cluster ingress controller (GKE's included) reads. */
export const ANNOTATION_INGRESS_CLASS = 'kubernetes.io/ingress.class';
/** What fedsync sets it to on member Ingresses when it runs their load balancer. */
export const DEFAULT_INGRESS_CLASS = 'fedsync';

// Simulated nodes and real GKE nodes carry these.
export const LABEL_TOPOLOGY_REGION = 'topology.kubernetes.io/region';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';
