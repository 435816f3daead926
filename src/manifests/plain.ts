// The plain (federation v1) dialect: an ordinary Kubernetes object plus federation annotations for
// placement and replica preferences. Those annotations are consumed here and removed from the
// template: they steer fedsync and are not sent to member clusters.
import type { FederatedObject, Placement } from '../model/federation.js';
import {
  ANNOTATION_CLUSTER_NAMES,
  ANNOTATION_CLUSTERS,
  ANNOTATION_DEPLOYMENT_PREFERENCES,
  ANNOTATION_RS_PREFERENCES,
  ANNOTATION_V1_CLUSTER_SELECTOR,
} from '../model/labels.js';
import type { KubeObject } from '../model/kube.js';
import type { ObjectDoc } from './document.js';
import type { Entry, NormaliseContext } from './entry.js';
import { isWorkload, scopeOf } from './kinds.js';
import { readParts } from './parts.js';
import { problemAt } from './problems.js';
import type { Spot } from './problems.js';
import {
  checkPreferenceClusters,
  hint,
  parsePreferencesAnnotation,
  replicaScheduling,
} from './scheduling.js';
import { parseClusterNames, parseLabelSelectorString, parseV1ClusterSelector } from './selectors.js';

export const PLACEMENT_ANNOTATIONS = [
  ANNOTATION_V1_CLUSTER_SELECTOR,
  ANNOTATION_CLUSTERS,
  ANNOTATION_CLUSTER_NAMES,
];
export const PREFERENCE_ANNOTATIONS = [ANNOTATION_RS_PREFERENCES, ANNOTATION_DEPLOYMENT_PREFERENCES];
const FEDERATION_ANNOTATIONS = new Set([...PLACEMENT_ANNOTATIONS, ...PREFERENCE_ANNOTATIONS]);

/** Removes the federation annotations (and an annotations map left empty) from a template. */
export function stripFederationAnnotations(obj: KubeObject): KubeObject {
  const annotations = obj.metadata.annotations;
  if (!annotations) return obj;
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(([k]) => !FEDERATION_ANNOTATIONS.has(k)),
  );
  const metadata = { ...obj.metadata };
  if (Object.keys(kept).length) metadata.annotations = kept;
  else delete metadata.annotations;
  return { ...obj, metadata };
}

/** Applies the scope rules: namespaced kinds default to `default`; cluster-scoped ones take no namespace. */
export function scopeNamespace(
  obj: KubeObject,
  spot: Spot,
  ctx: NormaliseContext,
  path: (string | number)[],
): void {
  const scope = scopeOf(obj.apiVersion, obj.kind);
  if (scope === 'Namespaced' && !obj.metadata.namespace) obj.metadata.namespace = 'default';
  if (scope === 'Cluster' && obj.metadata.namespace !== undefined) {
    ctx.problems.push(
      problemAt(
        spot,
        path,
        'schema.clusterScoped',
        `${obj.kind} is cluster-scoped; remove metadata.namespace`,
      ),
    );
  }
}

export function checkClusterNames(
  names: string[],
  spot: Spot,
  path: (string | number)[],
  ctx: NormaliseContext,
): void {
  for (const n of names) {
    if (!ctx.clusters.has(n)) {
      ctx.problems.push(
        problemAt(
          spot,
          path,
          'reference.unknownCluster',
          `placement names cluster "${n}", which is not registered in clusters/${hint(ctx.clusters)}`,
        ),
      );
    }
  }
}

function placementOf(d: ObjectDoc, ctx: NormaliseContext): Placement {
  const annotations = d.obj.metadata.annotations ?? {};
  const present = PLACEMENT_ANNOTATIONS.filter((k) => annotations[k] !== undefined);
  const at = (k: string): (string | number)[] => ['metadata', 'annotations', k];
  if (present.length > 1) {
    ctx.problems.push(
      problemAt(
        d.spot,
        at(present[1] ?? ''),
        'annotation.conflict',
        `use only one of the placement annotations ${present.join(', ')}`,
      ),
    );
    return {};
  }
  const key = present[0];
  if (key === undefined) return {};
  const text = annotations[key] ?? '';
  const parsed =
    key === ANNOTATION_CLUSTER_NAMES
      ? parseClusterNames(text)
      : key === ANNOTATION_CLUSTERS
        ? parseLabelSelectorString(text)
        : parseV1ClusterSelector(text);
  if (!parsed.ok) {
    ctx.problems.push(problemAt(d.spot, at(key), 'annotation.invalid', `annotation ${key} ${parsed.error}`));
    return {};
  }
  if (Array.isArray(parsed.value)) {
    checkClusterNames(parsed.value, d.spot, at(key), ctx);
    return { clusters: parsed.value };
  }
  return parsed.value.matchExpressions ? { selector: parsed.value } : {};
}

export function normalisePlain(d: ObjectDoc, ctx: NormaliseContext): Entry | undefined {
  const before = ctx.problems.length;
  const obj = structuredClone(d.obj);
  scopeNamespace(obj, d.spot, ctx, ['metadata', 'namespace']);
  const placement = placementOf(d, ctx);
  const facts = readParts(obj, d.spot, [], ctx.problems);
  const annotations = obj.metadata.annotations ?? {};
  const prefKey = obj.kind === 'ReplicaSet' ? ANNOTATION_RS_PREFERENCES : ANNOTATION_DEPLOYMENT_PREFERENCES;
  const workload = isWorkload(obj.kind) && /^(apps|extensions)\//.test(obj.apiVersion);
  for (const k of PREFERENCE_ANNOTATIONS) {
    if (annotations[k] !== undefined && (!workload || k !== prefKey)) {
      const right = workload ? `; use ${prefKey}` : ' (only ReplicaSets and Deployments have replicas)';
      ctx.problems.push(
        problemAt(
          d.spot,
          ['metadata', 'annotations', k],
          'annotation.wrongKind',
          `annotation ${k} does not apply to a ${obj.kind}${right}`,
        ),
      );
    }
  }
  const object: FederatedObject = {
    template: stripFederationAnnotations(obj),
    source: { file: d.doc.file, line: d.doc.line },
    placement,
    overrides: {},
  };
  let explicitScheduling = false;
  if (facts?.kind === 'Workload') {
    const total = facts.replicas ?? 1;
    const json = annotations[prefKey];
    if (json === undefined) {
      object.replicaScheduling = replicaScheduling(total, false, {});
    } else {
      explicitScheduling = true;
      const path = ['metadata', 'annotations', prefKey];
      const prefs = parsePreferencesAnnotation(json, prefKey, d.spot, path, ctx.problems);
      if (prefs) {
        checkPreferenceClusters(prefs.clusters, ctx.clusters, d.spot, path, ctx.problems);
        object.replicaScheduling = replicaScheduling(total, prefs.rebalance, prefs.clusters);
      }
    }
  }
  if (!facts || ctx.problems.length > before) return undefined;
  return { object, spot: d.spot, facts, explicitScheduling };
}
