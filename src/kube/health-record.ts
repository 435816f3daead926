// The agent's health verdicts, kept where a one-shot `plan`/`apply` can read them even when the
// cluster concerned is down: a ConfigMap `fedsync-health-<federation>` in fedsync-system of *every*
// member cluster the agent reaches, listing the clusters the agent has seen fail its health probes.
// A workstation that cannot reach cluster X reads the record from any cluster it can reach: X is
// Offline (its replicas move) only when the agent says so; otherwise X is merely Unreachable.
import { LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../model/index.js';
import type { ClusterName, KubeObject } from '../model/index.js';
import { KubeError, KubeErrorCode } from './port.js';
import type { ClusterClient } from './port.js';

export const HEALTH_NAMESPACE = 'fedsync-system';
export const HEALTH_DATA_KEY = 'health.json';

export function healthRecordName(federation: string): string {
  return `fedsync-health-${federation}`;
}

/** One agent's view: who observed, and since when each Offline cluster has been Offline. */
export type HealthRecord = {
  observer: string;
  updatedAt: string;
  offline: Record<ClusterName, { since: string; cause?: string }>;
};

const ref = (federation: string) => ({
  apiVersion: 'v1',
  group: '',
  kind: 'ConfigMap',
  namespace: HEALTH_NAMESPACE,
  name: healthRecordName(federation),
});

function parseRecord(obj: KubeObject | undefined): HealthRecord | undefined {
  const text = (obj?.data as Record<string, string> | undefined)?.[HEALTH_DATA_KEY];
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as Partial<HealthRecord>;
    if (typeof r.observer !== 'string' || typeof r.updatedAt !== 'string' || typeof r.offline !== 'object')
      return undefined;
    return { observer: r.observer, updatedAt: r.updatedAt, offline: r.offline ?? {} };
  } catch {
    return undefined;
  }
}

/** The record kept in one cluster; undefined when there is none or it cannot be read. */
export async function readHealthRecord(
  client: ClusterClient,
  federation: string,
): Promise<HealthRecord | undefined> {
  try {
    return parseRecord(await client.get(ref(federation)));
  } catch {
    return undefined;
  }
}

/** The newest of the records read (by updatedAt, ISO strings compare in time order). */
export function newestRecord(records: readonly (HealthRecord | undefined)[]): HealthRecord | undefined {
  let newest: HealthRecord | undefined;
  for (const r of records) if (r && (!newest || r.updatedAt > newest.updatedAt)) newest = r;
  return newest;
}

/** True when `a` and `b` say the same thing (who and when they were written aside). */
export function sameVerdicts(a: HealthRecord | undefined, b: HealthRecord): boolean {
  const names = (r: HealthRecord | undefined): string =>
    JSON.stringify(
      Object.keys(r?.offline ?? {})
        .sort()
        .map((n) => [n, r!.offline[n]!.since]),
    );
  return names(a) === names(b);
}

/** Writes the record into one cluster, creating fedsync-system when it is missing. */
export async function writeHealthRecord(
  client: ClusterClient,
  federation: string,
  record: HealthRecord,
): Promise<void> {
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: healthRecordName(federation),
      namespace: HEALTH_NAMESPACE,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE },
    },
    data: { [HEALTH_DATA_KEY]: `${JSON.stringify(record, null, 2)}\n` },
  };
  try {
    await client.apply(obj);
  } catch (err) {
    if (!(err instanceof KubeError && err.code === KubeErrorCode.notFound)) throw err;
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: HEALTH_NAMESPACE } });
    await client.apply(obj);
  }
}
