// A Secret's `data` and `stringData` checked before anything is sent: `data` values must be base64
// as the API server decodes it, `stringData` values must be strings (a YAML number or mapping would
// otherwise be stored as its JavaScript text, e.g. "[object Object]"). Problems name the key and its
// line, never the value.
import type { Problem } from '../model/problem.js';
import { formatPath, problemAt } from './problems.js';
import type { Spot } from './problems.js';
import type { PathPart } from './yaml.js';

const LF = 0x0a;
const CR = 0x0d;
const PAD = 0x3d;
const isAlphabet = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x2b ||
  c === 0x2f;

/**
 * The byte offset at which the API server's base64 decoder (Go's StdEncoding: padding required,
 * CR and LF skipped) gives up on `value`, or -1 when it decodes. The offset is what the server's
 * "illegal base64 data at input byte N" says, so the two messages agree.
 */
export function base64ErrorAt(value: string): number {
  const src = new TextEncoder().encode(value);
  const len = src.length;
  const newline = (i: number): boolean => src[i] === LF || src[i] === CR;
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === len) return j === 0 ? -1 : si - j;
      const c = src[si++] ?? 0;
      if (isAlphabet(c)) continue;
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) return si - 1;
      if (j === 2) {
        while (si < len && newline(si)) si++;
        if (si === len) return len;
        if (src[si] !== PAD) return si - 1;
        si++;
      }
      while (si < len && newline(si)) si++;
      return si < len ? si : -1;
    }
  }
}

/** What a value is, in YAML's words, for "is a number, not a string". */
function yamlType(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Problem for one `data` value, or undefined when the server will decode it. */
export function dataValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string')
    return `data key "${key}" is ${yamlType(value)}, not a base64 string; quote the base64 text, or put plain text under stringData`;
  const at = base64ErrorAt(value);
  if (at < 0) return undefined;
  return `data key "${key}" is not valid base64: illegal base64 data at input byte ${at} (key "${key}"); encode the value (base64 -w0), or put plain text under stringData`;
}

/** Problem for one `stringData` value, or undefined when it is a string. */
export function stringDataValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value === 'string') return undefined;
  return `stringData key "${key}" is ${yamlType(value)}, not a string; quote it`;
}

/** Checks a v1 Secret's data and stringData; `base` is where the Secret sits in its document. */
export function checkSecretData(
  obj: Record<string, unknown>,
  spot: Spot,
  base: readonly PathPart[],
  problems: Problem[],
): void {
  const fields = [
    ['data', dataValueProblem, 'base64 strings'],
    ['stringData', stringDataValueProblem, 'strings'],
  ] as const;
  for (const [field, problemOf, values] of fields) {
    const map = obj[field];
    if (map === undefined) continue;
    const at = [...base, field];
    if (!isMapping(map)) {
      problems.push(
        problemAt(
          spot,
          at,
          'secret.invalidData',
          `${formatPath(at)} is ${yamlType(map)}; it must be a mapping of keys to ${values}`,
        ),
      );
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      const message = problemOf(key, value);
      if (message) problems.push(problemAt(spot, [...at, key], 'secret.invalidData', message));
    }
  }
}

const unescapePointer = (part: string): string => part.replace(/~1/g, '/').replace(/~0/g, '~');

/** Problem for a per-cluster override of a Secret that sets data or stringData, if any. */
export function secretOverrideProblem(pointer: string, value: unknown): string | undefined {
  const [, field, rawKey, ...rest] = pointer.split('/');
  if ((field !== 'data' && field !== 'stringData') || rest.length > 0) return undefined;
  const check = field === 'data' ? dataValueProblem : stringDataValueProblem;
  if (rawKey !== undefined) return check(unescapePointer(rawKey), value);
  if (!isMapping(value)) return `${field} is ${yamlType(value)}; it must be a mapping`;
  for (const [key, v] of Object.entries(value)) {
    const message = check(key, v);
    if (message) return message;
  }
  return undefined;
}
