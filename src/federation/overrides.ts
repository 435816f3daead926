// kubefed-style per-cluster overrides, applied to a copy of the desired object.
import type { KubeObject, Override } from '../model/index.js';
import { patchInPlace, parsePointer } from './json-pointer.js';

/** Paths an override may not touch: they are the object's identity (kubefed's list plus apiVersion). */
const FORBIDDEN = ['/metadata/name', '/metadata/namespace', '/metadata/generateName', '/kind', '/apiVersion'];

export type OverrideFailure = { override: Override; code: string; message: string };

function isForbidden(path: string): boolean {
  return FORBIDDEN.some((f) => path === f || path.startsWith(`${f}/`));
}

/**
 * Applies `overrides` in order to `object` (mutated in place). Each override that is forbidden or
 * points at nothing is skipped and reported; the others still apply.
 */
export function overrideInPlace(object: KubeObject, overrides: Override[]): OverrideFailure[] {
  const failures: OverrideFailure[] = [];
  const seen = new Set<string>();
  for (const override of overrides) {
    if (parsePointer(override.path) === undefined) {
      failures.push({
        override,
        code: 'override.badPath',
        message: `"${override.path}" is not a JSON pointer`,
      });
      continue;
    }
    if (isForbidden(override.path)) {
      failures.push({
        override,
        code: 'override.forbiddenPath',
        message: `override of ${override.path} is not allowed (it is the object's identity)`,
      });
      continue;
    }
    if (seen.has(override.path)) {
      failures.push({
        override,
        code: 'override.duplicatePath',
        message: `${override.path} is overridden twice for the same cluster; the later one was ignored`,
      });
      continue;
    }
    seen.add(override.path);
    if (override.op !== 'remove' && override.value === undefined) {
      failures.push({
        override,
        code: 'override.noValue',
        message: `${override.op} ${override.path} has no value`,
      });
      continue;
    }
    const error = patchInPlace(object, override);
    if (error !== undefined) failures.push({ override, code: 'override.pathNotFound', message: error });
  }
  return failures;
}
