// API groups fedsync interprets and facts about well-known kinds (scope, Federated<Kind> targets).

export const FEDSYNC_API = 'fedsync.io/v1alpha1';
export const FEDERATION_V1_API = 'federation/v1beta1';
export const KUBEFED_CORE_API = 'core.kubefed.io/v1beta1';
export const KUBEFED_TYPES_API = 'types.kubefed.io/v1beta1';
export const KUBEFED_SCHEDULING_API = 'scheduling.kubefed.io/v1alpha1';

/** apiVersion of the target of `Federated<Kind>` when the template does not say. */
export const FEDERATED_TARGET_API: Record<string, string> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  Namespace: 'v1',
  LimitRange: 'v1',
  ResourceQuota: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
};

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'PersistentVolume',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'RuntimeClass',
  'Node',
]);

/** Kinds known to be namespaced: without metadata.namespace they land in `default`, as with kubectl. */
const NAMESPACED = new Set(
  Object.keys(FEDERATED_TARGET_API)
    .filter((k) => !CLUSTER_SCOPED.has(k))
    .concat(['Pod', 'Endpoints', 'EndpointSlice', 'Event']),
);

export type Scope = 'Namespaced' | 'Cluster' | 'Unknown';

export function scopeOf(apiVersion: string, kind: string): Scope {
  const core = !apiVersion.includes('/') || /\.k8s\.io\/|^(apps|batch|autoscaling|policy)\//.test(apiVersion);
  if (!core) return 'Unknown';
  if (CLUSTER_SCOPED.has(kind)) return 'Cluster';
  if (NAMESPACED.has(kind)) return 'Namespaced';
  return 'Unknown';
}

export const isWorkload = (kind: string): kind is 'Deployment' | 'ReplicaSet' =>
  kind === 'Deployment' || kind === 'ReplicaSet';
