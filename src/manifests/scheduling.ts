// Replica preferences (v1 annotation JSON and kubefed ReplicaSchedulingPreference) → ReplicaScheduling.
import type { ClusterReplicaPreference, ReplicaScheduling } from '../model/federation.js';
import type { Problem } from '../model/problem.js';
import { jsonErrorReason, problemAt, zodProblems } from './problems.js';
import type { Spot } from './problems.js';
import { preferencesSchema } from './schemas.js';
import type { PathPart } from './yaml.js';

type Pref = { minReplicas: number; maxReplicas?: number | undefined; weight: number };

/** Used when a plain ReplicaSet/Deployment names no preferences, and when the clusters map is empty. */
export const DEFAULT_CLUSTER_PREFERENCES: Record<string, ClusterReplicaPreference> = {
  '*': { minReplicas: 0, weight: 1 },
};

export function replicaScheduling(
  totalReplicas: number,
  rebalance: boolean,
  clusters: Record<string, Pref>,
): ReplicaScheduling {
  const entries = Object.entries(clusters);
  if (entries.length === 0) return { totalReplicas, rebalance, clusters: { ...DEFAULT_CLUSTER_PREFERENCES } };
  const out: Record<string, ClusterReplicaPreference> = {};
  for (const [name, p] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    const pref: ClusterReplicaPreference = { minReplicas: p.minReplicas, weight: p.weight };
    if (p.maxReplicas !== undefined) pref.maxReplicas = p.maxReplicas;
    out[name] = pref;
  }
  return { totalReplicas, rebalance, clusters: out };
}

/** Every key must be `*` or a registered cluster. */
export function checkPreferenceClusters(
  clusters: Record<string, unknown>,
  known: ReadonlySet<string>,
  spot: Spot,
  path: readonly PathPart[],
  problems: Problem[],
): void {
  for (const name of Object.keys(clusters)) {
    if (name !== '*' && !known.has(name)) {
      problems.push(
        problemAt(
          spot,
          path,
          'reference.unknownCluster',
          `replica preferences name cluster "${name}", which is not registered in clusters/${hint(known)}`,
        ),
      );
    }
  }
}

export function hint(known: ReadonlySet<string>): string {
  return known.size ? ` (registered: ${[...known].sort().join(', ')})` : ' (no clusters are registered)';
}

/** Parses the preferences annotation; bad JSON or an unknown key is an error (not v1's silent default). */
export function parsePreferencesAnnotation(
  json: string,
  key: string,
  spot: Spot,
  path: readonly PathPart[],
  problems: Problem[],
): { rebalance: boolean; clusters: Record<string, Pref> } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    problems.push(
      problemAt(
        spot,
        path,
        'annotation.invalidJson',
        `annotation ${key} is not valid JSON (${jsonErrorReason(err)}); expected {"rebalance":bool,"clusters":{"<cluster>|*":{"minReplicas":n,"maxReplicas":n,"weight":n}}}`,
      ),
    );
    return undefined;
  }
  const parsed = preferencesSchema.safeParse(data);
  if (!parsed.success) {
    // Paths inside the JSON have no YAML line: report them on the annotation's line.
    const line = spot.doc.lineAt(path);
    for (const p of zodProblems(spot, [], parsed.error, 'the preferences JSON')) {
      problems.push({
        ...p,
        code: 'annotation.invalid',
        message: `annotation ${key}: ${p.message}`,
        source: { file: spot.doc.file, line },
      });
    }
    return undefined;
  }
  return parsed.data;
}
