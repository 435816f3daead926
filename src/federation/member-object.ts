// Turns a federation template into the object fedsync sends to a member cluster: server-owned
// fields removed, Secret stringData folded into data, fedsync's labels and source annotation added.
import { ANNOTATION_SOURCE, LABEL_FEDERATION, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../model/index.js';
import type { KubeObject, SourceLocation } from '../model/index.js';

/** Metadata the API server owns; never part of a desired object. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

/** Deep copy of plain JSON data (templates come from YAML/JSON, so this is exact). */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v);
  return out as T;
}

/** `path@commit`: where the object came from. Compared only by path (see docs/planner.md). */
export function sourceAnnotation(source: SourceLocation, sha: string): string {
  return `${source.file}@${sha}`;
}

/** The path part of a source annotation value. */
export function sourcePath(annotation: string | undefined): string | undefined {
  if (annotation === undefined) return undefined;
  const at = annotation.lastIndexOf('@');
  return at < 0 ? annotation : annotation.slice(0, at);
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Removes fields the member's API server allocates or owns (kubefed "retained" fields). */
function stripServerOwned(obj: KubeObject): void {
  delete obj.status;
  for (const f of SERVER_METADATA) delete obj.metadata[f];
  if (obj.kind === 'Service' && obj.apiVersion === 'v1') {
    const spec = obj.spec as Record<string, unknown> | undefined;
    if (spec) {
      // `None` (headless) is a choice, any other clusterIP is the member's allocation.
      if (spec.clusterIP !== 'None') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      delete spec.healthCheckNodePort;
    }
  }
  if (obj.kind === 'Secret' && obj.apiVersion === 'v1') {
    // The API server folds stringData into data; do the same so live and desired compare equal.
    const stringData = obj.stringData as Record<string, unknown> | undefined;
    if (stringData && typeof stringData === 'object') {
      const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(stringData)) data[k] = base64(String(v));
      obj.data = data;
      delete obj.stringData;
    }
  }
}

/** Sets fedsync's ownership labels and the source annotation (mutates). */
export function markOwned(obj: KubeObject, options: { federation: string; source: string }): void {
  obj.metadata.labels = {
    ...obj.metadata.labels,
    [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
    [LABEL_FEDERATION]: options.federation,
  };
  obj.metadata.annotations = { ...obj.metadata.annotations, [ANNOTATION_SOURCE]: options.source };
}

/** A fresh member object from a template (the template is not modified). */
export function toMemberObject(
  template: KubeObject,
  options: { federation: string; source: string },
): KubeObject {
  const obj = cloneJson(template);
  stripServerOwned(obj);
  markOwned(obj, options);
  return obj;
}
