// A plain directory read as one revision (for `fedsync validate --repo <dir>` on files that are not
// a Git repository, like fixtures/repos/demo, or on a working tree before committing). Dot
// directories (.git, .github) are skipped; symlinks are followed only when they stay inside.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Revision } from '../model/federation.js';
import type { Problem } from '../model/problem.js';
import { fileRole } from '../manifests/load.js';
import { SourceError, SourceErrorCode } from './errors.js';
import { defaultSourceLimits } from './port.js';
import type { GitSource, RevisionFiles, SourceFile, SourceLimits } from './port.js';

export type DirectorySourceOptions = {
  path: string;
  limits?: Partial<SourceLimits>;
  include?: (path: string) => boolean;
};

const decoder = new TextDecoder('utf-8', { fatal: true });
const problem = (file: string, code: string, message: string): Problem => ({
  code,
  severity: 'error',
  message,
  source: { file, line: 1 },
});

export async function openDirectorySource(options: DirectorySourceOptions): Promise<GitSource> {
  const limits = { ...defaultSourceLimits, ...options.limits };
  const include = options.include ?? ((p: string) => fileRole(p) !== 'ignored');
  let root: string;
  try {
    root = await realpath(options.path);
    if (!(await lstat(root)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new SourceError(SourceErrorCode.notARepository, `${options.path} is not a directory`);
  }
  const stats = { fetches: 0, blobsRead: 0 };
  let last: RevisionFiles | undefined;

  const read = async (): Promise<RevisionFiles> => {
    const files: SourceFile[] = [];
    const problems: Problem[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const name of (await readdir(dir)).sort()) {
        if (name.startsWith('.')) continue;
        const full = join(dir, name);
        const rel = relative(root, full).split(sep).join('/');
        let info = await lstat(full);
        let target = full;
        if (info.isSymbolicLink()) {
          const resolved = await realpath(full).catch(() => undefined);
          if (!resolved || (resolved !== root && !resolved.startsWith(root + sep))) {
            if (include(rel))
              problems.push(
                problem(
                  rel,
                  'source.symlink',
                  'symlink points outside the repository; fedsync never follows it — replace it with the file',
                ),
              );
            continue;
          }
          target = resolved;
          info = await lstat(resolved);
          if (info.isDirectory()) continue; // a link to a directory inside would read files twice
        }
        if (info.isDirectory()) {
          await walk(full);
          continue;
        }
        if (!info.isFile() || !include(rel)) continue;
        if (files.length + problems.length >= limits.maxFiles) {
          throw new SourceError(
            SourceErrorCode.limit,
            `the directory has more than ${limits.maxFiles} manifest files`,
          );
        }
        if (info.size > limits.maxFileBytes) {
          problems.push(
            problem(
              rel,
              'source.fileTooLarge',
              `file is ${info.size} bytes, over the limit of ${limits.maxFileBytes} bytes; split it`,
            ),
          );
          continue;
        }
        const bytes = await readFile(target);
        stats.blobsRead++;
        try {
          files.push({
            path: rel,
            oid: createHash('sha1').update(bytes).digest('hex'),
            text: decoder.decode(bytes),
          });
        } catch {
          problems.push(problem(rel, 'source.notText', 'file is not UTF-8 text'));
        }
      }
    };
    await walk(root);
    return { files, problems };
  };

  return {
    stats,
    description: root,
    async latestRevision(ref?: string): Promise<Revision> {
      if (ref)
        throw new SourceError(
          SourceErrorCode.invalidLocation,
          `${root} is a plain directory; --ref needs a Git repository`,
        );
      last = await read();
      const hash = createHash('sha256');
      for (const f of last.files) hash.update(`${f.path}\0${f.oid}\0`);
      for (const p of last.problems) hash.update(`${p.source?.file ?? ''}\0${p.code}\0`);
      return { sha: `dir-${hash.digest('hex').slice(0, 16)}`, message: 'files of a plain directory' };
    },
    async readFiles(): Promise<RevisionFiles> {
      const out = last ?? (await read());
      last = undefined;
      return out;
    },
  };
}
