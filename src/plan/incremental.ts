// Incremental planning: the plan of a new revision built from the previous converged plan, planning
// again only the objects whose manifests changed, the objects the watch saw drift on, and those
// whose desired state follows live state when what they read of it moved (incremental-live.ts).
// Everything else keeps the previous plan's
// decision, which after a converged apply is "unchanged" (or the same skip). Pure and
// deterministic, and it must equal planRevision on the same input (test/plan/incremental*.test.ts);
// whenever it cannot be sure of that it declines, and the caller plans in full.
import { PLAN_SCHEMA_VERSION, refKey, refOf } from '../model/index.js';
import type {
  ClusterName,
  ClusterPlan,
  FederatedObject,
  KubeAction,
  ObjectRef,
  ObservedCluster,
  Plan,
} from '../model/index.js';
import { renderDesired } from '../federation/desired.js';
import { repoChanges } from './incremental-changes.js';
import type { RepoIndex } from './incremental-changes.js';
import { digestBlocks, editBlocks } from './digest-blocks.js';
import type { ActionEdit, DigestBlocks } from './digest-blocks.js';
import { liveDependentKeys } from './incremental-live.js';
import { phaseOf } from './order.js';
import { planPolicy } from './plan-policy.js';
import { planDigest } from './plan-digest.js';
import { RECONCILE_DISABLED_REASON, draftDesired } from './plan-revision.js';
import type { PlanInput } from './plan-revision.js';

/**
 * What the next incremental plan builds on: the input of a plan that converged, and that plan as
 * the clusters hold it now (every write done: creates, updates and adoptions are unchanged, deletes
 * and orphans gone). Made by settlePlan.
 */
export type PlanBasis = {
  input: PlanInput;
  plan: Plan;
  /** What the plan that made the basis kept for the next one (absent: rebuilt on use). */
  carry?: BasisCarry;
};

/** What an incremental plan keeps for the plan after it, so that one reads no more than it changes. */
export type BasisCarry = {
  /** The index of the planned repository. */
  index: RepoIndex;
  /** Each Ready cluster's digest blocks (Plan.digest), of its actions as planned. */
  blocks: ReadonlyMap<ClusterName, DigestBlocks>;
};

/** An object the watch saw drift on in one cluster. */
export type DirtyObject = { cluster: ClusterName; ref: ObjectRef };

export type IncrementalPlan =
  | {
      ok: true;
      plan: Plan;
      /** Objects planned again (changed, dirty, following live state). */
      replanned: number;
      /** For settlePlan, which keeps it on the next basis. */
      carry: BasisCarry;
    }
  | { ok: false; /** Why only a full plan will do. */ why: string };

/** The settled copy of an action after a successful apply; undefined when it leaves the plan. */
function settled(a: KubeAction, inventory: { has(key: string): boolean }): KubeAction | undefined {
  switch (a.action) {
    case 'create':
    case 'update':
    case 'adopt':
      return { action: 'unchanged', ref: a.ref, object: a.object };
    case 'unchanged':
      return a;
    case 'skip':
      // A skipped desired object is planned so again; an inventory entry that left the inventory is not.
      return a.reason === RECONCILE_DISABLED_REASON || inventory.has(refKey(a.ref)) ? a : undefined;
    case 'delete':
    case 'orphan':
    case 'held':
      return undefined;
  }
}

/** Membership in a sorted list of keys (inventories are kept sorted), without building a set. */
export function sortedHas(list: readonly string[], key: string): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = list[mid]!;
    if (at === key) return true;
    if (at < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** A cluster's actions as they stand once applied (the same array when nothing changes), and the edits. */
function settleActions(t: ClusterPlan): { actions: KubeAction[]; edits: ActionEdit[] } {
  const inventory = { has: (key: string) => sortedHas(t.inventory, key) };
  const first = t.actions.findIndex((a) => settled(a, inventory) !== a);
  if (first < 0) return { actions: t.actions, edits: [] };
  const actions = t.actions.slice(0, first);
  const edits: ActionEdit[] = [];
  for (let i = first; i < t.actions.length; i++) {
    const a = t.actions[i]!;
    const s = settled(a, inventory);
    if (s !== a) edits.push({ at: actions.length, change: s ? 'replace' : 'remove' });
    if (s) actions.push(s);
  }
  return { actions, edits };
}

/**
 * The basis for the next plan, from a plan whose apply converged (every action done). `carry`: what
 * the incremental plan that made `plan` kept (IncrementalPlan.carry).
 */
export function settlePlan(input: PlanInput, plan: Plan, options: { carry?: BasisCarry } = {}): PlanBasis {
  const blocks = new Map<ClusterName, DigestBlocks>();
  const targets = plan.targets.map((t) => {
    if (t.kind !== 'cluster') return t;
    const { actions, edits } = settleActions(t);
    const before = options.carry?.blocks.get(t.name);
    if (before) blocks.set(t.name, editBlocks(before, actions, edits));
    return { ...t, actions };
  });
  const carry = options.carry ? { carry: { index: options.carry.index, blocks } } : {};
  return { input, plan: { ...plan, targets }, ...carry };
}

const sameList = (
  a: readonly string[] | null | undefined,
  b: readonly string[] | null | undefined,
): boolean => {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Why the live state rules out an incremental plan (health, clusters, inventories), if it does. */
function liveStateGap(basis: PlanBasis, input: PlanInput): string | undefined {
  // An empty list is what the agent observes for a federation without a Google Cloud project.
  if (input.loadBalancers && input.loadBalancers.length > 0)
    return 'a load balancer is planned (it depends on every member object)';
  const names = input.repo.clusters.map((c) => c.name).sort();
  const planned = basis.plan.targets.filter((t): t is ClusterPlan => t.kind === 'cluster');
  if (planned.length !== names.length || planned.some((t, i) => t.name !== names[i]))
    return 'the cluster list changed';
  const observed = new Map(input.clusters.map((c) => [c.name, c]));
  for (const t of planned) {
    const now = observed.get(t.name);
    if (!now || now.health !== 'Ready' || t.health !== 'Ready') return `cluster ${t.name} is not Ready`;
    if (!sameList(now.inventory, t.inventory))
      return `the inventory of ${t.name} is not the one last applied`;
    if (!sameList(now.adopted ?? [], t.adopted ?? []))
      return `the adoptions in ${t.name} are not the ones last applied`;
  }
  if (basis.plan.guards) return 'safety guards fired in the last plan';
  if (basis.plan.problems.some((p) => p.code !== 'approval.unused')) return 'the last plan had problems';
  return undefined;
}

type Sortable = { phase: number; key: string };

const compare = (a: Sortable, b: Sortable): number =>
  a.phase - b.phase || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Index of `key` in apply-ordered actions, or the insertion point as -(index + 1). */
function search(actions: readonly KubeAction[], ref: ObjectRef): number {
  const probe = { phase: phaseOf(ref.kind), key: refKey(ref) };
  let lo = 0;
  let hi = actions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = actions[mid]!.ref;
    const c = compare({ phase: phaseOf(at.kind), key: refKey(at) }, probe);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

/** Inserts `key` into a sorted list of keys unless it is there. */
function insertSorted(list: string[], key: string): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== key) list.splice(lo, 0, key);
}

type ClusterUpdate = { ok: true; target: ClusterPlan; edits: ActionEdit[] } | { ok: false; why: string };

/** One cluster's plan: the basis's actions with the replanned objects' new decisions put in. */
function replanCluster(options: {
  basis: ClusterPlan;
  observed: ObservedCluster;
  keys: readonly string[];
  desired: ReadonlyMap<string, Parameters<typeof draftDesired>[0]>;
  byKey: ReadonlyMap<string, FederatedObject>;
  federation: string;
}): ClusterUpdate {
  const { basis, observed } = options;
  const actions = basis.actions.slice();
  const inventory = basis.inventory.slice();
  const adopted = (basis.adopted ?? []).slice();
  const inInventory = { has: (key: string) => sortedHas(basis.inventory, key) };
  const ctx = { observed, inInventory, federation: options.federation };
  const edits: ActionEdit[] = [];
  for (const key of options.keys) {
    const fed = options.byKey.get(key);
    if (!fed) continue;
    const d = options.desired.get(key);
    const at = search(actions, d?.ref ?? refOf(fed.template));
    if (!d) {
      if (at >= 0) return { ok: false, why: `${key} no longer goes to ${basis.name}` };
      continue;
    }
    const one = draftDesired(d, ctx);
    if (one.problem) return { ok: false, why: `${key} has a problem in ${basis.name}` };
    if (at >= 0) {
      if (actions[at] !== one.action) edits.push({ at, change: 'replace' });
      actions[at] = one.action;
    } else {
      actions.splice(-(at + 1), 0, one.action);
      edits.push({ at: -(at + 1), change: 'insert' });
    }
    if (one.keep) insertSorted(inventory, key);
    else if (inInventory.has(key)) return { ok: false, why: `${key} leaves the inventory of ${basis.name}` };
    if (one.action.action === 'adopt') insertSorted(adopted, key);
  }
  const { adopted: _adopted, ...rest } = basis;
  return {
    ok: true,
    target: { ...rest, actions, inventory, ...(adopted.length > 0 ? { adopted } : {}) },
    edits,
  };
}

/**
 * Plans `input` from `basis`, planning again only what changed, what drifted (`dirty`) and what
 * follows live state. Declines (ok: false, with the reason) whenever something that shapes the whole
 * federation changed; the caller then plans in full with planRevision.
 */
export function planIncremental(options: {
  basis: PlanBasis;
  input: PlanInput;
  dirty: readonly DirtyObject[];
}): IncrementalPlan {
  const { basis, input } = options;
  const gap = liveStateGap(basis, input);
  if (gap) return { ok: false, why: gap };
  const changes = repoChanges({
    previous: {
      repo: basis.input.repo,
      revision: basis.input.revision,
      ...(basis.carry ? { index: basis.carry.index } : {}),
    },
    next: { repo: input.repo, revision: input.revision },
  });
  if (!changes.ok) return { ok: false, why: changes.why };

  const keys = new Set(changes.changed);
  for (const d of options.dirty) keys.add(refKey(d.ref));
  const live = liveDependentKeys({
    index: changes.index,
    previous: changes.before,
    before: basis.input.clusters,
    after: input.clusters,
    seeds: keys,
  });
  for (const key of live) keys.add(key);
  const replanned: string[] = [];
  const objects: FederatedObject[] = [];
  for (const key of keys) {
    const o = changes.index.byKey.get(key);
    if (!o) continue;
    replanned.push(key);
    objects.push(o);
  }
  const names = input.repo.clusters.map((c) => c.name).sort();
  const desired = renderDesired({
    repo: { ...input.repo, objects },
    sha: input.revision.sha,
    ready: names,
    observed: input.clusters,
    now: input.now,
  });
  if (desired.problems.length > 0) return { ok: false, why: 'a changed object has problems' };

  const observed = new Map(input.clusters.map((c) => [c.name, c]));
  const targets: ClusterPlan[] = [];
  const blocks = new Map<ClusterName, DigestBlocks>();
  for (const t of basis.plan.targets) {
    if (t.kind !== 'cluster') return { ok: false, why: 'the last plan had a load balancer' };
    const mine = new Map((desired.byCluster.get(t.name) ?? []).map((d) => [d.key, d]));
    const update = replanCluster({
      basis: t,
      observed: observed.get(t.name)!,
      keys: replanned,
      desired: mine,
      byKey: changes.index.byKey,
      federation: input.repo.federation.name,
    });
    if (!update.ok) return { ok: false, why: update.why };
    const before = basis.carry?.blocks.get(t.name) ?? digestBlocks(t.actions);
    blocks.set(t.name, editBlocks(before, update.target.actions, update.edits));
    targets.push({ ...update.target, selfHeal: input.repo.federation.policy.selfHeal });
  }

  const { parent: _parent, ...revision } = input.revision;
  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    federation: input.repo.federation.name,
    revision,
    policy: planPolicy(input.repo.federation.policy),
    digest: '',
    targets,
    problems: [...basis.plan.problems],
  };
  if (desired.requeueAfterSeconds !== undefined) plan.requeueAfterSeconds = desired.requeueAfterSeconds;
  plan.digest = planDigest(plan, { blocks });
  return { ok: true, plan, replanned: replanned.length, carry: { index: changes.index, blocks } };
}
