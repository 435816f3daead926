// Reading a commit's tree with isomorphic-git, without a checkout: list entries, resolve in-repo
// symlinks (never out of the repository), read blobs through a cache keyed by blob id, and compute
// the paths changed against the parent by comparing tree ids (equal subtrees are skipped).
import { posix } from 'node:path';
import git from 'isomorphic-git';
import type { Problem } from '../model/problem.js';
import { SourceError, SourceErrorCode } from './errors.js';
import { createGitReadFs } from './git-fs.js';
import type { GitReadFs } from './git-fs.js';
import type { RevisionFiles, SourceFile, SourceLimits, SourceStats } from './port.js';

type Entry = { path: string; oid: string; mode: string };

export type TreeReader = {
  gitdir: string;
  cache: object;
  blobs: Map<string, Uint8Array>;
  stats: SourceStats;
  limits: SourceLimits;
  include: (path: string) => boolean;
};

/** One read of the repository: the reader plus a file-system view memoised for that read only. */
type Read = TreeReader & { fs: GitReadFs };

const startRead = (r: TreeReader, fs?: GitReadFs): Read => ({ ...r, fs: fs ?? createGitReadFs(r.gitdir) });

async function listTree(
  r: Read,
  oid: string,
  prefix: string,
  out: Entry[],
  dirs: Set<string>,
): Promise<void> {
  const { tree } = await git.readTree({ fs: r.fs, gitdir: r.gitdir, oid, cache: r.cache });
  for (const e of tree) {
    const path = prefix ? `${prefix}/${e.path}` : e.path;
    if (e.type === 'tree') {
      dirs.add(path);
      await listTree(r, e.oid, path, out, dirs);
    } else if (e.type === 'blob') out.push({ path, oid: e.oid, mode: e.mode });
    // 'commit' entries are submodules: not part of the federation's content.
  }
}

async function readBlob(r: Read, oid: string): Promise<Uint8Array> {
  const hit = r.blobs.get(oid);
  if (hit) return hit;
  const { blob } = await git.readBlob({ fs: r.fs, gitdir: r.gitdir, oid, cache: r.cache });
  r.stats.blobsRead++;
  return blob;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function fileProblem(path: string, code: string, message: string): Problem {
  return { code, severity: 'error', message, source: { file: path, line: 1 } };
}

/** Resolves a symlink target inside the repository, or undefined when it leaves it. */
export function resolveLink(linkPath: string, target: string): string | undefined {
  if (target.startsWith('/')) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(linkPath), target));
  if (joined === '..' || joined.startsWith('../') || joined === '.') return undefined;
  return joined;
}

/** Every included file of a commit; `fs` defaults to a fresh memoised view (tests pass their own). */
export async function readRevisionFiles(
  reader: TreeReader,
  commitOid: string,
  fs?: GitReadFs,
): Promise<RevisionFiles> {
  const r = startRead(reader, fs);
  const { commit } = await git.readCommit({ fs: r.fs, gitdir: r.gitdir, oid: commitOid, cache: r.cache });
  const entries: Entry[] = [];
  await listTree(r, commit.tree, '', entries, new Set());
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const wanted = entries.filter((e) => r.include(e.path));
  if (wanted.length > r.limits.maxFiles) {
    throw new SourceError(
      SourceErrorCode.limit,
      `the revision has ${wanted.length} manifest files, over the limit of ${r.limits.maxFiles}`,
    );
  }
  const problems: Problem[] = [];
  const files: SourceFile[] = [];
  const kept = new Map<string, Uint8Array>();
  for (const e of wanted) {
    let entry = e;
    if (e.mode === '120000') {
      const target = new TextDecoder().decode(await readBlob(r, e.oid));
      const inside = resolveLink(e.path, target);
      const resolved = inside === undefined ? undefined : byPath.get(inside);
      if (!resolved || resolved.mode === '120000') {
        problems.push(
          fileProblem(
            e.path,
            'source.symlink',
            inside === undefined
              ? `symlink points outside the repository (${target}); fedsync never follows it — replace it with the file`
              : `symlink target ${inside} is not a file in this revision`,
          ),
        );
        continue;
      }
      entry = { ...resolved, path: e.path };
    }
    const bytes = await readBlob(r, entry.oid);
    kept.set(entry.oid, bytes);
    if (bytes.length > r.limits.maxFileBytes) {
      problems.push(
        fileProblem(
          e.path,
          'source.fileTooLarge',
          `file is ${bytes.length} bytes, over the limit of ${r.limits.maxFileBytes} bytes; split it`,
        ),
      );
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      problems.push(fileProblem(e.path, 'source.notText', 'file is not UTF-8 text'));
      continue;
    }
    files.push({ path: e.path, oid: entry.oid, text });
  }
  // Keep only this revision's blobs: memory stays bounded by one revision.
  r.blobs.clear();
  for (const [k, v] of kept) r.blobs.set(k, v);
  return { files, problems };
}

async function treeOf(r: Read, oid: string): Promise<Map<string, { oid: string; type: string }>> {
  const { tree } = await git.readTree({ fs: r.fs, gitdir: r.gitdir, oid, cache: r.cache });
  return new Map(tree.map((e) => [e.path, { oid: e.oid, type: e.type }]));
}

async function diffTrees(
  r: Read,
  a: string | undefined,
  b: string | undefined,
  prefix: string,
  out: string[],
): Promise<void> {
  if (a === b) return;
  const left = a ? await treeOf(r, a) : new Map<string, { oid: string; type: string }>();
  const right = b ? await treeOf(r, b) : new Map<string, { oid: string; type: string }>();
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const l = left.get(name);
    const rr = right.get(name);
    if (l?.oid === rr?.oid) continue;
    const path = prefix ? `${prefix}/${name}` : name;
    const lt = l?.type === 'tree' ? l.oid : undefined;
    const rt = rr?.type === 'tree' ? rr.oid : undefined;
    if (lt || rt) await diffTrees(r, lt, rt, path, out);
    if ((l && l.type !== 'tree') || (rr && rr.type !== 'tree')) out.push(path);
  }
}

/** Paths changed between a commit and its first parent; undefined when the parent is not local (shallow). */
export async function changedPaths(
  reader: TreeReader,
  tree: string,
  parent: string | undefined,
  fs?: GitReadFs,
): Promise<string[] | undefined> {
  const r = startRead(reader, fs);
  if (!parent) {
    const out: string[] = [];
    await diffTrees(r, undefined, tree, '', out);
    return out.sort();
  }
  let parentTree: string;
  try {
    parentTree = (await git.readCommit({ fs: r.fs, gitdir: r.gitdir, oid: parent, cache: r.cache })).commit
      .tree;
  } catch {
    return undefined;
  }
  const out: string[] = [];
  await diffTrees(r, parentTree, tree, '', out);
  return out.sort();
}
