// What a Kubernetes API server returns after a server-side apply by fedsync: the applied object
// plus defaults, allocations, status and metadata.managedFields. Used to prove that a freshly
// applied object never shows a difference (no false drift).
import { FIELD_MANAGER } from '../../src/model/index.js';
import type { KubeObject, Plan, ObservedCluster } from '../../src/model/index.js';
import { cloneJson } from '../../src/federation/member-object.js';
import { fieldSetOf } from '../../src/plan/managed-fields.js';
import { listKeyOf } from '../../src/plan/diff.js';
import { clusterPlans } from '../../src/model/index.js';

type Dict = Record<string, unknown>;
let counter = 0;

function defaultContainers(podSpec: Dict): void {
  podSpec.restartPolicy ??= 'Always';
  podSpec.dnsPolicy ??= 'ClusterFirst';
  podSpec.schedulerName ??= 'default-scheduler';
  podSpec.terminationGracePeriodSeconds ??= 30;
  podSpec.securityContext ??= {};
  for (const c of (podSpec.containers as Dict[] | undefined) ?? []) {
    c.imagePullPolicy ??= 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    for (const p of (c.ports as Dict[] | undefined) ?? []) p.protocol ??= 'TCP';
    const requests = (c.resources as Dict | undefined)?.requests as Dict | undefined;
    // Canonical quantities, as the API server stores them.
    if (requests?.cpu === '0.5') requests.cpu = '500m';
    if (requests?.memory === '1024Mi') requests.memory = '1Gi';
  }
}

/** The object as stored after fedsync applied `applied` (live: the previous live copy, if any). */
export function asApplied(applied: KubeObject, live?: KubeObject): KubeObject {
  const obj = cloneJson(applied);
  counter++;
  obj.metadata.uid = live?.metadata.uid ?? `uid-${counter}`;
  obj.metadata.resourceVersion = String(1000 + counter);
  obj.metadata.creationTimestamp = live?.metadata.creationTimestamp ?? '2026-01-01T00:00:00Z';
  obj.metadata.managedFields = [
    {
      manager: FIELD_MANAGER,
      operation: 'Apply',
      apiVersion: obj.apiVersion,
      time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: fieldSetOf({ ...applied, apiVersion: undefined, kind: undefined }, listKeyOf),
    },
  ];
  const spec = obj.spec as Dict | undefined;
  switch (obj.kind) {
    case 'Deployment': {
      obj.metadata.generation = 1;
      obj.metadata.annotations = { ...obj.metadata.annotations, 'deployment.kubernetes.io/revision': '1' };
      if (spec) {
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        };
        const template = spec.template as Dict;
        (template.metadata as Dict).creationTimestamp = null;
        defaultContainers(template.spec as Dict);
      }
      obj.status = { replicas: spec?.replicas, readyReplicas: spec?.replicas, observedGeneration: 1 };
      break;
    }
    case 'Service': {
      if (spec) {
        const previous = (live?.spec as Dict | undefined) ?? {};
        spec.clusterIP = previous.clusterIP ?? `10.96.0.${counter % 250}`;
        spec.clusterIPs = [spec.clusterIP];
        spec.sessionAffinity ??= 'None';
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
        spec.internalTrafficPolicy ??= 'Cluster';
        spec.type ??= 'ClusterIP';
        if (spec.type === 'NodePort') spec.externalTrafficPolicy ??= 'Cluster';
        for (const p of (spec.ports as Dict[] | undefined) ?? []) {
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
          if (spec.type === 'NodePort') p.nodePort ??= 30000 + (counter % 2000);
        }
      }
      obj.status = { loadBalancer: {} };
      break;
    }
    case 'Namespace':
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      break;
    case 'Ingress':
      obj.metadata.generation = 1;
      obj.status = { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } };
      break;
    case 'Secret':
      obj.type ??= 'Opaque';
      break;
    default:
      break;
  }
  return obj;
}

/** The clusters after `plan` was applied: what apply would leave, as the API server would show it. */
export function afterApply(plan: Plan, before: ObservedCluster[]): ObservedCluster[] {
  return before.map((cluster) => {
    const cp = clusterPlans(plan).find((c) => c.name === cluster.name);
    if (!cp || cluster.health !== 'Ready') return cluster;
    const objects = { ...cluster.objects };
    for (const a of cp.actions) {
      const key = `${a.ref.group}/${a.ref.kind}/${a.ref.namespace}/${a.ref.name}`;
      if (a.action === 'create' || a.action === 'update' || a.action === 'adopt')
        objects[key] = asApplied(a.object, objects[key]);
      if (a.action === 'delete') delete objects[key];
    }
    return { ...cluster, objects, inventory: [...cp.inventory] };
  });
}
