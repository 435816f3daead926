// Desired state per cluster: placement, replica scheduling, NodePort pins and overrides applied to
// each federated object, in that order (kubefed applies overrides last; ownership marks go after).
import { refKey, refOf, subject } from '../model/index.js';
import type {
  ClusterName,
  FederatedObject,
  FederationRepo,
  KubeObject,
  ObjectRef,
  ObservedCluster,
  Problem,
} from '../model/index.js';
import { nodePortOf, applyNodePortPins, pinNodePorts } from './nodeport.js';
import { applyOverrides } from './overrides.js';
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
  recheckAfterSeconds?: number;
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
  const seen = new Set<string>();
  let recheck: number | undefined;

  for (const fed of repo.objects) {
    const ref = refOf(fed.template);
    const key = refKey(ref);
    const who = subject(ref);
    if (seen.has(key)) {
      problems.push({
        code: 'object.duplicate',
        severity: 'error',
        message: 'defined more than once; the first definition wins',
        object: who,
        source: fed.source,
      });
      continue;
    }
    seen.add(key);
    for (const name of unknownPlacementClusters(fed.placement, repo.clusters)) {
      problems.push({
        code: 'placement.unknownCluster',
        severity: 'warning',
        message: `placement names cluster ${name}, which is not registered`,
        object: who,
        source: fed.source,
      });
    }
    for (const name of Object.keys(fed.overrides)) {
      if (!known.has(name)) {
        problems.push({
          code: 'override.unknownCluster',
          severity: 'warning',
          message: `overrides name cluster ${name}, which is not registered`,
          object: who,
          source: fed.source,
        });
      }
    }

    let targets = placedClusters(fed.placement, repo.clusters).filter((c) => readySet.has(c));
    let replicas: Record<ClusterName, number> | undefined;
    if (fed.replicaScheduling && !SCHEDULED_KINDS.has(fed.template.kind)) {
      problems.push({
        code: 'replicas.unsupportedKind',
        severity: 'warning',
        message: `replica scheduling applies to ${[...SCHEDULED_KINDS].join(', ')}; it is ignored for a ${fed.template.kind}`,
        object: who,
        source: fed.source,
      });
    }
    if (fed.replicaScheduling && SCHEDULED_KINDS.has(fed.template.kind)) {
      const signals = workloadSignals({
        key,
        clusters: readyObserved.filter((c) => targets.includes(c.name)),
        now: input.now,
      });
      if (signals.recheckAfterSeconds !== undefined)
        recheck = Math.min(recheck ?? Infinity, signals.recheckAfterSeconds);
      const result = planReplicas({
        scheduling: fed.replicaScheduling,
        available: targets,
        current: signals.current,
        capacity: signals.capacity,
        key: `${ref.namespace}/${ref.name}`,
      });
      replicas = result.replicas;
      // Clusters without a preference entry get no copy (kubefed writes placement = planned clusters).
      targets = targets.filter((c) => c in result.replicas);
      if (result.unplaced > 0) {
        const why =
          targets.length === 0
            ? 'no ready cluster accepts it'
            : 'every ready cluster is at its maximum, its capacity or has weight 0';
        problems.push({
          code: 'replicas.unplaceable',
          severity: 'error',
          message: `${result.unplaced} of ${fed.replicaScheduling.totalReplicas} replicas cannot be placed: ${why}`,
          object: who,
          source: fed.source,
        });
      }
      for (const [c, n] of Object.entries(result.overflow)) {
        problems.push({
          code: 'replicas.overflow',
          severity: 'warning',
          message: `${n} replicas kept pending beyond the cluster's capacity while they are also placed elsewhere`,
          object: who,
          cluster: c,
          source: fed.source,
        });
      }
    }

    const source = sourceAnnotation(fed.source, input.sha);
    const base = toMemberObject(fed.template, { federation, source });
    const svcPins = pins.get(key);
    if (svcPins) applyNodePortPins(base, svcPins);

    for (const cluster of targets) {
      const overrides = fed.overrides[cluster] ?? [];
      const count = replicas?.[cluster];
      let object = base;
      if (overrides.length > 0) {
        object = cloneJson(base);
        if (count !== undefined)
          object.spec = { ...(object.spec as Record<string, unknown> | undefined), replicas: count };
        for (const f of applyOverrides(object, overrides)) {
          problems.push({
            code: f.code,
            severity: 'error',
            message: f.message,
            object: who,
            cluster,
            source: fed.source,
          });
        }
        markOwned(object, { federation, source });
        if (svcPins) {
          for (const [port, nodePort] of svcPins) {
            const actual = nodePortOf(object, port);
            if (actual !== nodePort) {
              problems.push({
                code: 'nodePort.overridden',
                severity: 'error',
                message: `an override sets port ${port} to nodePort ${String(actual)}, but every cluster must use ${nodePort} (the Service backs an Ingress)`,
                object: who,
                cluster,
                source: fed.source,
              });
            }
          }
        }
      } else if (count !== undefined) {
        // Only spec.replicas differs: share everything else with the base object (read-only).
        object = {
          ...base,
          spec: { ...(base.spec as Record<string, unknown> | undefined), replicas: count },
        };
      }
      byCluster.get(cluster)?.push({ key, ref, object, from: fed });
    }
  }
  return recheck === undefined
    ? { byCluster, problems }
    : { byCluster, problems, recheckAfterSeconds: recheck };
}
