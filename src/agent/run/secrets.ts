// Secrets are read when needed, from where the configuration points (an environment variable or a
// file such as a mounted Kubernetes Secret), so a rotated file needs no restart. Nothing here logs.
import { readFile } from 'node:fs/promises';
import type { SecretRef } from '../config/types.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The secret's value without a trailing newline; undefined when the variable or file is empty/absent. */
export async function readSecret(ref: SecretRef, env: Env): Promise<string | undefined> {
  const raw =
    'env' in ref ? env[ref.env] : await readFile(ref.file, 'utf8').catch((): undefined => undefined);
  const value = raw?.replace(/\r?\n$/, '');
  return value === '' ? undefined : value;
}

/** Where a secret comes from, safe to print (never its value). */
export function describeSecret(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}
