// The apply verb: executes one cluster's plan without deciding anything again — the planner already
// put the actions in apply order. Phase by phase (parallel inside a phase); every per-object result
// is collected.
//
// Failure semantics (docs/cluster-sync.md): a failed object never hides the others of its phase,
// but it stops the later phases of this cluster (no Ingress when its Service failed, no prune after
// a failed create). Held deletes never run; skip/unchanged do nothing.
//
// Crash safety: before anything is created, the cluster's inventory becomes old ∪ plan (so a crash
// mid-apply leaves every object fedsync may have created recorded); after the deletes, it becomes
// the plan's inventory plus any delete that did not happen. Writes are skipped when nothing changes.
import pLimit from 'p-limit';
import { WRITING_ACTIONS, actionKey, actionSubject } from '../model/index.js';
import type {
  ActionError,
  ActionResult,
  ApplyObserver,
  ClusterName,
  ClusterPlan,
  InventoryState,
  KubeAction,
  KubeObject,
  TargetResult,
} from '../model/index.js';
import { phaseOf } from '../plan/order.js';
import { deleteObject } from './delete.js';
import type { DeleteAction } from './delete.js';
import { orphanObject } from './orphan.js';
import { errorOf } from './errors.js';
import type { ClusterClient } from './port.js';

/**
 * Moves fedsync's inventory in one cluster from `from` (what this apply read or last wrote) to `to`,
 * keeping what another writer changed meanwhile (inventory.ts implements it).
 */
export type InventoryWriter = (
  client: ClusterClient,
  change: { from: InventoryState; to: InventoryState },
) => Promise<void>;

/** What the drift detector hears while a plan is applied (kube-specific: live objects). */
export type WriteListener = {
  clusterStarted?: (cluster: ClusterName) => void;
  /** An object was applied; `live` is what the server returned. */
  objectApplied?: (cluster: ClusterName, desired: KubeObject, live: KubeObject) => void;
  objectDeleted?: (cluster: ClusterName, action: DeleteAction) => void;
};

export type ApplyClusterOptions = {
  plan: ClusterPlan;
  /** The federation's name: an orphan releases only objects labelled for it. */
  federation: string;
  client: ClusterClient | undefined;
  /** The inventory the cluster had when the plan was made (null: it could not be read). */
  inventory: InventoryState | null;
  writeInventory: InventoryWriter;
  /** Requests in flight inside one phase (default 8). */
  objectConcurrency?: number;
  observer?: ApplyObserver;
  writes?: WriteListener;
  /**
   * Aborted when this writer must stop writing here (its lock was lost, the apply deadline passed):
   * nothing more is started, and what was not started is reported notRun with the signal's reason.
   */
  signal?: AbortSignal;
};

function stopReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return `not run: ${r instanceof Error ? r.message : typeof r === 'string' ? r : 'stopped'}`;
}

/** Equal sorted lists, element by element (no allocation): the common case of a cycle that changes nothing. */
function sameSorted(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (sameSorted(a, b)) return true;
  const s = new Set(a);
  const t = new Set(b);
  return s.size === t.size && [...t].every((k) => s.has(k));
}

function sameState(a: InventoryState, b: InventoryState): boolean {
  return (
    sameSet(a.keys, b.keys) &&
    sameSet(a.adopted, b.adopted) &&
    (a.record === b.record || JSON.stringify(a.record ?? null) === JSON.stringify(b.record ?? null))
  );
}

function sortedUnique(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i - 1]! < a[i]!)) return false;
  return true;
}

/** The sorted union of two lists; one of them itself when it already is that (no allocation). */
function union(a: string[], b: string[]): string[] {
  if ((b.length === 0 || sameSorted(a, b)) && sortedUnique(a)) return a;
  if (a.length === 0 && sortedUnique(b)) return b;
  return [...new Set([...a, ...b])].sort();
}

const removes = (a: KubeAction): boolean =>
  a.action === 'delete' || a.action === 'held' || a.action === 'orphan';

/** Consecutive actions of one phase (creates/updates) or one reverse phase (deletes). */
function phasesOf(actions: readonly KubeAction[]): KubeAction[][] {
  const phases: KubeAction[][] = [];
  let current: KubeAction[] | undefined;
  let phase = NaN;
  let removing = false;
  for (const a of actions) {
    const p = phaseOf(a.ref.kind);
    const r = removes(a);
    if (!current || p !== phase || r !== removing) {
      current = [];
      phases.push(current);
      phase = p;
      removing = r;
    }
    current.push(a);
  }
  return phases;
}

function resultBase(a: KubeAction): Pick<ActionResult, 'key' | 'subject' | 'action'> {
  return { key: actionKey(a), subject: actionSubject(a), action: a.action };
}

function notRun(a: KubeAction, reason: string): ActionResult {
  return { ...resultBase(a), outcome: 'notRun', reason };
}

/**
 * The result of an action that writes nothing (unchanged, skip, held), made once per action: an
 * incremental plan hands the same action objects to every cycle, so a push that changes one object
 * allocates nothing for the thousands it leaves alone. Frozen: every cycle shares it.
 */
const noopResults = new WeakMap<KubeAction, ActionResult>();

export function noopResult(a: KubeAction): ActionResult | undefined {
  if (a.action !== 'unchanged' && a.action !== 'skip' && a.action !== 'held') return undefined;
  let r = noopResults.get(a);
  if (!r) {
    const reason =
      a.action === 'skip' ? a.reason : a.action === 'held' ? `held by ${a.heldBy.join(', ')}` : undefined;
    r = Object.freeze({
      ...resultBase(a),
      outcome: 'noop' as const,
      ...(reason !== undefined ? { reason } : {}),
    });
    noopResults.set(a, r);
  }
  return r;
}

/** One phase: the writes through the limiter, at once; what writes nothing is answered in place, in order. */
async function runPhase(
  phase: readonly KubeAction[],
  run: (a: KubeAction) => Promise<ActionResult>,
  limit: ReturnType<typeof pLimit>,
): Promise<ActionResult[]> {
  const results = new Array<ActionResult>(phase.length);
  const writing: Promise<void>[] = [];
  for (let i = 0; i < phase.length; i++) {
    const a = phase[i]!;
    const noop = noopResult(a);
    if (noop) results[i] = noop;
    else writing.push(limit(() => run(a)).then((r) => void (results[i] = r)));
  }
  if (writing.length > 0) await Promise.all(writing);
  return results;
}

async function runAction(
  a: KubeAction,
  client: ClusterClient,
  federation: string,
  writes?: WriteListener,
): Promise<ActionResult> {
  switch (a.action) {
    case 'unchanged':
    case 'skip':
    case 'held':
      return noopResult(a)!;
    case 'delete':
      return deleteObject({
        client,
        action: a,
        ...(writes?.objectDeleted ? { onDeleted: writes.objectDeleted } : {}),
      });
    case 'orphan':
      return orphanObject({ client, action: a, federation });
    case 'create':
    case 'update':
    case 'adopt':
      try {
        const live = await client.apply(a.object);
        writes?.objectApplied?.(client.name, a.object, live);
        return { ...resultBase(a), outcome: 'done' };
      } catch (err) {
        return { ...resultBase(a), outcome: 'failed', error: errorOf(err) };
      }
  }
}

/** Applies one cluster's plan; never throws for the cluster's failure (it is in the result). */
export async function applyClusterPlan(options: ApplyClusterOptions): Promise<TargetResult> {
  const { plan, client } = options;
  const out: TargetResult = { kind: 'cluster', name: plan.name, results: [], bookkeepingWrites: 0 };
  if (plan.health !== 'Ready')
    return { ...out, skipped: plan.health === 'Unreachable' ? 'unreachable' : 'offline' };
  const fail = (error: ActionError): TargetResult => ({
    ...out,
    error,
    results: plan.actions.map((a) => notRun(a, error.message)),
  });
  if (!client) return fail({ code: 'apply.noClient', message: `no client for cluster ${plan.name}` });
  options.observer?.targetStarted?.({ kind: 'cluster', name: plan.name });
  options.writes?.clusterStarted?.(plan.name);
  const result = await applyReady({ ...options, client }, out, fail);
  options.observer?.targetFinished?.(result);
  return result;
}

async function applyReady(
  options: ApplyClusterOptions & { client: ClusterClient },
  out: TargetResult,
  fail: (error: ActionError) => TargetResult,
): Promise<TargetResult> {
  const { plan, client, inventory: old } = options;
  const needsWork = plan.actions.some((a) => WRITING_ACTIONS.has(a.action));
  let recorded = old;
  const writeIfChanged = async (to: InventoryState): Promise<void> => {
    if (recorded === null || sameState(recorded, to)) return;
    await options.writeInventory(client, { from: recorded, to });
    out.bookkeepingWrites++;
    recorded = to;
  };
  // A leaving member keeps no record: once its inventory is empty, nothing of fedsync is left.
  const record = plan.leaving ? undefined : (plan.record ?? old?.record);
  const planned: InventoryState = {
    keys: plan.inventory,
    adopted: plan.adopted ?? [],
    ...(record ? { record } : {}),
  };
  if (needsWork || (old !== null && !sameState(old, planned))) {
    if (old === null)
      return fail({
        code: 'inventory.unavailable',
        message: "fedsync's inventory could not be read: nothing is applied in this cluster until it can",
      });
    try {
      // Before anything is created: everything fedsync may own after a crash at any later point.
      await writeIfChanged({
        keys: union(old.keys, planned.keys),
        adopted: union(old.adopted, planned.adopted),
        ...(record ? { record } : {}),
      });
    } catch (err) {
      return fail({ code: 'inventory.writeFailed', message: errorOf(err).message });
    }
  }
  const limit = pLimit(options.objectConcurrency ?? 8);
  let stopped: string | undefined;
  const undone = new Set<string>();
  const { signal } = options;
  const run = (a: KubeAction): Promise<ActionResult> =>
    signal?.aborted
      ? Promise.resolve(notRun(a, stopReason(signal)))
      : runAction(a, client, options.federation, options.writes);
  for (const phase of phasesOf(plan.actions)) {
    if (!stopped && signal?.aborted) stopped = stopReason(signal);
    const results = stopped ? phase.map((a) => notRun(a, stopped!)) : await runPhase(phase, run, limit);
    for (const r of results) {
      out.results.push(r);
      options.observer?.actionFinished?.({ kind: 'cluster', name: plan.name }, r);
      if ((r.action === 'delete' || r.action === 'orphan') && r.outcome !== 'done') undone.add(r.key);
    }
    const firstFailure = results.find((r) => r.outcome === 'failed');
    if (firstFailure && !stopped) stopped = `not run: ${firstFailure.subject} failed in an earlier phase`;
  }
  if (signal?.aborted) {
    // Whoever stopped us may be writing here now: the inventory written before the creates (old ∪
    // plan) stays, which never loses a prune candidate.
    out.error = { code: 'apply.stopped', message: stopReason(signal).replace(/^not run: /, '') };
    return out;
  }
  try {
    const kept = [...undone];
    const wasAdopted = new Set(old?.adopted ?? []);
    await writeIfChanged({
      keys: union(planned.keys, kept.sort()),
      adopted: union(
        planned.adopted,
        kept.filter((k) => wasAdopted.has(k)),
      ),
      ...(record ? { record } : {}),
    });
  } catch (err) {
    out.error = { code: 'inventory.writeFailed', message: errorOf(err).message };
  }
  return out;
}
