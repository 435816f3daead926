// The demo's federation repository: a real Git repository (so the demo is GitOps: commit to change
// the federation) made once from fixtures/repos/demo, then left alone so a person's commits survive.
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import fs from 'node:fs';
import { join, relative, sep } from 'node:path';
import git from 'isomorphic-git';

export type DemoRepo = { dir: string; created: boolean };

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, path)));
    else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort();
}

/** Creates `dir` as a Git repository holding `template` in one commit, unless it already exists. */
export async function ensureDemoRepo(options: { dir: string; template: string }): Promise<DemoRepo> {
  const exists = await stat(join(options.dir, '.git')).catch(() => undefined);
  if (exists) return { dir: options.dir, created: false };
  await mkdir(options.dir, { recursive: true });
  await cp(options.template, options.dir, { recursive: true });
  await git.init({ fs, dir: options.dir, defaultBranch: 'main' });
  for (const filepath of await filesUnder(options.dir)) await git.add({ fs, dir: options.dir, filepath });
  await git.commit({
    fs,
    dir: options.dir,
    message: 'The demo federation (from fixtures/repos/demo)',
    author: { name: 'fedsync demo', email: 'demo@fedsync.invalid' },
  });
  return { dir: options.dir, created: true };
}
