// Desired state per cluster: placement, replica scheduling, NodePort pins and overrides applied to
// each federated object, in that order (kubefed applies overrides last; ownership marks go after).
import { ANNOTATION_INGRESS_CLASS, DEFAULT_INGRESS_CLASS, refKey, refOf, subject } from '../model/index.js';
import type {
  ClusterName,
  FederatedObject,
  FederationRepo,
  KubeObject,
  ObjectRef,
  ObservedCluster,
  Override,
  Problem,
  ReplicaScheduling,
} from '../model/index.js';
import { nodePortOf, setPinnedNodePorts, pinNodePorts } from './nodeport.js';
import { overrideInPlace } from './overrides.js';
import { placedClusters, unknownPlacementClusters } from './placement.js';
import { planReplicas } from './replicas.js';
import { workloadSignals } from './workload-state.js';
import { cloneJson, markOwned, sourceAnnotation, toMemberObject } from './member-object.js';

export type DesiredObject = {
  key: string;
  ref: ObjectRef;
  /** Read-only: clusters without overrides or scheduling share one object. */
  object: KubeObject;
  from: FederatedObject;
};

export type DesiredState = {
  /** One entry per target cluster (Ready, registered), objects in repository order. */
  byCluster: Map<ClusterName, DesiredObject[]>;
  problems: Problem[];
  /** Plan again after this many seconds (a pending pod is about to count as unschedulable). */
  requeueAfterSeconds?: number;
};

export type DesiredInput = {
  repo: FederationRepo;
  /** Commit the source annotation names. */
  sha: string;
  /** Registered clusters that may receive changes (Ready), in registration order. */
  ready: ClusterName[];
  /** Live state: replica signals (Ready clusters) and already allocated nodePorts (all clusters). */
  observed: ObservedCluster[];
  now: string;
};

const SCHEDULED_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

type Report = (code: string, severity: Problem['severity'], message: string, cluster?: ClusterName) => void;

function reporterFor(problems: Problem[], fed: FederatedObject, who: string): Report {
  return (code, severity, message, cluster) =>
    problems.push({
      code,
      severity,
      message,
      object: who,
      source: fed.source,
      ...(cluster ? { cluster } : {}),
    });
}

/** Runs the replica planner for one workload; returns replicas per cluster that gets a copy. */
function scheduleWorkload(options: {
  fed: FederatedObject & { replicaScheduling: ReplicaScheduling };
  ref: ObjectRef;
  key: string;
  targets: ClusterName[];
  observed: ObservedCluster[];
  now: string;
  report: Report;
}): { replicas: Record<ClusterName, number>; requeueAfterSeconds?: number } {
  const { fed, ref, targets, report } = options;
  const signals = workloadSignals({
    key: options.key,
    clusters: options.observed.filter((c) => targets.includes(c.name)),
    now: options.now,
  });
  const result = planReplicas({
    scheduling: fed.replicaScheduling,
    available: targets,
    current: signals.current,
    capacity: signals.capacity,
    key: `${ref.namespace}/${ref.name}`,
  });
  if (result.unplaced > 0) {
    const why =
      Object.keys(result.replicas).length === 0
        ? 'no ready cluster accepts it'
        : 'every ready cluster is at its maximum, its capacity or has weight 0';
    report(
      'replicas.unplaceable',
      'error',
      `${result.unplaced} of ${fed.replicaScheduling.totalReplicas} replicas cannot be placed: ${why}`,
    );
  }
  for (const [cluster, n] of Object.entries(result.overflow)) {
    const text = `${n} replicas kept pending beyond the cluster's capacity while they are also placed elsewhere`;
    report('replicas.overflow', 'warning', text, cluster);
  }
  return signals.requeueAfterSeconds === undefined
    ? { replicas: result.replicas }
    : { replicas: result.replicas, requeueAfterSeconds: signals.requeueAfterSeconds };
}

/** The member object for one cluster: the shared base, or a copy with replicas and overrides. */
function objectForCluster(options: {
  base: KubeObject;
  cluster: ClusterName;
  count: number | undefined;
  overrides: Override[];
  pins: Map<number, number> | undefined;
  owner: { federation: string; source: string };
  report: Report;
}): KubeObject {
  const { base, cluster, count, overrides, pins, report } = options;
  if (overrides.length === 0) {
    if (count === undefined) return base;
    // Only spec.replicas differs: share everything else with the base object (read-only).
    return { ...base, spec: { ...(base.spec as Record<string, unknown> | undefined), replicas: count } };
  }
  const object = cloneJson(base);
  if (count !== undefined)
    object.spec = { ...(object.spec as Record<string, unknown> | undefined), replicas: count };
  for (const f of overrideInPlace(object, overrides)) report(f.code, 'error', f.message, cluster);
  markOwned(object, options.owner);
  for (const [port, nodePort] of pins ?? []) {
    const actual = nodePortOf(object, port);
    if (actual !== nodePort) {
      const text = `an override sets port ${port} to nodePort ${String(actual)}, but every cluster must use ${nodePort} (the Service backs an Ingress)`;
      report('nodePort.overridden', 'error', text, cluster);
    }
  }
  return object;
}

/**
 * The ingress class member Ingresses get when fedsync runs their load balancer (the federation names
 * a Google Cloud project): one no in-cluster controller serves, so none builds a second one.
 */
export function memberIngressClass(repo: FederationRepo): string | undefined {
  const project = repo.federation.gcp?.project ?? repo.clusters.find((c) => c.gcp?.project)?.gcp?.project;
  return project ? (repo.federation.gcp?.ingressClass ?? DEFAULT_INGRESS_CLASS) : undefined;
}

/**
 * Sets the class by the annotation, the form every ingress controller honours. The API server
 * refuses an Ingress carrying both the annotation and `spec.ingressClassName`, so a class named in
 * the spec is taken out of the member copy.
 */
function withIngressClass(obj: KubeObject, ingressClass: string, report: Report): void {
  const spec = obj.spec as { ingressClassName?: unknown } | undefined;
  const current = obj.metadata.annotations?.[ANNOTATION_INGRESS_CLASS];
  const replaced = [
    ...(current !== undefined && current !== ingressClass ? [`${ANNOTATION_INGRESS_CLASS}: ${current}`] : []),
    ...(spec?.ingressClassName !== undefined
      ? [`spec.ingressClassName: ${JSON.stringify(spec.ingressClassName)}`]
      : []),
  ];
  if (replaced.length > 0)
    report(
      'ingress.classReplaced',
      'warning',
      `${replaced.join(' and ')} replaced by ${ANNOTATION_INGRESS_CLASS}: ${ingressClass} in the member clusters: fedsync runs this Ingress's load balancer, no in-cluster controller may (spec.gcp.ingressClass in fedsync.yaml sets the class)`,
    );
  if (spec && 'ingressClassName' in spec) delete spec.ingressClassName;
  obj.metadata.annotations = { ...obj.metadata.annotations, [ANNOTATION_INGRESS_CLASS]: ingressClass };
}

/** Computes the objects each ready cluster should hold. Pure. */
export function renderDesired(input: DesiredInput): DesiredState {
  const { repo } = input;
  const federation = repo.federation.name;
  const problems: Problem[] = [];
  const byCluster = new Map<ClusterName, DesiredObject[]>(input.ready.map((c) => [c, []]));
  const readySet = new Set(input.ready);
  const readyObserved = input.observed.filter((c) => readySet.has(c.name));
  const { pins, problems: pinProblems } = pinNodePorts({ objects: repo.objects, clusters: input.observed });
  problems.push(...pinProblems);
  const known = new Set(repo.clusters.map((c) => c.name));
  const ingressClass = memberIngressClass(repo);
  const seen = new Set<string>();
  let recheck: number | undefined;

  for (const fed of repo.objects) {
    const ref = refOf(fed.template);
    const key = refKey(ref);
    const report = reporterFor(problems, fed, subject(ref));
    if (seen.has(key)) {
      report('object.duplicate', 'error', 'defined more than once; the first definition wins');
      continue;
    }
    seen.add(key);
    for (const name of unknownPlacementClusters(fed.placement, repo.clusters)) {
      report(
        'placement.unknownCluster',
        'warning',
        `placement names cluster ${name}, which is not registered`,
      );
    }
    for (const name of Object.keys(fed.overrides).filter((n) => !known.has(n))) {
      report('override.unknownCluster', 'warning', `overrides name cluster ${name}, which is not registered`);
    }

    let targets = placedClusters(fed.placement, repo.clusters).filter((c) => readySet.has(c));
    let replicas: Record<ClusterName, number> | undefined;
    const scheduling = fed.replicaScheduling;
    if (scheduling && !SCHEDULED_KINDS.has(fed.template.kind)) {
      const kinds = [...SCHEDULED_KINDS].join(', ');
      report(
        'replicas.unsupportedKind',
        'warning',
        `replica scheduling applies to ${kinds}; it is ignored for a ${fed.template.kind}`,
      );
    } else if (scheduling) {
      const scheduled = scheduleWorkload({
        fed: { ...fed, replicaScheduling: scheduling },
        ref,
        key,
        targets,
        observed: readyObserved,
        now: input.now,
        report,
      });
      replicas = scheduled.replicas;
      if (scheduled.requeueAfterSeconds !== undefined) {
        recheck = Math.min(recheck ?? Infinity, scheduled.requeueAfterSeconds);
      }
      // Clusters without a preference entry get no copy (kubefed writes placement = planned clusters).
      targets = targets.filter((c) => c in scheduled.replicas);
    }

    const owner = { federation, source: sourceAnnotation(fed.source, input.sha) };
    const base = toMemberObject(fed.template, owner);
    if (ingressClass && ref.kind === 'Ingress' && ref.group === 'networking.k8s.io')
      withIngressClass(base, ingressClass, report);
    const svcPins = pins.get(key);
    if (svcPins) setPinnedNodePorts(base, svcPins);
    for (const cluster of targets) {
      const object = objectForCluster({
        base,
        cluster,
        count: replicas?.[cluster],
        overrides: fed.overrides[cluster] ?? [],
        pins: svcPins,
        owner,
        report,
      });
      byCluster.get(cluster)?.push({ key, ref, object, from: fed });
    }
  }
  return recheck === undefined
    ? { byCluster, problems }
    : { byCluster, problems, requeueAfterSeconds: recheck };
}
