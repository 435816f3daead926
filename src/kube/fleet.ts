// The member clusters of one federation as one target port (the Fleet): a client, a circuit
// breaker, a watch-backed cache and a health verdict per registered cluster (its kubeconfig
// context); observe reads every cluster, apply executes one cluster's plan. Every operation on a
// cluster has a deadline (each request its timeout, an apply its own), and a cluster that stops
// answering is cut off by its breaker, so it never holds the others back for longer than one request
// timeout. A writing fleet shares one writer lock per cluster (member-lock.ts) between its writers: a
// reconcile takes it before observing a cluster and keeps it until it has applied there; a drift
// correction or a load-balancer write-back joins it, or takes it for its own writes. A long-lived fleet also detects drift from the caches' watch events and records
// its health verdicts for one-shot runs. Built from a kubeconfig file.
import pLimit from 'p-limit';
import { systemClock } from '../clock.js';
import { ClusterHealth, WRITING_ACTIONS, actionKey, actionSubject, refKey, refOf } from '../model/index.js';
import type {
  Clock,
  ClusterName,
  ClusterPlan,
  ClusterRegistration,
  DepartedCluster,
  Drift,
  FederationRepo,
  HealthCause,
  InventoryState,
  KubeObject,
  MemberIngressPort,
  ObservedCluster,
  TargetPort,
  TargetResult,
} from '../model/index.js';
import { placedClusters } from '../federation/placement.js';
import { recordedDepartures } from '../plan/membership.js';
import { applyClusterPlan } from './apply.js';
import { createClusterBreaker, guardedClient, isNoAnswer } from './breaker.js';
import type { BreakerOptions, ClusterBreaker } from './breaker.js';
import { createClusterCache, podsAndNodes } from './cache.js';
import type { CacheTransform, ClusterCache } from './cache.js';
import { loadKubeConfig } from './client-node.js';
import { lockCluster } from './cluster-lock.js';
import type { WriterLockSettings } from './cluster-lock.js';
import { createMemberLock, writesUnder } from './member-lock.js';
import type { LockGrant, LockRefusal, MemberLock } from './member-lock.js';
import { createDriftDetector } from './drift.js';
import type { DriftDetector } from './drift.js';
import { createHealthMonitor, defaultHealthIntervalMs, failuresToOffline } from './health.js';
import type { HealthChange, HealthDetail, HealthMonitor } from './health.js';
import { newestRecord, readHealthRecord, sameVerdicts, writeHealthRecord } from './health-record.js';
import type { HealthRecord } from './health-record.js';
import { readInventoryState, writeInventory } from './inventory.js';
import { clientNodeLeaseApi } from './lease.js';
import { observeCluster } from './observe.js';
import type { DesiredRef } from './observe.js';
import type { ClusterClient } from './port.js';
import { causeOf, probeReachable } from './reachability.js';
import { refuseDuplicateServers, kubeconfigServers } from './registrations.js';
import { memberIngressPort } from './write-back.js';

/** The member clusters as the cluster target port, plus what only clusters have. */
export type Fleet = TargetPort<ObservedCluster, ClusterPlan> & {
  /** One client per registered cluster the kubeconfig has a context for (behind its breaker). */
  readonly clients: ReadonlyMap<ClusterName, ClusterClient>;
  /** Registered clusters whose kubeconfigContext the kubeconfig lacks. */
  readonly missingContexts: ClusterName[];
  /** Drift the watch found since the last call (long-lived fleets; always empty otherwise). */
  takeDrift(): Drift[];
  /** Each cluster's health verdict and why (long-lived fleets; empty otherwise). */
  healthDetails(): HealthDetail[];
  /**
   * Clusters the records of the last observe remember but the repository no longer registers, with
   * how many managed objects each still holds (read-only: nothing is written there).
   */
  departed(): DepartedCluster[];
  /** The member Ingresses as the load balancer's write-back reaches them. */
  readonly memberIngresses: MemberIngressPort;
  /**
   * A reconcile that may write begins: its observe takes the writer lock in each cluster, kept until
   * that cluster is applied. Observing outside it (a replica that does not lead, a preview) takes none.
   */
  beginWriting(): void;
  /** The reconcile ended: a lock it took but did not apply under (sharding, a failed plan) is let go. */
  endWriting(): Promise<void>;
  /** Releases every writer lock still held, stops watches and probes. */
  stop(): Promise<void>;
};

export type ClientFactory = (options: {
  name: ClusterName;
  kubeconfigPath: string;
  context: string;
  /** The per-request timeout, when the user set one. */
  timeoutMs?: number;
}) => ClusterClient;

/** Default deadline of one cluster's apply (a slow cluster; a hung one is cut off much earlier). */
export const defaultApplyTimeoutMs = 300_000;

export type FleetOptions = {
  /** '' when every context is in extraContexts. */
  kubeconfigPath: string;
  /** Contexts the client factory serves without the file (e.g. `in-cluster`: the pod's own). */
  extraContexts?: string[];
  registrations: ClusterRegistration[];
  federation: string;
  createClient: ClientFactory;
  /**
   * Long-lived (the agent): health is probed every `healthIntervalMs` (Offline after 3 failures,
   * Ready after 1 success), caches stay open between cycles, drift is detected from their watch
   * events, and the Offline verdicts are recorded in every cluster reached (health-record.ts).
   * Without it (one-shot `plan`/`apply`): a cluster that does not answer is Unreachable, unless the
   * agent's record says Offline.
   */
  live?: {
    healthIntervalMs?: number;
    onDrift?: (drift: Drift) => void;
    /** A cluster went Offline or came back: the agent reconciles at once to move replicas. */
    onHealthChange?: (change: HealthChange) => void;
    /** Who observes, in the health record (default `fedsync agent`). */
    identity?: string;
  };
  /**
   * Write only under the federation's writer lock in each cluster (every writer does): a reconcile
   * between beginWriting and endWriting, each drift correction and each write-back.
   */
  writerLock?: WriterLockSettings;
  /** Clusters the user says are Offline: not contacted, their replicas move to the others. */
  assumeOffline?: readonly ClusterName[];
  /**
   * A drift detector to hand every apply's writes and desired state to, when the caller feeds it
   * watch events itself; a live fleet makes its own.
   */
  drift?: DriftDetector;
  /** One-shot: pause between probes of a cluster that refused a connection. */
  probeIntervalMs?: number;
  /** How long a cache may take to list everything before the cluster counts as Unreachable. */
  syncTimeoutMs?: number;
  /** Deadline of one cluster's apply (default 5 min). */
  applyTimeoutMs?: number;
  /** The per-cluster circuit breaker. */
  breaker?: Partial<BreakerOptions>;
  /** Timeout of each Lease request (default 10 s, the request timeout). */
  leaseTimeoutMs?: number;
  /** The health record's and the write-back's times (default: the system clock). */
  clock?: Clock;
  /** What the watch caches keep of each object (default: the lean form; benchmarks compare). */
  cacheTransform?: CacheTransform;
};

/**
 * The desired objects placed in each cluster (GETs for adoption are only made for these), in one
 * pass over the repository: each object's placement is resolved once and its identity made once,
 * shared by every cluster it goes to.
 */
function desiredRefsByCluster(repo: FederationRepo): Map<ClusterName, DesiredRef[]> {
  const out = new Map<ClusterName, DesiredRef[]>(repo.clusters.map((c) => [c.name, []]));
  for (const o of repo.objects) {
    const ref = refOf(o.template);
    const d: DesiredRef = {
      ...ref,
      apiVersion: o.template.apiVersion,
      key: refKey(ref),
      groupKind: `${ref.group}/${ref.kind}`,
    };
    for (const c of placedClusters(o.placement, repo.clusters)) out.get(c)?.push(d);
  }
  return out;
}

/** Rejects as soon as the breaker opens: the cluster stopped answering mid-observe. */
function untilCutOff(breaker: ClusterBreaker): { promise: Promise<never>; cancel: () => void } {
  let cancel = (): void => {};
  const promise = new Promise<never>((_, reject) => {
    cancel = breaker.onOpen((failure) => reject(failure));
  });
  promise.catch(() => {});
  return { promise, cancel };
}

type Member = {
  name: ClusterName;
  context: string;
  client: ClusterClient;
  breaker: ClusterBreaker;
  cache?: ClusterCache;
  /** The writer lock, when the fleet writes under one. */
  lock?: MemberLock;
  /** The running reconcile's share of the lock (or why it could not have one). */
  reconcile?: LockGrant;
};

export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const servers = options.kubeconfigPath
    ? await kubeconfigServers(options.kubeconfigPath)
    : new Map<string, string>();
  refuseDuplicateServers(options.registrations, servers);
  const contexts = new Set<string>(servers.keys());
  for (const c of options.extraContexts ?? []) contexts.add(c);
  const members = new Map<ClusterName, Member>();
  const clients = new Map<ClusterName, ClusterClient>();
  // Ends the waits for a writer lock when the fleet stops.
  const stopping = new AbortController();
  const takeLock = (m: Member) =>
    lockCluster({
      cluster: m.name,
      federation: options.federation,
      client: m.client,
      context: m.context,
      settings: options.writerLock!,
      signal: stopping.signal,
      defaultLeaseApi: ({ namespace, name }) =>
        clientNodeLeaseApi({
          kubeConfig: loadKubeConfig(options.kubeconfigPath, m.context),
          namespace,
          name,
          cluster: m.name,
          timeoutMs: options.leaseTimeoutMs ?? 10_000,
        }),
    });
  /** A writer's share of `cluster`'s lock; undefined when it writes without one. */
  const lockFor = (cluster: ClusterName): Promise<LockGrant> | undefined => {
    const lock = members.get(cluster)?.lock;
    const mayWrite = options.writerLock?.mayWrite;
    if (!lock || (mayWrite && !mayWrite())) return undefined;
    return lock.use();
  };
  const missingContexts: string[] = [];
  for (const reg of options.registrations) {
    if (!contexts.has(reg.kubeconfigContext)) {
      missingContexts.push(reg.name);
      continue;
    }
    const raw = options.createClient({
      name: reg.name,
      kubeconfigPath: options.kubeconfigPath,
      context: reg.kubeconfigContext,
    });
    const breaker = createClusterBreaker(reg.name, options.breaker);
    const client = guardedClient(raw, breaker);
    clients.set(reg.name, client);
    const member: Member = { name: reg.name, context: reg.kubeconfigContext, client, breaker };
    if (options.writerLock) member.lock = createMemberLock(() => takeLock(member));
    members.set(reg.name, member);
  }
  const assumed = new Set(options.assumeOffline ?? []);
  const unknown = [...assumed].filter((n) => !options.registrations.some((r) => r.name === n));
  if (unknown.length > 0)
    throw new Error(`--assume-offline names clusters that are not registered: ${unknown.join(', ')}`);

  let monitor: HealthMonitor | undefined;
  const drift =
    options.drift ??
    (options.live
      ? createDriftDetector({
          clients,
          lock: lockFor,
          ...(options.live.onDrift ? { onDrift: options.live.onDrift } : {}),
        })
      : undefined);
  if (options.live) {
    monitor = createHealthMonitor({
      clients: [...clients.values()],
      intervalMs: options.live.healthIntervalMs ?? defaultHealthIntervalMs,
    });
    if (options.live.onHealthChange) monitor.onChange(options.live.onHealthChange);
    monitor.start();
  }
  const now = (): Date => (options.clock ?? systemClock).now();
  // When each cluster was first seen Offline by this agent (kept across cycles for the record).
  const offlineSince = new Map<ClusterName, string>();

  /** A cache is started only once its cluster answered: a hung cluster gets no list requests. */
  /** The caches started so far (the write-back reads member Ingresses from them). */
  const caches = new Map<ClusterName, ClusterCache>();
  const cacheOf = (m: Member): ClusterCache => {
    if (!m.cache) {
      m.cache = createClusterCache({
        client: m.client,
        federation: options.federation,
        kinds: podsAndNodes,
        ...(options.cacheTransform !== undefined ? { transform: options.cacheTransform } : {}),
      });
      const cache = m.cache;
      caches.set(m.name, cache);
      if (options.live && drift) cache.onEvent((e) => drift.onEvent(e.cluster, e));
    }
    return m.cache;
  };

  const notReady = (m: Member, health: ClusterHealth, cause: HealthCause): ObservedCluster => ({
    name: m.name,
    health,
    cause,
    objects: {},
    inventory: null,
    workloads: {},
  });

  /** Why this run will not contact `m`, or undefined when it should try. */
  const notContacted = (m: Member): ObservedCluster | undefined => {
    if (assumed.has(m.name))
      return notReady(m, ClusterHealth.Offline, {
        reason: 'assumed',
        message: 'named by --assume-offline: its replicas move to the other clusters',
      });
    if (monitor?.health(m.name) === ClusterHealth.Offline) {
      const failure = monitor.lastFailure(m.name);
      return notReady(m, ClusterHealth.Offline, {
        reason: 'agentProbes',
        message: `failed ${failuresToOffline} health probes in a row${failure ? ` (last: ${causeOf(failure).message})` : ''}`,
      });
    }
    if (m.breaker.state() === 'open') {
      const last = m.breaker.lastFailure();
      return notReady(m, ClusterHealth.Unreachable, {
        reason: 'circuitOpen',
        message: `cut off by its circuit breaker${last ? ` after: ${last.message}` : ''}`,
      });
    }
    return undefined;
  };

  // Reconciles that may write now (one at a time in practice: the agent runs them in turn).
  let writing = 0;
  /** The reconcile's share of the lock, taken once per reconcile, before the cluster is observed. */
  const locking = async (m: Member): Promise<void> => {
    if (!m.lock || m.reconcile) return;
    m.reconcile = await m.lock.use();
  };

  const observeOne = async (
    m: Member,
    repo: FederationRepo,
    desired: readonly DesiredRef[],
    turn: LockTurn,
  ): Promise<{ observed: ObservedCluster; record?: HealthRecord }> => {
    try {
      const skipped = notContacted(m);
      if (skipped) return { observed: skipped };
      if (!monitor) {
        const reach = await probeReachable(m.client, {
          attempts: 3,
          intervalMs: options.probeIntervalMs ?? 200,
        });
        if (!reach.ok) return { observed: notReady(m, ClusterHealth.Unreachable, reach.cause) };
      }
      if (writing > 0) {
        await turn.wait;
        await locking(m);
      }
    } finally {
      turn.pass();
    }
    const cutOff = untilCutOff(m.breaker);
    try {
      const [observed, record] = await Promise.race([
        Promise.all([
          observeCluster({
            client: m.client,
            cache: cacheOf(m),
            federation: repo.federation.name,
            health: ClusterHealth.Ready,
            desired,
            ...(options.syncTimeoutMs ? { syncTimeoutMs: options.syncTimeoutMs } : {}),
          }),
          monitor ? Promise.resolve(undefined) : readHealthRecord(m.client, options.federation),
        ]),
        cutOff.promise,
      ]);
      return { observed, ...(record ? { record } : {}) };
    } catch (err) {
      if (isNoAnswer(err) || m.breaker.state() !== 'closed')
        return { observed: notReady(m, ClusterHealth.Unreachable, causeOf(err)) };
      // Answered, but could not be observed (e.g. 403 on a list): it still counts as Ready for
      // scheduling, but with an unknown inventory nothing is written or pruned there (apply says so).
      return {
        observed: { name: m.name, health: ClusterHealth.Ready, objects: {}, inventory: null, workloads: {} },
      };
    } finally {
      cutOff.cancel();
    }
  };

  /** One-shot: a cluster this run cannot reach is Offline only when the agent's record says so. */
  const withAgentVerdicts = (
    observed: ObservedCluster[],
    record: HealthRecord | undefined,
  ): ObservedCluster[] =>
    observed.map((o) => {
      const verdict = record?.offline[o.name];
      if (o.health !== ClusterHealth.Unreachable || !verdict) return o;
      return {
        ...o,
        health: ClusterHealth.Offline,
        cause: {
          reason: 'agentProbes',
          message: `the agent ${record.observer} has seen it fail its health probes since ${verdict.since} (this run: ${o.cause?.message ?? 'no answer'})`,
        },
      };
    });

  /** Live: keeps every reachable cluster's copy of the record in line with this agent's verdicts. */
  const recordVerdicts = async (observed: ObservedCluster[]): Promise<void> => {
    const at = now().toISOString();
    for (const o of observed) {
      if (o.health === ClusterHealth.Offline && !offlineSince.has(o.name)) offlineSince.set(o.name, at);
      if (o.health === ClusterHealth.Ready) offlineSince.delete(o.name);
    }
    const record: HealthRecord = {
      observer: options.live?.identity ?? 'fedsync agent',
      updatedAt: at,
      offline: Object.fromEntries(
        [...offlineSince].map(([name, since]) => {
          const cause = observed.find((o) => o.name === name)?.cause?.message;
          return [name, { since, ...(cause ? { cause } : {}) }];
        }),
      ),
    };
    // With a writer lock, only where this reconcile holds it (elsewhere: on a later cycle).
    const writerOf = (name: ClusterName): ClusterClient | undefined => {
      const m = members.get(name)!;
      if (!m.lock) return m.client;
      return m.reconcile?.held ? writesUnder(m.client, m.reconcile.use) : undefined;
    };
    await Promise.all(
      observed
        .filter((o) => o.health === ClusterHealth.Ready && writerOf(o.name))
        .map(async (o) => {
          const client = writerOf(o.name)!;
          const current = await readHealthRecord(client, options.federation);
          if (current && sameVerdicts(current, record)) return;
          // Best effort: a record that could not be written is written on a later cycle.
          await writeHealthRecord(client, options.federation, record).catch(() => {});
        }),
    );
  };

  /** Counts what each departed cluster still holds, by its own inventory; never writes there. */
  let departed: DepartedCluster[] = [];
  const lookAtDeparted = async (repo: FederationRepo, observed: ObservedCluster[]) => {
    departed = await Promise.all(
      recordedDepartures(repo, observed).map(async (c): Promise<DepartedCluster> => {
        if (!contexts.has(c.kubeconfigContext))
          return { ...c, managed: null, cause: 'the kubeconfig has no such context' };
        const client = options.createClient({
          name: c.name,
          kubeconfigPath: options.kubeconfigPath,
          context: c.kubeconfigContext,
        });
        const reach = await probeReachable(client, { attempts: 1, intervalMs: 0 });
        if (!reach.ok) return { ...c, managed: null, cause: `${reach.cause.reason}: ${reach.cause.message}` };
        const state = await readInventoryState(client, options.federation);
        return state
          ? { ...c, managed: state.keys.length }
          : { ...c, managed: null, cause: 'its inventory could not be read' };
      }),
    );
  };

  const releaseLock = async (m: Member): Promise<void> => {
    const share = m.reconcile;
    m.reconcile = undefined;
    if (share?.held) await share.use.done();
  };

  const limit = pLimit(8);
  return {
    clients,
    missingContexts,
    async observe({ repo }) {
      let results: Awaited<ReturnType<typeof observeOne>>[];
      try {
        // The locks are taken in one order (by cluster name), each after the ones before it: two
        // writers that each hold some clusters and wait for the others' can never happen.
        const order = [...members.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const turns = lockTurns(order.length);
        const desired = desiredRefsByCluster(repo);
        results = await Promise.all(
          order.map((m, i) => limit(() => observeOne(m, repo, desired.get(m.name) ?? [], turns[i]!))),
        );
        const byName = new Map(order.map((m, i) => [m.name, results[i]!]));
        results = [...members.keys()].map((name) => byName.get(name)!);
      } catch (err) {
        // No plan will be applied: a lock kept now would hold every other writer back.
        await Promise.all([...members.values()].map(releaseLock));
        throw err;
      }
      const observed = results.map((r) => r.observed);
      await lookAtDeparted(repo, observed);
      if (monitor) {
        await recordVerdicts(observed);
        return observed;
      }
      return withAgentVerdicts(observed, newestRecord(results.map((r) => r.record)));
    },
    async apply(plan, { observed, observer }) {
      const m = members.get(plan.name);
      try {
        // Applied outside a reconcile that observed under the lock: take it for this apply.
        if (m && plan.health === ClusterHealth.Ready) await locking(m);
        const share = m?.reconcile;
        if (plan.health === ClusterHealth.Ready && share && !share.held) return lockFailure(plan, share);
        const deadline = AbortSignal.timeout(options.applyTimeoutMs ?? defaultApplyTimeoutMs);
        const use = share?.held ? share.use : undefined;
        const signal = use ? AbortSignal.any([use.signal, deadline]) : deadline;
        const result = await applyClusterPlan({
          plan,
          client: m && use ? writesUnder(m.client, use) : m?.client,
          federation: options.federation,
          inventory: inventoryStateOf(observed),
          writeInventory: (client, change) =>
            writeInventory(client, options.federation, change).then(() => {}),
          signal,
          ...(observer ? { observer } : {}),
          ...(drift ? { writes: drift.listener } : {}),
        });
        drift?.setDesired(plan.name, inLine(plan, result.results), { selfHeal: plan.selfHeal });
        return result;
      } finally {
        // Not kept for the load balancer's apply (minutes of Compute operations, and the first one
        // loads its client library, which blocks the process for seconds): each write-back takes the
        // lock again for its own writes.
        if (m) await releaseLock(m);
      }
    },
    beginWriting() {
      writing++;
    },
    async endWriting() {
      writing = Math.max(0, writing - 1);
      if (writing === 0) await Promise.all([...members.values()].map(releaseLock));
    },
    takeDrift: () => drift?.takeDrift() ?? [],
    departed: () => departed,
    healthDetails: () => monitor?.details() ?? [],
    memberIngresses: memberIngressPort({
      clients,
      caches,
      clock: options.clock ?? systemClock,
      lock: lockFor,
    }),
    async stop() {
      monitor?.stop();
      stopping.abort();
      await Promise.all([...members.values()].map(releaseLock));
      for (const m of members.values()) m.cache?.stop();
      await drift?.idle();
      await Promise.all([...members.values()].map(async (m) => m.lock?.stop()));
    },
  };
}

/** One cluster's place in the order writer locks are taken in: wait for the one before, then pass. */
type LockTurn = { wait: Promise<void>; pass: () => void };

function lockTurns(n: number): LockTurn[] {
  const turns: LockTurn[] = [];
  let previous = Promise.resolve();
  for (let i = 0; i < n; i++) {
    let pass!: () => void;
    const mine = new Promise<void>((r) => (pass = r));
    turns.push({ wait: previous, pass });
    previous = mine;
  }
  return turns;
}

/** Another writer kept the lock (or the Lease could not be reached): nothing is written here. */
function lockFailure(plan: ClusterPlan, lock: LockRefusal): TargetResult {
  const writes = plan.actions.some((a) => WRITING_ACTIONS.has(a.action));
  return {
    kind: 'cluster',
    name: plan.name,
    results: plan.actions.map((a) => ({
      key: actionKey(a),
      subject: actionSubject(a),
      action: a.action,
      outcome: WRITING_ACTIONS.has(a.action) ? 'notRun' : 'noop',
      ...(WRITING_ACTIONS.has(a.action) ? { reason: `not run: ${lock.message}` } : {}),
    })),
    error: { code: lock.code, message: `${writes ? 'nothing written' : 'not checked'}: ${lock.message}` },
    bookkeepingWrites: 0,
  };
}

/** The inventory as observe read it (null: it could not be read). */
function inventoryStateOf(observed: ObservedCluster | undefined): InventoryState | null {
  if (!observed || observed.inventory === null) return null;
  return {
    keys: observed.inventory,
    adopted: observed.adopted ?? [],
    ...(observed.record ? { record: observed.record } : {}),
  };
}

/**
 * The desired objects that match Git after the apply: what later watch events are compared with. A
 * failed or skipped object is left out, so it is not "corrected" in a loop.
 */
function inLine(plan: ClusterPlan, results: readonly { key: string; outcome: string }[]): KubeObject[] {
  const done = new Set(results.filter((r) => r.outcome === 'done').map((r) => r.key));
  const out: KubeObject[] = [];
  for (const a of plan.actions) {
    if (a.action === 'unchanged') out.push(a.object);
    else if (
      (a.action === 'create' || a.action === 'update' || a.action === 'adopt') &&
      done.has(refKey(a.ref))
    )
      out.push(a.object);
  }
  return out;
}
