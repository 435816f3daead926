// Compare-and-swap of a branch in a local repository, the way git itself does it: take
// `<ref>.lock` exclusively, check the ref still holds what we read, write the new id into the lock
// and rename it over the ref. A concurrent git process sees the lock and waits or fails; a
// concurrent fedsync sees a moved ref and re-reads.
import fs from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';

export async function readRef(gitdir: string, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref });
  } catch {
    return undefined;
  }
}

/** True when the ref moved from `expected` (undefined: absent) to `next`; false when it had moved on. */
export async function compareAndSwapRef(
  gitdir: string,
  ref: string,
  expected: string | undefined,
  next: string,
): Promise<boolean> {
  const file = join(gitdir, ref);
  const lock = `${file}.lock`;
  await mkdir(dirname(file), { recursive: true });
  let handle;
  try {
    handle = await open(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  let renamed = false;
  try {
    if ((await readRef(gitdir, ref)) !== expected) return false;
    await handle.writeFile(`${next}\n`);
    await handle.close();
    handle = undefined;
    await rename(lock, file);
    renamed = true;
    return true;
  } finally {
    await handle?.close();
    if (!renamed) await rm(lock, { force: true });
  }
}
