// Draining: a cluster that is Offline, or has no ready endpoint behind a backend's nodePort, gets
// capacityScaler 0 on that backend, so the load balancer stops sending it traffic before its health
// checks notice. Automatic draining is bounded: never more than half of a backend service's
// backends, never the last one (a wrong health signal must not take the whole service down). A
// drained backend is undrained only after its cluster has been healthy for a hysteresis period, so a
// flapping cluster does not flap the load balancer. Time arrives as an argument. The state lives in
// Google Cloud itself: each drained backend carries its record in its own `description`, which the
// observe reads with the backend service every cycle — so a one-shot `fedsync apply`, a restarted
// agent and a new leader all see the same state, and nothing else has to be stored.
import type { ClusterName, Problem } from '../../model/index.js';
import type { BackendFact, DesiredLoadBalancer } from './design.js';
import type { ClusterFacts } from './input.js';
import { hasFederationUid } from './names.js';
import { canonicalLink, linkOf, refOfLink, subjectOf, type ObservedLoadBalancer } from './resources.js';

export type DrainRecord = {
  backendService: string;
  cluster: ClusterName;
  /** ISO-8601: when the backend was drained. */
  since: string;
  /** ISO-8601: since when the cluster has been healthy again (undrained after the hysteresis). */
  healthySince?: string;
};

/** Keyed by `<backend service>|<group subject>`. */
export type DrainState = { drained: Record<string, DrainRecord> };

export const EMPTY_DRAIN_STATE: DrainState = { drained: {} };

export type DrainReason = 'Offline' | 'noReadyEndpoints';

/** Why a backend should not get traffic now, or undefined when it is fine (or unknown). */
export function unhealthyReason(
  fact: BackendFact,
  cluster: ClusterFacts | undefined,
): DrainReason | undefined {
  if (!cluster || cluster.health === 'Offline') return 'Offline';
  const ready = cluster.readyEndpoints?.[fact.nodePort];
  return ready === 0 ? 'noReadyEndpoints' : undefined;
}

export type DrainDecision = {
  /** Keys of the backends that get capacityScaler 0. */
  drained: Set<string>;
  state: DrainState;
  problems: Problem[];
  /** Look again then: a healthy drained backend is due to be undrained. */
  requeueAfterSeconds?: number;
};

export function drainKey(fact: BackendFact): string {
  return `${fact.backendService}|${subjectOf(fact.group)}`;
}

export function decideDraining(options: {
  backends: readonly BackendFact[];
  clusters: readonly ClusterFacts[];
  previous: DrainState;
  /** ISO-8601 */
  now: string;
  undrainAfterSeconds: number;
}): DrainDecision {
  const nowMs = Date.parse(options.now);
  const facts = new Map(options.clusters.map((c) => [c.name, c]));
  const problems: Problem[] = [];
  const next: Record<string, DrainRecord> = {};
  const drained = new Set<string>();
  let requeue: number | undefined;
  const byService = new Map<string, BackendFact[]>();
  for (const b of options.backends)
    byService.set(b.backendService, [...(byService.get(b.backendService) ?? []), b]);

  for (const [service, backends] of [...byService.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const limit = Math.floor(backends.length / 2);
    type Want = { fact: BackendFact; key: string; reason: DrainReason | 'hysteresis'; prev?: DrainRecord };
    const wants: Want[] = [];
    for (const fact of backends) {
      const key = drainKey(fact);
      const prev = options.previous.drained[key];
      const reason = unhealthyReason(fact, facts.get(fact.cluster));
      if (reason) {
        wants.push({ fact, key, reason, ...(prev ? { prev } : {}) });
        continue;
      }
      if (!prev) continue;
      const healthySince = prev.healthySince ?? options.now;
      const dueMs = Date.parse(healthySince) + options.undrainAfterSeconds * 1000;
      if (dueMs <= nowMs) continue; // healthy long enough: undrained
      wants.push({ fact, key, reason: 'hysteresis', prev: { ...prev, healthySince } });
      const wait = Math.ceil((dueMs - nowMs) / 1000);
      requeue = requeue === undefined ? wait : Math.min(requeue, wait);
    }
    // Already drained first (stable), then Offline before no endpoints, then by key.
    const rank = (w: Want) => (w.prev ? 0 : 2) + (w.reason === 'noReadyEndpoints' ? 1 : 0);
    wants.sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    wants.forEach((w, i) => {
      if (i < limit) {
        drained.add(w.key);
        const record: DrainRecord = {
          backendService: service,
          cluster: w.fact.cluster,
          since: w.prev?.since ?? options.now,
        };
        if (w.reason === 'hysteresis' && w.prev?.healthySince) record.healthySince = w.prev.healthySince;
        next[w.key] = record;
        return;
      }
      if (w.reason === 'hysteresis') return;
      problems.push({
        code: 'gcp.drainLimit',
        severity: 'warning',
        message: `backend ${subjectOf(w.fact.group)} of ${service} is ${w.reason === 'Offline' ? 'in an Offline cluster' : 'without ready endpoints'} but is not drained: ${limit === 0 ? 'it is the only backend' : `at most ${limit} of ${backends.length} backends are drained automatically`}`,
        cluster: w.fact.cluster,
      });
    });
  }
  return {
    drained,
    state: { drained: next },
    problems,
    ...(requeue !== undefined ? { requeueAfterSeconds: requeue } : {}),
  };
}

/** What a drained backend's `description` says: `{"fedsync":{"drain":{cluster, since, healthySince?}}}`. */
export function drainDescription(record: DrainRecord): string {
  const { backendService: _service, ...rest } = record;
  return JSON.stringify({ fedsync: { drain: rest } });
}

function parseDrain(description: unknown, backendService: string): DrainRecord | undefined {
  if (typeof description !== 'string' || !description.startsWith('{')) return undefined;
  try {
    const d = (JSON.parse(description) as { fedsync?: { drain?: Record<string, unknown> } }).fedsync?.drain;
    if (!d || typeof d.cluster !== 'string' || typeof d.since !== 'string') return undefined;
    return {
      backendService,
      cluster: d.cluster,
      since: d.since,
      ...(typeof d.healthySince === 'string' ? { healthySince: d.healthySince } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The drain state the observed backend services record (see drainDescription). */
export function drainStateOf(observed: ObservedLoadBalancer, uid: string): DrainState {
  const drained: Record<string, DrainRecord> = {};
  for (const r of observed.resources) {
    if (r.ref.kind !== 'backendService' || !hasFederationUid(r.ref.name, uid)) continue;
    for (const b of (r.body.backends ?? []) as Record<string, unknown>[]) {
      const record = parseDrain(b.description, r.ref.name);
      const group = typeof b.group === 'string' ? refOfLink(canonicalLink(b.group) ?? '') : undefined;
      if (record && group) drained[`${r.ref.name}|${subjectOf(group)}`] = record;
    }
  }
  return { drained };
}

/**
 * The desired state with the decision's backends at capacityScaler 0, each carrying its drain record
 * in its description (a copy of what changes).
 */
export function withDraining(desired: DesiredLoadBalancer, decision: DrainDecision): DesiredLoadBalancer {
  if (decision.drained.size === 0) return desired;
  const drainedGroups = new Map<string, Set<string>>();
  for (const key of decision.drained) {
    const [service, group] = key.split('|') as [string, string];
    drainedGroups.set(service, (drainedGroups.get(service) ?? new Set()).add(group));
  }
  const groupSubjects = new Map(
    desired.backends.map((b) => [linkOf(desired.project, b.group), subjectOf(b.group)]),
  );
  return {
    ...desired,
    resources: desired.resources.map((r) => {
      const groups = r.ref.kind === 'backendService' ? drainedGroups.get(r.ref.name) : undefined;
      if (!groups) return r;
      const backends = (r.body.backends as Record<string, unknown>[]).map((b) => {
        const group = groupSubjects.get(String(b.group)) ?? '';
        const record = decision.state.drained[`${r.ref.name}|${group}`];
        if (!groups.has(group)) return b;
        return { ...b, capacityScaler: 0, ...(record ? { description: drainDescription(record) } : {}) };
      });
      return { ...r, body: { ...r.body, backends } };
    }),
  };
}
