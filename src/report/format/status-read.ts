// Reads a status branch's files back into the snapshot they were rendered from, so the next report
// can carry forward what it does not know itself (an Offline cluster's last applied commit, drift
// still outstanding, the health the agent recorded). Lenient: a file that does not parse only loses
// what it held; the next publish writes it whole again.
import { emptyCounts } from '../../model/index.js';
import type { Counts } from '../../model/index.js';
import { previewsIn } from './status-files.js';
import { statusPaths } from './status-paths.js';
import { TargetState } from './status-snapshot.js';
import type {
  ClusterStatus,
  DriftEntry,
  LoadBalancerBackend,
  LoadBalancerResource,
  LoadBalancerStatus,
  RecordedHealth,
  SnapshotProblem,
  StatusSnapshot,
} from './status-snapshot.js';

type Json = Record<string, unknown>;

function parse(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

const STATES = new Set<string>(Object.values(TargetState));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

function common(e: Json): Pick<ClusterStatus, 'state' | 'message' | 'appliedSha' | 'lastChange'> {
  const state = str(e.state);
  const out: Pick<ClusterStatus, 'state' | 'message' | 'appliedSha' | 'lastChange'> = {
    state: state && STATES.has(state) ? (state as TargetState) : TargetState.Unknown,
  };
  const message = str(e.message);
  const appliedSha = str(e.appliedSha);
  const lastChange = str(e.lastChange);
  if (message) out.message = message;
  if (appliedSha) out.appliedSha = appliedSha;
  if (lastChange) out.lastChange = lastChange;
  return out;
}

function counts(v: unknown): Counts | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out = emptyCounts();
  for (const key of Object.keys(out) as (keyof Counts)[]) {
    const n = o[key];
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) out[key] = n;
  }
  return out;
}

function driftEntries(text: string | undefined): DriftEntry[] | undefined {
  const entries = arr(parse(text)?.entries).filter(
    (e): e is DriftEntry =>
      typeof obj(e)?.subject === 'object' &&
      typeof obj(e)?.classification === 'string' &&
      typeof obj(e)?.handling === 'string' &&
      Array.isArray(obj(e)?.fields),
  );
  return entries.length > 0 ? entries : undefined;
}

function health(v: unknown): RecordedHealth | undefined {
  const o = obj(v);
  const state = str(o?.state);
  const since = str(o?.since);
  if ((state !== 'Ready' && state !== 'Unreachable' && state !== 'Offline') || !since) return undefined;
  return { state, since };
}

function cluster(e: Json, files: ReadonlyMap<string, string>): ClusterStatus | undefined {
  const name = str(e.name);
  if (!name) return undefined;
  const out: ClusterStatus = { name, ...common(e) };
  const detail = parse(files.get(statusPaths.cluster(out)));
  const c = counts(detail?.counts);
  if (c) out.counts = c;
  const h = health(detail?.health);
  if (h) out.health = h;
  const inventory = files.get(statusPaths.inventory(out));
  if (inventory !== undefined) out.inventory = inventory.split('\n').filter((l) => l !== '');
  const drift = driftEntries(files.get(statusPaths.clusterDrift(out, 'json')));
  if (drift) out.drift = drift;
  return out;
}

function loadBalancer(e: Json, files: ReadonlyMap<string, string>): LoadBalancerStatus | undefined {
  const namespace = str(e.namespace);
  const name = str(e.name);
  if (!namespace || !name) return undefined;
  const out: LoadBalancerStatus = { namespace, name, ...common(e) };
  const ip = str(e.ip);
  if (ip) out.ip = ip;
  const c = counts(e.counts);
  if (c) out.counts = c;
  const backends = arr(e.backends).filter(
    (b): b is LoadBalancerBackend =>
      typeof obj(b)?.cluster === 'string' && typeof obj(b)?.health === 'string',
  );
  if (backends.length > 0) out.backends = backends;
  if (Array.isArray(e.resources))
    out.resources = e.resources.filter(
      (r): r is LoadBalancerResource => typeof obj(r)?.kind === 'string' && typeof obj(r)?.name === 'string',
    );
  const drift = driftEntries(files.get(statusPaths.loadBalancerDrift(out, 'json')));
  if (drift) out.drift = drift;
  return out;
}

/** The snapshot a status branch holds; undefined when it holds none (a new branch). */
export function readStatusSnapshot(files: ReadonlyMap<string, string>): StatusSnapshot | undefined {
  const status = parse(files.get(statusPaths.status));
  const source = obj(status?.source);
  const federation = str(status?.federation);
  const sha = str(source?.sha);
  if (!status || !federation || !sha) return undefined;
  const ref = str(source?.ref);
  const snapshot: StatusSnapshot = {
    federation,
    source: ref ? { sha, ref } : { sha },
    clusters: arr(status.clusters).flatMap((e) => {
      const c = obj(e) && cluster(obj(e)!, files);
      return c ? [c] : [];
    }),
    loadBalancers: arr(status.loadBalancers).flatMap((e) => {
      const lb = obj(e) && loadBalancer(obj(e)!, files);
      return lb ? [lb] : [];
    }),
  };
  const problems = arr(status.problems).filter(
    (p): p is SnapshotProblem =>
      (obj(p)?.severity === 'error' || obj(p)?.severity === 'warning') && typeof obj(p)?.text === 'string',
  );
  if (problems.length > 0) snapshot.problems = problems;
  const previews = previewsIn(files);
  if (previews.length > 0) snapshot.previews = previews;
  return snapshot;
}

/**
 * The health the agent recorded per cluster (`clusters/<name>.json`, field `health`): what a
 * one-shot run reads to tell a cluster the agent saw fail its probes from one it cannot reach.
 */
export function recordedHealth(files: ReadonlyMap<string, string>): Map<string, RecordedHealth> {
  const out = new Map<string, RecordedHealth>();
  for (const c of readStatusSnapshot(files)?.clusters ?? []) if (c.health) out.set(c.name, c.health);
  return out;
}
