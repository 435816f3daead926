// The file system isomorphic-git reads a repository through, memoised for one read. isomorphic-git
// asks the file system the same questions for every object it reads: it probes the fs type with a
// deliberately failing readFile(), stats the git directory, tries the loose-object path (which, in a
// packed repository, never exists) and lists objects/pack. Within one read none of those answers
// change, so each is asked once: stat and readdir results are kept, a loose object is looked up in
// its directory's listing, and a missing file is answered with one shared ENOENT instead of a
// thrown-and-caught error per object. A write through this view drops everything it remembers.
import { promises as fsp } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, sep } from 'node:path';

export type GitFsStats = { probes: number; stats: number; readdirs: number; missingFiles: number };

export type GitReadFs = ReturnType<typeof createGitReadFs>;

function notFound(path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`ENOENT: no such file or directory, open '${path}'`);
  err.code = 'ENOENT';
  err.errno = -2;
  err.syscall = 'open';
  err.path = path;
  return err;
}

/** A promise that is already settled as rejected and never reported as unhandled. */
function rejected<T>(err: unknown): Promise<T> {
  const p = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  p.catch(() => undefined);
  return p;
}

const LOOSE = /^([0-9a-f]{2})[\\/]([0-9a-f]{38})$/;

/** A memoising view of node:fs for isomorphic-git, valid while the repository at `gitdir` is only read. */
export function createGitReadFs(gitdir: string) {
  const counters: GitFsStats = { probes: 0, stats: 0, readdirs: 0, missingFiles: 0 };
  // isomorphic-git calls readFile() without arguments to learn whether the fs returns promises.
  const probe = rejected<never>(new TypeError('readFile() needs a path'));
  const objectsDir = join(gitdir, 'objects') + sep;
  let statMemo = new Map<string, Promise<Stats>>();
  let lstatMemo = new Map<string, Promise<Stats>>();
  let readdirMemo = new Map<string, Promise<string[]>>();
  let listingMemo = new Map<string, Promise<Set<string>>>();
  let missing = new Set<string>();

  const memo = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let p = map.get(key);
    if (!p) {
      p = load();
      p.catch(() => undefined);
      map.set(key, p);
    }
    return p;
  };
  const forget = (): void => {
    statMemo = new Map();
    lstatMemo = new Map();
    readdirMemo = new Map();
    listingMemo = new Map();
    missing = new Set();
  };
  const readdir = (path: string): Promise<string[]> =>
    memo(readdirMemo, path, () => {
      counters.readdirs++;
      return fsp.readdir(path);
    });

  const listing = (path: string): Promise<Set<string>> =>
    memo(listingMemo, path, async () => new Set(await readdir(path).catch(() => [] as string[])));

  /** Whether a loose object can exist: objects/ is listed once, then each directory that exists. */
  const looseExists = async (path: string): Promise<boolean> => {
    const m = LOOSE.exec(path.slice(objectsDir.length));
    if (!m) return true;
    const [, dir, rest] = m as unknown as [string, string, string];
    if (!(await listing(objectsDir)).has(dir)) return false;
    return (await listing(join(objectsDir, dir))).has(rest);
  };

  const promises = {
    async readFile(path?: string, options?: unknown): Promise<unknown> {
      if (path === undefined) {
        counters.probes++;
        return probe;
      }
      if (missing.has(path) || (path.startsWith(objectsDir) && !(await looseExists(path)))) {
        counters.missingFiles++;
        return rejected(notFound(path));
      }
      try {
        return await fsp.readFile(path, options as Parameters<typeof fsp.readFile>[1]);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') missing.add(path);
        throw err;
      }
    },
    stat: (path: string): Promise<Stats> =>
      memo(statMemo, path, () => {
        counters.stats++;
        return fsp.stat(path);
      }),
    lstat: (path: string): Promise<Stats> =>
      memo(lstatMemo, path, () => {
        counters.stats++;
        return fsp.lstat(path);
      }),
    readdir,
    readlink: (path: string): Promise<string> => fsp.readlink(path),
    async writeFile(...args: Parameters<typeof fsp.writeFile>): Promise<void> {
      forget();
      return fsp.writeFile(...args);
    },
    async mkdir(...args: Parameters<typeof fsp.mkdir>): Promise<string | undefined> {
      forget();
      return fsp.mkdir(...args);
    },
    async rmdir(path: string): Promise<void> {
      forget();
      return fsp.rmdir(path);
    },
    async unlink(path: string): Promise<void> {
      forget();
      return fsp.unlink(path);
    },
    async symlink(target: string, path: string): Promise<void> {
      forget();
      return fsp.symlink(target, path);
    },
  };
  return { promises, counters };
}
