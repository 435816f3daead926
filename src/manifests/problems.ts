// Problems with file:line for manifests: one helper per kind of failure, and zod issues translated
// into messages that name the field, its line and what to do.
import type { z } from 'zod';
import type { Problem } from '../model/problem.js';
import type { PathPart, YamlDocument } from './yaml.js';

/** Where a problem is: a document, the path inside it, and the object's subject when known. */
export type Spot = { doc: YamlDocument; object?: string };

export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '(document)';
}

export function problemAt(spot: Spot, path: readonly PathPart[], code: string, message: string): Problem {
  const p: Problem = {
    code,
    severity: 'error',
    message,
    source: { file: spot.doc.file, line: path.length ? spot.doc.lineAt(path) : spot.doc.line },
  };
  if (spot.object) p.object = spot.object;
  return p;
}

/**
 * Why JSON.parse failed, without the snippet of input that V8 quotes (`Unexpected token 'x', "{…"
 * is not valid JSON`): an annotation's text is no business of an error message.
 */
export function jsonErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  return message.split(/, "|"/)[0]?.trim() || 'syntax error';
}

/** Turns zod issues into problems; `base` is where the validated value sits in the document. */
export function zodProblems(
  spot: Spot,
  base: readonly PathPart[],
  error: z.ZodError,
  what: string,
): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    const path = [...base, ...(issue.path as PathPart[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(
          problemAt(
            spot,
            [...path, key],
            'schema.unknownField',
            `unknown field ${formatPath([...path, key])}: ${what} has no such field (check the spelling)`,
          ),
        );
      }
      continue;
    }
    const message =
      issue.code === 'invalid_type' && issue.message.includes('received undefined')
        ? `${formatPath(path)} is required`
        : `${formatPath(path)}: ${issue.message}`;
    out.push(
      problemAt(spot, path, issue.code === 'custom' ? 'schema.invalid' : `schema.${issue.code}`, message),
    );
  }
  return out;
}

/** Runs a zod schema, pushing problems on failure and returning the parsed value on success. */
export function check<T>(
  schema: z.ZodType<T>,
  value: unknown,
  spot: Spot,
  base: readonly PathPart[],
  what: string,
  problems: Problem[],
): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(...zodProblems(spot, base, parsed.error, what));
  return undefined;
}
