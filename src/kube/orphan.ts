// The orphan verb: fedsync lets go of an object it adopted, and the object keeps running. One JSON
// patch removes fedsync's labels and source annotation and drops fedsync's server-side-apply entry
// from metadata.managedFields, so no field is fedsync's any more and no field is removed (an empty
// apply would delete every field only fedsync owns). Writes other than apply may set managedFields;
// `[{}]` clears them, an empty list would leave them as they were. The patch also sets the
// resourceVersion just read, so the API server refuses it (409) if the object changed meanwhile:
// then it is read again and the patch made again.
import {
  ANNOTATION_SOURCE,
  FIELD_MANAGER,
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  actionKey,
  actionSubject,
} from '../model/index.js';
import type { ActionResult, KubeAction, KubeObject } from '../model/index.js';
import { errorOf } from './errors.js';
import { KubeError, KubeErrorCode } from './port.js';
import type { ClusterClient, JsonPatchOp } from './port.js';

export type OrphanAction = Extract<KubeAction, { action: 'orphan' }>;

const pointer = (...parts: string[]): string =>
  `/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

type ManagedEntry = { manager?: string; operation?: string; subresource?: string };

const isFedsyncApply = (e: ManagedEntry): boolean =>
  e.manager === FIELD_MANAGER && e.operation === 'Apply' && (e.subresource ?? '') === '';

/**
 * The patch that releases `live` from `federation`, or undefined when there is nothing of fedsync's
 * left on it (or it now belongs to another federation: then it is not ours to touch).
 */
export function orphanPatch(live: KubeObject, federation: string): JsonPatchOp[] | undefined {
  const labels = live.metadata.labels ?? {};
  const theirs = labels[LABEL_FEDERATION] !== undefined && labels[LABEL_FEDERATION] !== federation;
  if (theirs) return undefined;
  const ops: JsonPatchOp[] = [];
  // An emptied map is removed whole: what the API server stores for it anyway (omitempty).
  const drop = (map: 'labels' | 'annotations', names: string[]): void => {
    const present = live.metadata[map] ?? {};
    const mine = names.filter((n) => present[n] !== undefined);
    if (mine.length === 0) return;
    if (mine.length === Object.keys(present).length)
      ops.push({ op: 'remove', path: pointer('metadata', map) });
    else for (const n of mine) ops.push({ op: 'remove', path: pointer('metadata', map, n) });
  };
  drop(
    'labels',
    [LABEL_MANAGED_BY, LABEL_FEDERATION].filter(
      (l) => l !== LABEL_MANAGED_BY || labels[l] === MANAGED_BY_VALUE,
    ),
  );
  drop('annotations', [ANNOTATION_SOURCE]);
  const entries = Array.isArray(live.metadata.managedFields)
    ? (live.metadata.managedFields as ManagedEntry[])
    : [];
  const others = entries.filter((e) => !isFedsyncApply(e));
  if (others.length !== entries.length)
    ops.push({ op: 'add', path: '/metadata/managedFields', value: others.length > 0 ? others : [{}] });
  if (ops.length === 0) return undefined;
  const rv = live.metadata.resourceVersion;
  if (typeof rv === 'string' && rv !== '')
    ops.push({ op: 'replace', path: '/metadata/resourceVersion', value: rv });
  return ops;
}

/** Attempts before an object that keeps changing is reported as failed (the next reconcile retries). */
export const orphanAttempts = 5;

export async function orphanObject(options: {
  client: ClusterClient;
  action: OrphanAction;
  federation: string;
}): Promise<ActionResult> {
  const { client, action } = options;
  const base = { key: actionKey(action), subject: actionSubject(action), action: action.action };
  const ref = { ...action.ref, apiVersion: action.apiVersion };
  try {
    for (let attempt = 1; ; attempt++) {
      const live = await client.get(ref);
      const ops = live ? orphanPatch(live, options.federation) : undefined;
      if (!ops) return { ...base, outcome: 'done' };
      try {
        await client.jsonPatch(ref, ops);
        return { ...base, outcome: 'done' };
      } catch (err) {
        if (err instanceof KubeError && err.code === KubeErrorCode.notFound)
          return { ...base, outcome: 'done' };
        const changed = err instanceof KubeError && err.code === KubeErrorCode.conflict;
        if (!changed || attempt >= orphanAttempts) throw err;
      }
    }
  } catch (err) {
    return { ...base, outcome: 'failed', error: errorOf(err) };
  }
}
