// Executes one cluster's plan through its ClusterClient without deciding anything again: the
// planner already put the actions in apply order. Phase by phase, parallel inside a phase; every
// per-object result is collected.
//
// Failure semantics (docs/cluster-sync.md): a failed object never hides the others of its phase,
// but it stops the later phases of the cluster (no Ingress when its Service failed, no prune after a
// failed create). Held actions never run; skip and unchanged do nothing.
//
// Crash safety: before anything is created, the cluster's inventory becomes old ∪ plan (so a crash
// mid-apply leaves every object fedsync may have created recorded); after the deletes, it becomes
// the plan's inventory plus any delete that did not happen. Writes are skipped when nothing changes.
import pLimit from 'p-limit';
import { writes } from '../model/index.js';
import type {
  ActionResult,
  ClusterAction,
  ClusterName,
  ClusterPlan,
  Failure,
  KubeObject,
  ObjectRef,
  Problem,
} from '../model/index.js';
import { phaseOf } from '../plan/order.js';
import type { TargetResult } from '../reconcile/target-port.js';
import { deleteObject } from './delete.js';
import type { ClusterClient } from './port.js';
import { KubeError } from './port.js';

export type ClusterApplyResult = TargetResult & {
  kind: 'cluster';
  /** Number of inventory writes made (0 on a no-op). */
  inventoryWrites: number;
};

/** Records `keys` as the cluster's inventory (src/kube/inventory.ts implements it). */
export type InventoryWriter = (client: ClusterClient, keys: string[]) => Promise<void>;

/** What a cluster's apply reports as it goes: drift detection and progress output listen. */
export type ApplyHooks = {
  started?(cluster: ClusterName): void;
  /** An object was applied; `live` is what the server returned. */
  objectApplied?(cluster: ClusterName, desired: KubeObject, live: KubeObject): void;
  objectDeleted?(cluster: ClusterName, ref: ObjectRef): void;
  actionFinished?(cluster: ClusterName, result: ActionResult): void;
};

export type ApplyClusterOptions = {
  client: ClusterClient | undefined;
  /** The inventory the cluster had when the plan was made (ObservedCluster.inventory). */
  inventory: string[] | null | undefined;
  writeInventory: InventoryWriter;
  /** Live objects by refKey (ObservedCluster.objects): gives deletes their apiVersion. */
  live?: Record<string, KubeObject>;
  /** Requests in flight inside one phase (default 8). */
  objectConcurrency?: number;
  hooks?: ApplyHooks;
};

function errorOf(err: unknown): Failure {
  if (err instanceof KubeError) return { code: err.code, message: err.message };
  const code = (err as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'apply.error',
    message: err instanceof Error ? err.message : String(err),
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((k) => s.has(k));
}

/** Consecutive actions of one phase (creates/updates) or one reverse phase (deletes). */
function stepsOf(actions: ClusterAction[]): ClusterAction[][] {
  const steps: ClusterAction[][] = [];
  let key: string | undefined;
  for (const a of actions) {
    const k = `${a.action === 'delete' || a.action === 'held' ? 'd' : 'a'}${phaseOf(a.ref.kind)}`;
    if (k !== key) {
      key = k;
      steps.push([]);
    }
    steps[steps.length - 1]!.push(a);
  }
  return steps;
}

function notRun(a: ClusterAction, reason: string): ActionResult {
  return { subject: a.subject, key: a.key, action: a.action, outcome: 'notRun', reason };
}

async function runAction(
  a: ClusterAction,
  cluster: ClusterName,
  options: ApplyClusterOptions & { client: ClusterClient },
): Promise<ActionResult> {
  const base = { subject: a.subject, key: a.key, action: a.action };
  try {
    switch (a.action) {
      case 'unchanged':
        return { ...base, outcome: 'noop' };
      case 'skip':
        return { ...base, outcome: 'noop', reason: a.reason };
      case 'held':
        return { ...base, outcome: 'noop', reason: `held by ${a.guards.join(', ')}` };
      case 'delete':
        await deleteObject(options.client, a.ref, options.live?.[a.key]);
        options.hooks?.objectDeleted?.(cluster, a.ref);
        return { ...base, outcome: 'done' };
      case 'create':
      case 'update':
      case 'adopt': {
        const live = await options.client.apply(a.object);
        options.hooks?.objectApplied?.(cluster, a.object, live);
        return { ...base, outcome: 'done' };
      }
    }
  } catch (err) {
    return { ...base, outcome: 'failed', error: errorOf(err) };
  }
}

function problemOf(cluster: ClusterName, error: Failure): Problem {
  return { code: error.code, severity: 'error', message: error.message, cluster, transient: true };
}

/** Applies one cluster's plan; never throws for the cluster's failures (they are in the result). */
export async function applyClusterPlan(
  cp: ClusterPlan,
  options: ApplyClusterOptions,
): Promise<ClusterApplyResult> {
  const cluster = cp.target;
  const out: ClusterApplyResult = { kind: 'cluster', target: cluster, results: [], inventoryWrites: 0 };
  if (cp.health !== 'Ready') return { ...out, skipped: 'offline' };
  const { client } = options;
  const old = options.inventory;
  const fail = (error: Failure): ClusterApplyResult => ({
    ...out,
    error: problemOf(cluster, error),
    results: cp.actions.map((a) => notRun(a, error.message)),
  });
  if (!client) return fail({ code: 'apply.noClient', message: `no client for cluster ${cluster}` });
  options.hooks?.started?.(cluster);
  let recorded = old ?? null;
  const writeIfChanged = async (keys: string[]): Promise<void> => {
    if (recorded !== null && sameSet(recorded, keys)) return;
    await options.writeInventory(client, [...keys].sort());
    out.inventoryWrites++;
    recorded = keys;
  };
  const needsWork = cp.actions.some((a) => writes(a.action));
  if (needsWork || (old !== null && old !== undefined && !sameSet(old, cp.inventory))) {
    if (old === null || old === undefined)
      return fail({
        code: 'inventory.unavailable',
        message: "fedsync's inventory could not be read: nothing is applied in this cluster until it can",
      });
    try {
      await writeIfChanged([...new Set([...old, ...cp.inventory])]);
    } catch (err) {
      return fail({ code: 'inventory.writeFailed', message: errorOf(err).message });
    }
  }
  const limit = pLimit(options.objectConcurrency ?? 8);
  const withClient = { ...options, client };
  let stopped: string | undefined;
  const undone = new Set<string>();
  for (const step of stepsOf(cp.actions)) {
    const results = stopped
      ? step.map((a) => notRun(a, stopped!))
      : await Promise.all(step.map((a) => limit(() => runAction(a, cluster, withClient))));
    for (const r of results) {
      out.results.push(r);
      options.hooks?.actionFinished?.(cluster, r);
      if (r.action === 'delete' && r.outcome !== 'done') undone.add(r.key);
    }
    const firstFailure = results.find((r) => r.outcome === 'failed');
    if (firstFailure && !stopped) stopped = `not run: ${firstFailure.subject} failed in an earlier phase`;
  }
  try {
    await writeIfChanged([...new Set([...cp.inventory, ...undone])]);
  } catch (err) {
    out.error = problemOf(cluster, { code: 'inventory.writeFailed', message: errorOf(err).message });
  }
  return out;
}
