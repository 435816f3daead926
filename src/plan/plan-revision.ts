// planRevision: the pure heart of fedsync. Repository + live state in, Plan out; no I/O, no clock.
import {
  ANNOTATION_ON_REMOVE,
  ANNOTATION_PRUNE,
  ANNOTATION_RECONCILE,
  ON_REMOVE_DELETE,
  DISABLED,
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  PLAN_SCHEMA_VERSION,
  parseRefKey,
  refKey,
  refOf,
  subject,
} from '../model/index.js';
import type {
  ClusterPlan,
  DepartedCluster,
  FederatedObject,
  FederationRepo,
  KubeAction,
  KubeObject,
  ObjectRef,
  ObservedCluster,
  ObservedLoadBalancer,
  Plan,
  Problem,
  Revision,
  TargetPlan,
} from '../model/index.js';
import { renderDesired } from '../federation/desired.js';
import type { DesiredObject } from '../federation/desired.js';
import { diffObject } from './diff.js';
import { GuardCode, evaluateGuards, isMassPrune, isWorkloadKind } from './guards.js';
import type { GuardedDelete } from './guards.js';
import { draftLoadBalancer, releaseHeld } from './load-balancer.js';
import { maskChanges } from './mask.js';
import { orderForApply, orderForDelete } from './order.js';
import { planPolicy } from './plan-policy.js';
import { planDigest } from './plan-digest.js';
import { departedClusters, departureProblems, leavingProblem, nextRecord } from './membership.js';
import { nextHeld, recordedHeld } from './held-record.js';
import { holdDependencies } from './guard-dependencies.js';

export type PlanInput = {
  /** `parent` and `changedPaths` let an approval name a commit (guards.ts). */
  revision: Revision;
  repo: FederationRepo;
  /**
   * A snapshot: never changed after planning (an incremental plan compares the next observation
   * with the one its basis was planned from). Unchanged objects may be shared between snapshots.
   */
  clusters: ObservedCluster[];
  /**
   * What the load-balancer target observed in Google Cloud. Absent: no load-balancer target is
   * configured, and the plan has no load-balancer part.
   */
  loadBalancers?: ObservedLoadBalancer[];
  /** ISO-8601; the only notion of time the planner has. */
  now: string;
  /**
   * What the cluster adapter found in clusters the observed records remember but the repository no
   * longer registers (absent: not looked at; the plan still names them).
   */
  departed?: DepartedCluster[];
};

function isDisabled(obj: KubeObject | undefined, annotation: string): boolean {
  return obj?.metadata.annotations?.[annotation] === DISABLED;
}

function asksForDelete(live: KubeObject, template: KubeObject | undefined): boolean {
  const says = (o: KubeObject | undefined) => o?.metadata.annotations?.[ANNOTATION_ON_REMOVE];
  return (says(template) ?? says(live)) === ON_REMOVE_DELETE;
}

/** Carries fedsync's labels for this federation (objects without them are never deleted). */
export function isOwnedBy(obj: KubeObject, federation: string): boolean {
  const labels = obj.metadata.labels ?? {};
  return labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE && labels[LABEL_FEDERATION] === federation;
}

type DeleteCandidate = { ref: ObjectRef; key: string; apiVersion: string };

type ClusterDraft = {
  observed: ObservedCluster;
  forward: KubeAction[];
  deletes: DeleteCandidate[];
  keep: string[];
  /** Keys of `keep` fedsync adopted rather than created. */
  adopted: Set<string>;
  desiredCount: number;
};

/** What planning one desired object in one cluster decides. */
export type DesiredDraft = {
  action: KubeAction;
  /** It stays in (or enters) the cluster's inventory. */
  keep: boolean;
  problem?: Problem;
};

/** What one cluster's desired objects are planned against. */
export type DraftContext = {
  observed: ObservedCluster;
  /** Membership in the cluster's inventory (none when it could not be read). */
  inInventory: { has(key: string): boolean };
  federation: string;
};

/** Why a desired object is skipped when it, or its live copy, turns reconciliation off. */
export const RECONCILE_DISABLED_REASON = `${ANNOTATION_RECONCILE}: ${DISABLED}`;

/** Plans one desired object against its live copy in one cluster. Pure. */
export function draftDesired(d: DesiredObject, ctx: DraftContext): DesiredDraft {
  const live = ctx.observed.objects[d.key];
  if (isDisabled(d.object, ANNOTATION_RECONCILE) || isDisabled(live, ANNOTATION_RECONCILE)) {
    return {
      action: { action: 'skip', ref: d.ref, reason: RECONCILE_DISABLED_REASON },
      keep: ctx.inInventory.has(d.key),
    };
  }
  if (!live) {
    const reason = 'in Git, missing in the cluster';
    return { action: { action: 'create', ref: d.ref, object: d.object, reason }, keep: true };
  }
  const labels = live.metadata.labels ?? {};
  const otherFederation = labels[LABEL_FEDERATION];
  if (
    labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE &&
    otherFederation !== undefined &&
    otherFederation !== ctx.federation
  ) {
    return {
      action: { action: 'skip', ref: d.ref, reason: `owned by federation ${otherFederation}` },
      keep: false,
      problem: {
        code: 'object.ownedByOtherFederation',
        severity: 'error',
        message: `exists and belongs to federation ${otherFederation}; fedsync leaves it alone`,
        object: subject(d.ref),
        cluster: ctx.observed.name,
        source: d.from.source,
      },
    };
  }
  const changes = maskChanges(d.ref.kind, diffObject(d.object, live));
  if (!isOwnedBy(live, ctx.federation)) {
    const reason = "exists without fedsync's labels";
    return { action: { action: 'adopt', ref: d.ref, object: d.object, changes, reason }, keep: true };
  }
  if (changes.length > 0)
    return {
      action: { action: 'update', ref: d.ref, object: d.object, changes, reason: 'differs from Git' },
      keep: true,
    };
  return { action: { action: 'unchanged', ref: d.ref, object: d.object }, keep: true };
}

function draftCluster(options: {
  observed: ObservedCluster;
  desired: DesiredObject[];
  repoObjects: Map<string, FederatedObject>;
  federation: string;
  prune: boolean;
  problems: Problem[];
}): ClusterDraft {
  const { observed, federation, problems } = options;
  const forward: KubeAction[] = [];
  const keep: string[] = [];
  const wasAdopted = new Set(observed.adopted ?? []);
  const adopted = new Set<string>();
  const desiredKeys = new Set<string>();
  const ctx: DraftContext = { observed, inInventory: new Set(observed.inventory ?? []), federation };
  for (const d of options.desired) {
    desiredKeys.add(d.key);
    const one = draftDesired(d, ctx);
    forward.push(one.action);
    if (one.keep) keep.push(d.key);
    if (one.action.action === 'adopt') adopted.add(d.key);
    if (one.problem) problems.push(one.problem);
  }

  const deletes: DeleteCandidate[] = [];
  if (observed.inventory === null) {
    problems.push({
      code: 'inventory.unavailable',
      severity: 'error',
      message: "fedsync's inventory could not be read: nothing is deleted in this cluster until it can",
      cluster: observed.name,
    });
  } else {
    for (const key of observed.inventory) {
      if (desiredKeys.has(key)) continue;
      const live = observed.objects[key];
      if (!live) continue;
      const ref = parseRefKey(key);
      if (!isOwnedBy(live, federation)) {
        forward.push({ action: 'skip', ref, reason: "no longer carries fedsync's labels; left alone" });
      } else if (
        isDisabled(live, ANNOTATION_PRUNE) ||
        isDisabled(options.repoObjects.get(key)?.template, ANNOTATION_PRUNE)
      ) {
        forward.push({
          action: 'skip',
          ref,
          reason: `not desired here, but ${ANNOTATION_PRUNE}: ${DISABLED}`,
        });
        keep.push(key);
      } else if (isDisabled(live, ANNOTATION_RECONCILE)) {
        forward.push({
          action: 'skip',
          ref,
          reason: `not desired here, but ${ANNOTATION_RECONCILE}: ${DISABLED}`,
        });
        keep.push(key);
      } else if (!options.prune) {
        forward.push({
          action: 'skip',
          ref,
          reason: 'not desired here, but pruning is off (spec.policy.prune: false)',
        });
        keep.push(key);
      } else if (wasAdopted.has(key) && !asksForDelete(live, options.repoObjects.get(key)?.template)) {
        // Someone made it before fedsync took it over: fedsync lets go and the object stays.
        forward.push({
          action: 'orphan',
          ref,
          apiVersion: live.apiVersion,
          reason: `not desired here; adopted, so released and kept (${ANNOTATION_ON_REMOVE}: ${ON_REMOVE_DELETE} deletes it)`,
        });
      } else {
        deletes.push({ ref, key, apiVersion: live.apiVersion });
      }
    }
  }
  // Skipped and prune-disabled objects stay in the inventory as they were recorded.
  for (const k of keep) if (wasAdopted.has(k)) adopted.add(k);
  return { observed, forward, deletes, keep, adopted, desiredCount: options.desired.length };
}

function guardsFor(draft: ClusterDraft, desiredAnywhere: Set<string>, leaving: boolean): GuardedDelete[] {
  const held: GuardedDelete[] = [];
  const managed = draft.observed.inventory?.length ?? 0;
  // A leaving member's deletes are held by one guard that says why, not as an empty render.
  const empty = !leaving && draft.desiredCount === 0 && draft.deletes.length > 0;
  const workload = (key: string): boolean => {
    const r = parseRefKey(key);
    return isWorkloadKind(r.group, r.kind);
  };
  const inventory = draft.observed.inventory ?? [];
  // Only what is still there counts: an inventory entry whose object is gone is deleted by nobody.
  const live = inventory.filter((k) => draft.observed.objects[k] !== undefined);
  const mass =
    !leaving &&
    isMassPrune({
      managed,
      deletes: draft.deletes.length,
      workloadsManaged: live.filter(workload).length,
      workloadsDeleted: draft.deletes.filter((d) => workload(d.key)).length,
    });
  for (const d of draft.deletes) {
    const guards: GuardCode[] = [];
    if (leaving) guards.push(GuardCode.memberLeaving);
    if (empty) guards.push(GuardCode.emptyRender);
    if (mass) guards.push(GuardCode.massPrune);
    if (d.ref.kind === 'Namespace' && d.ref.group === '') guards.push(GuardCode.namespaceDelete);
    if (d.ref.kind === 'Ingress' && !desiredAnywhere.has(d.key)) guards.push(GuardCode.lbFrontendDelete);
    if (guards.length > 0)
      held.push({ target: draft.observed.name, key: d.key, subject: subject(d.ref), guards });
  }
  return held;
}

/** Why nothing is planned for a cluster that is not Ready, with the cause when one is known. */
function notReadyProblem(observed: ObservedCluster): Problem {
  const cause = observed.cause ? ` (${observed.cause.reason}: ${observed.cause.message})` : '';
  if (observed.health === 'Unreachable')
    return {
      code: 'cluster.unreachable',
      severity: 'warning',
      message: `Unreachable${cause}: left untouched this run; its replicas stay planned there`,
      cluster: observed.name,
    };
  return {
    code: 'cluster.offline',
    severity: 'warning',
    message: `Offline${cause}: nothing is created, changed or deleted there until it is Ready again`,
    cluster: observed.name,
  };
}

/** Plans one revision of the federation against the observed clusters. Pure and deterministic. */
export function planRevision(input: PlanInput): Plan {
  const { repo, revision } = input;
  const federation = repo.federation.name;
  const problems: Problem[] = [];
  const observedByName = new Map(input.clusters.map((c) => [c.name, c]));
  const names = repo.clusters.map((c) => c.name).sort();
  // A leaving member is planned (its objects are deleted) but nothing is placed there: the rest of
  // the federation renders and load-balances as if it were gone.
  const leaving = new Set(repo.clusters.filter((c) => c.leaving).map((c) => c.name));
  const members: FederationRepo =
    leaving.size > 0 ? { ...repo, clusters: repo.clusters.filter((c) => !leaving.has(c.name)) } : repo;
  // An Unreachable cluster keeps its share of replicas (no failover on a partial view); only an
  // Offline one (seen failing by the agent, or assumed by the user) gives its replicas away.
  const ready = names.filter((n) => {
    const health = observedByName.get(n)?.health;
    return !leaving.has(n) && (health === 'Ready' || health === 'Unreachable');
  });

  const departed = departedClusters(repo, input.clusters, input.departed);
  problems.push(...departureProblems(departed));
  const membership = nextRecord(repo, input.clusters, departed);

  const desired = renderDesired({
    repo: members,
    sha: revision.sha,
    ready,
    observed: input.clusters,
    now: input.now,
  });
  problems.push(...desired.problems);
  const repoObjects = new Map(repo.objects.map((o) => [refKey(refOf(o.template)), o]));
  const desiredAnywhere = new Set<string>();
  for (const list of desired.byCluster.values()) for (const d of list) desiredAnywhere.add(d.key);

  const drafts = new Map<string, ClusterDraft>();
  const held: GuardedDelete[] = [];
  for (const name of names) {
    const observed = observedByName.get(name);
    if (!observed) {
      problems.push({
        code: 'cluster.notObserved',
        severity: 'error',
        message: 'no live state for this cluster: it is treated as Offline',
        cluster: name,
      });
      continue;
    }
    if (observed.health !== 'Ready') {
      problems.push(notReadyProblem(observed));
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
    held.push(
      ...holdDependencies({
        target: name,
        held: guardsFor(draft, desiredAnywhere, leaving.has(name)),
        deletes: draft.deletes.map((d) => d.key),
        objects: observed.objects,
      }),
    );
    if (leaving.has(name))
      problems.push(leavingProblem(name, observed.inventory?.length ?? null, draft.deletes.length));
  }

  const lb = input.loadBalancers
    ? draftLoadBalancer({
        repo: members,
        clusters: input.clusters,
        observed: input.loadBalancers,
        desired: new Map([...desired.byCluster].map(([c, list]) => [c, list.map((d) => d.object)])),
        now: input.now,
      })
    : undefined;
  if (lb) {
    problems.push(...lb.problems);
    held.push(...lb.held);
  }

  const recorded = recordedHeld(input.clusters);
  const outcome = evaluateGuards({
    held,
    approvals: repo.federation.policy.approvals,
    revision,
    recorded,
  });
  problems.push(...outcome.problems);
  // Every Ready member remembers what the guards held at this commit: an approval naming it binds
  // to exactly that set.
  const heldNow = outcome.summary
    ? { commit: revision.sha, digest: outcome.summary.digest, count: held.length }
    : undefined;
  const heldList = nextHeld(recorded, heldNow);
  const record = { ...membership, ...(heldList.length > 0 ? { held: heldList } : {}) };
  const holds = new Map(held.map((h) => [`${h.target}\u0000${h.key}`, h]));

  const clusterTargets: ClusterPlan[] = names.map((name) => {
    const draft = drafts.get(name);
    if (!draft) {
      const observed = observedByName.get(name);
      return {
        kind: 'cluster',
        name,
        health: observed?.health ?? 'Offline',
        ...(observed?.cause ? { cause: observed.cause } : {}),
        actions: [],
        inventory: [...(observed?.inventory ?? [])].sort(),
        ...(observed?.adopted?.length ? { adopted: [...observed.adopted].sort() } : {}),
        ...(leaving.has(name) ? { leaving: true as const } : {}),
        selfHeal: repo.federation.policy.selfHeal,
      };
    }
    const inventory = new Set(draft.keep);
    const deletes: KubeAction[] = draft.deletes.map((d): KubeAction => {
      const hold = holds.get(`${name}\u0000${d.key}`);
      const heldBy = (hold?.guards ?? []).filter((g) => !outcome.released.has(g));
      const reason = 'removed from Git (in the inventory, carries fedsync labels)';
      if (heldBy.length === 0) return { action: 'delete', ref: d.ref, apiVersion: d.apiVersion, reason };
      // Held: it stays in the inventory, so a later approved plan can still delete it.
      inventory.add(d.key);
      const heldWith = hold?.heldWith;
      return {
        action: 'held',
        ref: d.ref,
        apiVersion: d.apiVersion,
        reason,
        heldBy,
        ...(heldWith && heldWith.length > 0 ? { heldWith } : {}),
      };
    });
    const orphans = draft.forward.filter((a) => a.action === 'orphan');
    const wasAdopted = new Set(draft.observed.adopted ?? []);
    const adopted = [...inventory].filter((k) => draft.adopted.has(k) || wasAdopted.has(k)).sort();
    return {
      kind: 'cluster',
      name,
      health: 'Ready',
      actions: [
        ...orderForApply(draft.forward.filter((a) => a.action !== 'orphan')),
        ...orderForDelete([...deletes, ...orphans]),
      ],
      inventory: [...inventory].sort(),
      ...(adopted.length > 0 ? { adopted } : {}),
      ...(leaving.has(name) ? { leaving: true as const } : { record }),
      selfHeal: repo.federation.policy.selfHeal,
    };
  });

  const targets: TargetPlan[] = [...clusterTargets];
  if (lb?.plan) targets.push(releaseHeld(lb.plan, outcome.released));

  // The parent only decides approvals by commit; the plan names the commit it was made for.
  const { parent: _parent, ...planned } = revision;
  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    federation,
    revision: planned,
    policy: planPolicy(repo.federation.policy),
    digest: '',
    targets,
    problems,
  };
  if (outcome.summary) plan.guards = outcome.summary;
  const requeue = [desired.requeueAfterSeconds, lb?.requeueAfterSeconds].filter(
    (n): n is number => n !== undefined,
  );
  if (requeue.length > 0) plan.requeueAfterSeconds = Math.min(...requeue);
  plan.digest = planDigest(plan);
  return plan;
}
