// Executes a Plan through ClusterClients without deciding anything again: the planner already put
// every cluster's actions in apply order. Clusters run in parallel (bounded); within a cluster,
// phase by phase (parallel inside a phase). Every per-object result is collected.
//
// Failure semantics (docs/cluster-sync.md): a failed object never hides the others of its phase,
// but it stops the later phases of THAT cluster (no Ingress when its Service failed, no prune after
// a failed create). Other clusters carry on. Blocked deletes never run; skip/unchanged do nothing.
//
// Crash safety: before anything is created, the cluster's inventory becomes old ∪ plan (so a crash
// mid-apply leaves every object fedsync may have created recorded); after the deletes, it becomes
// the plan's inventory plus any delete that did not happen. Writes are skipped when nothing changes.
import pLimit from 'p-limit';
import { refKey, subject } from '../model/index.js';
import type {
  ClusterName,
  ClusterPlan,
  KubeAction,
  KubeObject,
  KubeOp,
  ObjectRef,
  Plan,
} from '../model/index.js';
import { phaseOf } from '../plan/order.js';
import type { ClusterClient } from './port.js';
import { KubeError } from './port.js';
import { apiVersionFor } from './api-versions.js';

export const ObjectOutcome = {
  /** The write happened (or the delete found the object already gone). */
  done: 'done',
  failed: 'failed',
  /** Not attempted: an earlier phase failed, the delete is blocked by a guard, or the cluster failed. */
  notRun: 'notRun',
  /** unchanged/skip: nothing to do. */
  noop: 'noop',
} as const;
export type ObjectOutcome = (typeof ObjectOutcome)[keyof typeof ObjectOutcome];

export type ApplyError = { code: string; message: string };

export type ObjectResult = {
  subject: string;
  key: string;
  op: KubeOp;
  outcome: ObjectOutcome;
  error?: ApplyError;
  /** Why it was not run (notRun) or why it was skipped. */
  reason?: string;
};

export type ClusterApplyResult = {
  cluster: ClusterName;
  /** Offline clusters get nothing. */
  skipped?: 'offline';
  results: ObjectResult[];
  /** A cluster-level failure (inventory write): nothing, or nothing more, was applied there. */
  error?: ApplyError;
  /** Number of inventory writes made (0 on a no-op). */
  inventoryWrites: number;
};

export type ApplySummary = {
  created: number;
  updated: number;
  adopted: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  blocked: number;
  failed: number;
  notRun: number;
};

export type ApplyResult = {
  clusters: ClusterApplyResult[];
  summary: ApplySummary;
  /** True when nothing failed and nothing was left not run (blocked deletes aside). */
  ok: boolean;
};

/** Reads and writes fedsync's inventory in one cluster (src/kube/inventory.ts implements it). */
export type InventoryWriter = (client: ClusterClient, keys: string[]) => Promise<void>;

/** What the drift detector (and progress output) hears while a plan is applied. */
export type ApplyListener = {
  clusterStarted?(cluster: ClusterName): void;
  /** An object was applied; `live` is what the server returned. */
  objectApplied?(cluster: ClusterName, desired: KubeObject, live: KubeObject): void;
  objectDeleted?(cluster: ClusterName, ref: ObjectRef): void;
  objectFinished?(cluster: ClusterName, result: ObjectResult): void;
  clusterFinished?(cluster: ClusterName, result: ClusterApplyResult): void;
};

export type ApplyPlanOptions = {
  plan: Plan;
  clients: ReadonlyMap<ClusterName, ClusterClient>;
  /** The inventory each cluster had when the plan was made (ObservedCluster.inventory). */
  inventories: ReadonlyMap<ClusterName, string[] | null>;
  writeInventory: InventoryWriter;
  /** Live objects per cluster by refKey: gives deletes their apiVersion. */
  liveObjects?: ReadonlyMap<ClusterName, Record<string, KubeObject>>;
  /** Clusters applied at the same time (default 16: each cluster has its own rate limit). */
  clusterConcurrency?: number;
  /** Requests in flight per cluster inside one phase (default 8). */
  objectConcurrency?: number;
  listener?: ApplyListener;
};

function errorOf(err: unknown): ApplyError {
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

type Step = { actions: KubeAction[] };

/** Consecutive actions of one phase (creates/updates) or one reverse phase (deletes). */
function stepsOf(actions: KubeAction[]): Step[] {
  const steps: Step[] = [];
  let current: { key: string; actions: KubeAction[] } | undefined;
  for (const a of actions) {
    const key = `${a.op === 'delete' ? 'd' : 'a'}${phaseOf(a.ref.kind)}`;
    if (current?.key !== key) {
      current = { key, actions: [] };
      steps.push(current);
    }
    current.actions.push(a);
  }
  return steps;
}

function notRun(a: KubeAction, reason: string): ObjectResult {
  return { subject: subject(a.ref), key: refKey(a.ref), op: a.op, outcome: 'notRun', reason };
}

async function runAction(
  a: KubeAction,
  cluster: ClusterName,
  client: ClusterClient,
  live: Record<string, KubeObject> | undefined,
  listener: ApplyListener | undefined,
): Promise<ObjectResult> {
  const base = { subject: subject(a.ref), key: refKey(a.ref), op: a.op };
  try {
    switch (a.op) {
      case 'unchanged':
        return { ...base, outcome: 'noop' };
      case 'skip':
        return { ...base, outcome: 'noop', reason: a.reason };
      case 'delete': {
        if (a.blockedBy.length > 0)
          return { ...base, outcome: 'notRun', reason: `blocked by ${a.blockedBy.join(', ')}` };
        const apiVersion = live?.[base.key]?.apiVersion ?? apiVersionFor(a.ref);
        if (!apiVersion)
          return {
            ...base,
            outcome: 'failed',
            error: { code: 'apply.unknownApiVersion', message: `no apiVersion known for ${a.ref.group}` },
          };
        await client.remove({ ...a.ref, apiVersion });
        listener?.objectDeleted?.(cluster, a.ref);
        return { ...base, outcome: 'done' };
      }
      case 'create':
      case 'update':
      case 'adopt': {
        const result = await client.apply(a.object);
        listener?.objectApplied?.(cluster, a.object, result);
        return { ...base, outcome: 'done' };
      }
    }
  } catch (err) {
    return { ...base, outcome: 'failed', error: errorOf(err) };
  }
}

async function applyCluster(cp: ClusterPlan, options: ApplyPlanOptions): Promise<ClusterApplyResult> {
  const { cluster } = cp;
  const out: ClusterApplyResult = { cluster, results: [], inventoryWrites: 0 };
  if (cp.health !== 'Ready') return { ...out, skipped: 'offline' };
  const client = options.clients.get(cluster);
  const needsWork = cp.actions.some((a) => a.op !== 'unchanged' && a.op !== 'skip');
  const old = options.inventories.get(cluster);
  const fail = (error: ApplyError): ClusterApplyResult => ({
    ...out,
    error,
    results: cp.actions.map((a) => notRun(a, error.message)),
  });
  if (!client) return fail({ code: 'apply.noClient', message: `no client for cluster ${cluster}` });
  options.listener?.clusterStarted?.(cluster);
  try {
    let recorded = old ?? null;
    const writeIfChanged = async (keys: string[]): Promise<void> => {
      if (recorded !== null && sameSet(recorded, keys)) return;
      await options.writeInventory(client, [...keys].sort());
      out.inventoryWrites++;
      recorded = keys;
    };
    if (needsWork || (old !== null && old !== undefined && !sameSet(old, cp.inventory))) {
      if (old === null || old === undefined)
        return fail({
          code: 'inventory.unavailable',
          message: "fedsync's inventory could not be read: nothing is applied in this cluster until it can",
        });
      try {
        await writeIfChanged([...new Set([...old, ...cp.inventory])]);
      } catch (err) {
        return fail({ code: 'inventory.writeFailed', ...{ message: errorOf(err).message } });
      }
    }
    const limit = pLimit(options.objectConcurrency ?? 8);
    const live = options.liveObjects?.get(cluster);
    let stopped: string | undefined;
    const undone = new Set<string>();
    for (const step of stepsOf(cp.actions)) {
      const results = stopped
        ? step.actions.map((a) => notRun(a, stopped!))
        : await Promise.all(
            step.actions.map((a) => limit(() => runAction(a, cluster, client, live, options.listener))),
          );
      for (const r of results) {
        out.results.push(r);
        options.listener?.objectFinished?.(cluster, r);
        if (r.op === 'delete' && r.outcome !== 'done') undone.add(r.key);
      }
      const firstFailure = results.find((r) => r.outcome === 'failed');
      if (firstFailure && !stopped) stopped = `not run: ${firstFailure.subject} failed in an earlier phase`;
    }
    try {
      await writeIfChanged([...new Set([...cp.inventory, ...undone])]);
    } catch (err) {
      out.error = { code: 'inventory.writeFailed', message: errorOf(err).message };
    }
    return out;
  } finally {
    options.listener?.clusterFinished?.(cluster, out);
  }
}

export function summarize(clusters: ClusterApplyResult[]): ApplySummary {
  const s: ApplySummary = {
    created: 0,
    updated: 0,
    adopted: 0,
    deleted: 0,
    unchanged: 0,
    skipped: 0,
    blocked: 0,
    failed: 0,
    notRun: 0,
  };
  for (const c of clusters) {
    for (const r of c.results) {
      if (r.outcome === 'failed') s.failed++;
      else if (r.outcome === 'notRun') {
        if (r.op === 'delete' && r.reason?.startsWith('blocked')) s.blocked++;
        else s.notRun++;
      } else if (r.op === 'unchanged') s.unchanged++;
      else if (r.op === 'skip') s.skipped++;
      else if (r.op === 'create') s.created++;
      else if (r.op === 'update') s.updated++;
      else if (r.op === 'adopt') s.adopted++;
      else s.deleted++;
    }
  }
  return s;
}

/** Applies a plan; never throws for a cluster's failure (it is in the result). */
export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyResult> {
  const limit = pLimit(options.clusterConcurrency ?? 16);
  const clusters = await Promise.all(
    options.plan.clusters.map((cp) => limit(() => applyCluster(cp, options))),
  );
  const summary = summarize(clusters);
  return {
    clusters,
    summary,
    ok: summary.failed === 0 && summary.notRun === 0 && clusters.every((c) => !c.error),
  };
}
