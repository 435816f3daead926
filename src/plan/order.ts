// Apply order: what others depend on goes first; deletes run in the reverse order.
import type { ObjectRef } from '../model/index.js';
import { refKey } from '../model/index.js';

const PHASES: string[][] = [
  ['Namespace'],
  ['CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding'],
  [
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'Role',
    'RoleBinding',
    'LimitRange',
    'ResourceQuota',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'NetworkPolicy',
  ],
  ['Service', 'Endpoints', 'EndpointSlice'],
  ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicationController'],
  ['HorizontalPodAutoscaler', 'PodDisruptionBudget'],
  ['Ingress', 'IngressClass'],
];
/** Anything unknown (custom resources and the rest) goes last: its definition must exist first. */
const LAST_PHASE = PHASES.length;

const phaseOfKind = new Map<string, number>();
PHASES.forEach((kinds, i) => kinds.forEach((k) => phaseOfKind.set(k, i)));

/** Apply phase of a kind (lower goes first). */
export function phaseOf(kind: string): number {
  return phaseOfKind.get(kind) ?? LAST_PHASE;
}

type Keyed<T> = { entry: T; phase: number; key: string };

function keyed<T extends { ref: ObjectRef }>(entries: T[]): Keyed<T>[] {
  return entries.map((entry) => ({ entry, phase: phaseOf(entry.ref.kind), key: refKey(entry.ref) }));
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Sorts entries for creation/update: by phase, then by refKey. Stable and total. */
export function orderForApply<T extends { ref: ObjectRef }>(entries: T[]): T[] {
  return keyed(entries)
    .sort((a, b) => a.phase - b.phase || byKey(a, b))
    .map((k) => k.entry);
}

/** Sorts entries for deletion: reverse phase (Ingresses first, Namespaces last), then by refKey. */
export function orderForDelete<T extends { ref: ObjectRef }>(entries: T[]): T[] {
  return keyed(entries)
    .sort((a, b) => b.phase - a.phase || byKey(a, b))
    .map((k) => k.entry);
}
