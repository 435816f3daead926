// The real git CLI for tests, always asynchronous (a synchronous call would deadlock against a Git
// server running in the same process). Commits use a fixed identity and no user config.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const gitEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ada Author',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Author',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
});

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv(cwd), maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export async function tempDir(
  prefix = 'fedsync-test-',
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** A bare repository `<root>/<name>.git` plus a working clone at `<root>/<name>-work` on branch main. */
export async function createRepo(
  root: string,
  name: string,
  files: Record<string, string>,
): Promise<{
  bare: string;
  work: string;
  commit: (message: string, files: Record<string, string>) => Promise<string>;
}> {
  const bare = join(root, `${name}.git`);
  const work = join(root, `${name}-work`);
  await mkdir(work, { recursive: true });
  await git(root, 'init', '-q', '--bare', '-b', 'main', '--', bare);
  await git(work, 'init', '-q', '-b', 'main');
  await git(work, 'remote', 'add', 'origin', bare);
  const commit = async (message: string, changed: Record<string, string>): Promise<string> => {
    await writeFiles(work, changed);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', message);
    await git(work, 'push', '-q', '-f', 'origin', 'HEAD');
    return git(work, 'rev-parse', 'HEAD');
  };
  await commit('initial', files);
  return { bare, work, commit };
}
