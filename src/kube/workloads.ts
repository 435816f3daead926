// Scheduling signals of Deployments and ReplicaSets from their status and their Pods: ready
// replicas, and when each unschedulable pod became so (PodScheduled=False, reason Unschedulable).
// Pods are matched by the workload's selector in its namespace, so a Deployment needs no
// ReplicaSet in the cache.
import { matchesSelector } from '../federation/selector.js';
import type { KubeObject, LabelSelector, ObservedWorkload } from '../model/index.js';
import { refKey, refOf } from '../model/index.js';

type Condition = { type?: string; status?: string; reason?: string; lastTransitionTime?: string };

const conditionsOf = (pod: KubeObject): Condition[] =>
  ((pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).filter(
    (c): c is Condition => typeof c === 'object' && c !== null,
  );

export function isReady(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Running' && conditionsOf(pod).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** When the pod became unschedulable, or undefined when it is not unschedulable. */
export function unschedulableSince(pod: KubeObject): string | undefined {
  const c = conditionsOf(pod).find((x) => x.type === 'PodScheduled');
  if (c?.status !== 'False' || c.reason !== 'Unschedulable') return undefined;
  return c.lastTransitionTime ?? pod.metadata.creationTimestamp?.toString();
}

export function isWorkload(obj: KubeObject): boolean {
  return obj.apiVersion.startsWith('apps/') && (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet');
}

export function observeWorkload(workload: KubeObject, pods: readonly KubeObject[]): ObservedWorkload {
  const spec = (workload.spec ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (workload.status ?? {}) as { readyReplicas?: number };
  const specReplicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const selector = spec.selector;
  const hasSelector =
    !!selector &&
    (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0);
  const mine = hasSelector
    ? pods.filter(
        (p) =>
          p.metadata.namespace === workload.metadata.namespace &&
          p.metadata.deletionTimestamp === undefined &&
          matchesSelector(p.metadata.labels ?? {}, selector),
      )
    : [];
  const fromStatus = typeof status.readyReplicas === 'number' ? status.readyReplicas : 0;
  const readyPods = mine.filter(isReady).length;
  return {
    specReplicas,
    readyReplicas: fromStatus === specReplicas ? fromStatus : readyPods,
    unschedulableSince: mine
      .map(unschedulableSince)
      .filter((t): t is string => t !== undefined)
      .sort(),
  };
}

/** Signals for every Deployment and ReplicaSet among `objects`, keyed by refKey. */
export function observeWorkloads(
  objects: Iterable<KubeObject>,
  pods: readonly KubeObject[],
): Record<string, ObservedWorkload> {
  const out: Record<string, ObservedWorkload> = {};
  for (const obj of objects) {
    if (isWorkload(obj)) out[refKey(refOf(obj))] = observeWorkload(obj, pods);
  }
  return out;
}

/**
 * Ready pods behind each nodePort of the NodePort Services among `objects` (keyed by the nodePort):
 * what the load balancer's health checks would find there. A Service selects its pods by labels in
 * its namespace; terminating pods do not count.
 */
export function readyEndpointsByNodePort(
  objects: Iterable<KubeObject>,
  pods: readonly KubeObject[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const svc of objects) {
    if (svc.apiVersion !== 'v1' || svc.kind !== 'Service') continue;
    const spec = (svc.spec ?? {}) as { type?: string; selector?: Record<string, string>; ports?: unknown };
    if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') continue;
    const nodePorts = (Array.isArray(spec.ports) ? (spec.ports as { nodePort?: unknown }[]) : [])
      .map((p) => p.nodePort)
      .filter((n): n is number => typeof n === 'number');
    if (nodePorts.length === 0 || !spec.selector || Object.keys(spec.selector).length === 0) continue;
    const ready = pods.filter(
      (p) =>
        p.metadata.namespace === svc.metadata.namespace &&
        p.metadata.deletionTimestamp === undefined &&
        matchesSelector(p.metadata.labels ?? {}, { matchLabels: spec.selector }) &&
        isReady(p),
    ).length;
    for (const np of nodePorts) out[String(np)] = (out[String(np)] ?? 0) + ready;
  }
  return out;
}
