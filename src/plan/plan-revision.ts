// planRevision: the pure heart of fedsync. Repository + live state of every target in, Plan out;
// no I/O, no clock. Each registered cluster becomes a cluster target; the load balancer becomes a
// target when its live state was observed.
import { PLAN_SCHEMA_VERSION, refKey, refOf } from '../model/index.js';
import type {
  ClusterAction,
  ClusterName,
  ClusterPlan,
  CloudResource,
  FederationRepo,
  KubeObject,
  ObservedCluster,
  ObservedLoadBalancer,
  ObservedTarget,
  Plan,
  Problem,
  Revision,
  TargetPlan,
} from '../model/index.js';
import { renderDesired } from '../federation/desired.js';
import { about, draftCluster, guardsFor } from './plan-cluster.js';
import type { ClusterDraft } from './plan-cluster.js';
import { evaluateGuards } from './guards.js';
import type { GuardedAction } from './guards.js';
import { orderForApply, orderForDelete } from './order.js';
import { planDigest } from './plan-digest.js';

export type PlanInput = {
  /** `parent` (first parent's SHA) and `changedPaths` let an approval name a commit (guards.ts). */
  revision: Revision;
  repo: FederationRepo;
  clusters: ObservedCluster[];
  /** The load balancer's live resources; without it the plan has no load-balancer target. */
  loadBalancer?: ObservedLoadBalancer;
  /** ISO-8601; the only notion of time the planner has. */
  now: string;
};

/** The live state of every observed target, as the planner takes it. */
export function worldOf(observed: readonly ObservedTarget[]): Pick<PlanInput, 'clusters' | 'loadBalancer'> {
  const clusters: ObservedCluster[] = [];
  let loadBalancer: ObservedLoadBalancer | undefined;
  for (const o of observed) {
    if (o.kind === 'cluster') clusters.push(o.state);
    else loadBalancer = o.state;
  }
  return loadBalancer ? { clusters, loadBalancer } : { clusters };
}

/** The name of the load-balancer target in plans, guards and reports. */
export const LOAD_BALANCER_TARGET = 'loadbalancer';

/**
 * Everything fedsync wants in each target after this plan, unchanged things included, by target
 * kind and name: what drift is compared with.
 */
export type DesiredTargets = {
  cluster: ReadonlyMap<ClusterName, KubeObject[]>;
  loadBalancer: ReadonlyMap<string, CloudResource[]>;
};

/** Plans one revision against the observed targets, with the desired state of each. Pure and deterministic. */
export function planTargets(input: PlanInput): { plan: Plan; desired: DesiredTargets } {
  const { repo, revision } = input;
  const federation = repo.federation.name;
  const problems: Problem[] = [];
  const observedByName = new Map(input.clusters.map((c) => [c.name, c]));
  const names = repo.clusters.map((c) => c.name).sort();
  const ready = names.filter((n) => observedByName.get(n)?.health === 'Ready');

  const desired = renderDesired({ repo, sha: revision.sha, ready, observed: input.clusters, now: input.now });
  problems.push(...desired.problems);
  const repoObjects = new Map(repo.objects.map((o) => [refKey(refOf(o.template)), o]));
  const desiredAnywhere = new Set<string>();
  for (const list of desired.byCluster.values()) for (const d of list) desiredAnywhere.add(d.key);

  const drafts = new Map<string, ClusterDraft>();
  const held: GuardedAction[] = [];
  for (const name of names) {
    const observed = observedByName.get(name);
    if (!observed) {
      problems.push({
        code: 'cluster.notObserved',
        severity: 'error',
        message: 'no live state for this cluster: it is treated as Offline',
        cluster: name,
        transient: true,
      });
      continue;
    }
    if (observed.health !== 'Ready') {
      problems.push({
        code: 'cluster.offline',
        severity: 'warning',
        message: 'Offline: nothing is created, changed or deleted there until it is Ready again',
        cluster: name,
      });
      continue;
    }
    const draft = draftCluster({
      observed,
      desired: desired.byCluster.get(name) ?? [],
      repoObjects,
      federation,
      prune: repo.federation.policy.prune,
      problems,
    });
    drafts.set(name, draft);
    held.push(...guardsFor(draft, desiredAnywhere));
  }

  const outcome = evaluateGuards({ held, approvals: repo.federation.policy.approvals, revision });
  problems.push(...outcome.problems);
  const holds = new Map(held.map((h) => [`${h.target}\u0000${h.key}`, h.guards]));

  const clusterTargets: ClusterPlan[] = names.map((name) => {
    const draft = drafts.get(name);
    if (!draft) {
      const observed = observedByName.get(name);
      return {
        kind: 'cluster',
        target: name,
        health: 'Offline',
        actions: [],
        inventory: [...(observed?.inventory ?? [])].sort(),
      };
    }
    const inventory = new Set(draft.keep);
    const reason = 'removed from Git (in the inventory, carries fedsync labels)';
    const deletes: ClusterAction[] = draft.deletes.map((d): ClusterAction => {
      const guards = (holds.get(`${name}\u0000${d.key}`) ?? []).filter((g) => !outcome.released.has(g));
      if (guards.length === 0) return { action: 'delete', ...about(d.ref, d.key), reason };
      inventory.add(d.key);
      return { action: 'held', ...about(d.ref, d.key), would: 'delete', guards, reason };
    });
    return {
      kind: 'cluster',
      target: name,
      health: 'Ready',
      actions: [...orderForApply(draft.forward), ...orderForDelete(deletes)],
      inventory: [...inventory].sort(),
    };
  });

  const targets: TargetPlan[] = [...clusterTargets];
  // The load-balancer planner fills this target's actions; until then it has none.
  if (input.loadBalancer) targets.push({ kind: 'loadBalancer', target: LOAD_BALANCER_TARGET, actions: [] });
  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    federation,
    revision,
    digest: '',
    targets,
    problems,
  };
  if (outcome.summary) plan.guards = outcome.summary;
  if (desired.requeueAfterSeconds !== undefined) plan.requeueAfterSeconds = desired.requeueAfterSeconds;
  plan.digest = planDigest(plan);
  const cluster = new Map<ClusterName, KubeObject[]>();
  for (const name of ready)
    cluster.set(
      name,
      (desired.byCluster.get(name) ?? []).map((d) => d.object),
    );
  return { plan, desired: { cluster, loadBalancer: new Map() } };
}

/** Plans one revision against the observed targets. Pure and deterministic. */
export function planRevision(input: PlanInput): Plan {
  return planTargets(input).plan;
}
