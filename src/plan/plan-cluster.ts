// One cluster's part of a plan, before guards: what to create, update, adopt, skip, and which
// inventory entries are candidates for deletion; then which of those deletes a guard holds.
import {
  ANNOTATION_PRUNE,
  ANNOTATION_RECONCILE,
  DISABLED,
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  parseRefKey,
  subject,
} from '../model/index.js';
import type {
  ClusterAction,
  FederatedObject,
  KubeObject,
  ObjectRef,
  ObservedCluster,
  Problem,
} from '../model/index.js';
import type { DesiredObject } from '../federation/desired.js';
import { diffObject } from './diff.js';
import { GuardCode, massPruneLimit } from './guards.js';
import type { GuardedAction } from './guards.js';
import { maskChanges } from './mask.js';

function isDisabled(obj: KubeObject | undefined, annotation: string): boolean {
  return obj?.metadata.annotations?.[annotation] === DISABLED;
}

/** Carries fedsync's labels for this federation (objects without them are never deleted). */
export function isOwnedBy(obj: KubeObject, federation: string): boolean {
  const labels = obj.metadata.labels ?? {};
  return labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE && labels[LABEL_FEDERATION] === federation;
}

export type DeleteCandidate = { ref: ObjectRef; key: string };

/** The generic identity every planned action carries. */
export function about(ref: ObjectRef, key: string): { key: string; subject: string; ref: ObjectRef } {
  return { key, subject: subject(ref), ref };
}

export type ClusterDraft = {
  observed: ObservedCluster;
  forward: ClusterAction[];
  deletes: DeleteCandidate[];
  keep: string[];
  desiredCount: number;
};

export function draftCluster(options: {
  observed: ObservedCluster;
  desired: DesiredObject[];
  repoObjects: Map<string, FederatedObject>;
  federation: string;
  prune: boolean;
  problems: Problem[];
}): ClusterDraft {
  const { observed, federation, problems } = options;
  const forward: ClusterAction[] = [];
  const keep: string[] = [];
  const inInventory = new Set(observed.inventory ?? []);
  const desiredKeys = new Set<string>();
  for (const d of options.desired) {
    desiredKeys.add(d.key);
    const live = observed.objects[d.key];
    if (isDisabled(d.object, ANNOTATION_RECONCILE) || isDisabled(live, ANNOTATION_RECONCILE)) {
      forward.push({
        action: 'skip',
        ...about(d.ref, d.key),
        reason: `${ANNOTATION_RECONCILE}: ${DISABLED}`,
      });
      if (inInventory.has(d.key)) keep.push(d.key);
      continue;
    }
    if (!live) {
      forward.push({
        action: 'create',
        ...about(d.ref, d.key),
        object: d.object,
        reason: 'in Git, missing in the cluster',
      });
      keep.push(d.key);
      continue;
    }
    const labels = live.metadata.labels ?? {};
    const otherFederation = labels[LABEL_FEDERATION];
    if (
      labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE &&
      otherFederation !== undefined &&
      otherFederation !== federation
    ) {
      forward.push({
        action: 'skip',
        ...about(d.ref, d.key),
        reason: `owned by federation ${otherFederation}`,
      });
      problems.push({
        code: 'object.ownedByOtherFederation',
        severity: 'error',
        message: `exists and belongs to federation ${otherFederation}; fedsync leaves it alone`,
        object: subject(d.ref),
        cluster: observed.name,
        source: d.from.source,
      });
      continue;
    }
    const changes = maskChanges(d.ref.kind, diffObject(d.object, live));
    keep.push(d.key);
    if (!isOwnedBy(live, federation)) {
      forward.push({
        action: 'adopt',
        ...about(d.ref, d.key),
        object: d.object,
        changes,
        reason: "exists without fedsync's labels",
      });
    } else if (changes.length > 0) {
      forward.push({
        action: 'update',
        ...about(d.ref, d.key),
        object: d.object,
        changes,
        reason: 'differs from Git',
      });
    } else {
      forward.push({ action: 'unchanged', ...about(d.ref, d.key) });
    }
  }

  const deletes: DeleteCandidate[] = [];
  if (observed.inventory === null) {
    problems.push({
      code: 'inventory.unavailable',
      severity: 'error',
      message: "fedsync's inventory could not be read: nothing is deleted in this cluster until it can",
      cluster: observed.name,
      transient: true,
    });
  } else {
    for (const key of observed.inventory) {
      if (desiredKeys.has(key)) continue;
      const live = observed.objects[key];
      if (!live) continue;
      const ref = parseRefKey(key);
      if (!isOwnedBy(live, federation)) {
        forward.push({
          action: 'skip',
          ...about(ref, key),
          reason: "no longer carries fedsync's labels; left alone",
        });
      } else if (
        isDisabled(live, ANNOTATION_PRUNE) ||
        isDisabled(options.repoObjects.get(key)?.template, ANNOTATION_PRUNE)
      ) {
        forward.push({
          action: 'skip',
          ...about(ref, key),
          reason: `not desired here, but ${ANNOTATION_PRUNE}: ${DISABLED}`,
        });
        keep.push(key);
      } else if (isDisabled(live, ANNOTATION_RECONCILE)) {
        forward.push({
          action: 'skip',
          ...about(ref, key),
          reason: `not desired here, but ${ANNOTATION_RECONCILE}: ${DISABLED}`,
        });
        keep.push(key);
      } else if (!options.prune) {
        forward.push({
          action: 'skip',
          ...about(ref, key),
          reason: 'not desired here, but pruning is off (spec.policy.prune: false)',
        });
        keep.push(key);
      } else {
        deletes.push({ ref, key });
      }
    }
  }
  return { observed, forward, deletes, keep, desiredCount: options.desired.length };
}

export function guardsFor(draft: ClusterDraft, desiredAnywhere: Set<string>): GuardedAction[] {
  const held: GuardedAction[] = [];
  const managed = draft.observed.inventory?.length ?? 0;
  const empty = draft.desiredCount === 0 && draft.deletes.length > 0;
  const mass = draft.deletes.length > massPruneLimit(managed);
  for (const d of draft.deletes) {
    const guards: GuardCode[] = [];
    if (empty) guards.push(GuardCode.emptyRender);
    if (mass) guards.push(GuardCode.massPrune);
    if (d.ref.kind === 'Namespace' && d.ref.group === '') guards.push(GuardCode.namespaceDelete);
    if (d.ref.kind === 'Ingress' && !desiredAnywhere.has(d.key)) guards.push(GuardCode.lbFrontendDelete);
    if (guards.length > 0)
      held.push({
        target: draft.observed.name,
        key: d.key,
        subject: subject(d.ref),
        guards,
        would: 'delete',
      });
  }
  return held;
}
