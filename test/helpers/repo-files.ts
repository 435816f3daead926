// Reads a fixture directory into the RepoFile list loadFederation takes.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { RepoFile } from '../../src/manifests/index.js';

export async function repoFiles(root: string): Promise<RepoFile[]> {
  const out: RepoFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile())
        out.push({ path: relative(root, p).split(sep).join('/'), text: await readFile(p, 'utf8') });
    }
  };
  await walk(root);
  return out;
}

/** The same files as a path → text map (what createRepo takes). */
export async function repoFileMap(root: string): Promise<Record<string, string>> {
  return Object.fromEntries((await repoFiles(root)).map((f) => [f.path, f.text]));
}
