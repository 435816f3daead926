// Convenience: open the right source for a location and read one validated revision of the
// federation. The parse cache is shared across calls so an unchanged blob is never parsed twice.
import { lstat, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FederationRepo, Revision } from '../model/federation.js';
import { failed } from '../model/problem.js';
import type { Result } from '../model/problem.js';
import { createParseCache, loadFederation, sortProblems } from '../manifests/load.js';
import type { ParseCache } from '../manifests/load.js';
import type { ManifestLimits } from '../manifests/limits.js';
import type { OperatorPolicyFile } from '../manifests/tenancy.js';
import { SourceError, SourceErrorCode } from './errors.js';
import { openDirectorySource } from './directory.js';
import type { GitSourceOptions } from './isomorphic-git.js';
import { parseRepoLocation } from './location.js';
import type { GitSource } from './port.js';

export type OpenSourceOptions = GitSourceOptions & {
  /** Read a local path's files as they are on disk, even when it is a Git repository. */
  workingTree?: boolean;
};

/** The operator's tenancy policy file; read on every call, so an edit applies at the next read. */
export async function readPolicyFile(path: string): Promise<OperatorPolicyFile> {
  try {
    return { file: path, text: await readFile(path, 'utf8') };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new SourceError(
      SourceErrorCode.policyFile,
      `cannot read the tenancy policy file ${path}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}

const isDir = async (p: string): Promise<boolean> =>
  (await stat(p).catch(() => undefined))?.isDirectory() ?? false;

/** A remote URL or a local Git repository → isomorphic-git; any other local directory → plain directory. */
export async function openSource(options: OpenSourceOptions): Promise<GitSource> {
  const location = parseRepoLocation(options.repo);
  if (location.kind === 'local') {
    const gitRepo =
      (await lstat(join(location.path, '.git')).catch(() => undefined)) !== undefined ||
      ((await isDir(join(location.path, 'objects'))) && (await isDir(join(location.path, 'refs'))));
    if (options.workingTree || !gitRepo) {
      return openDirectorySource({
        path: location.path,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.include ? { include: options.include } : {}),
      });
    }
  }
  // isomorphic-git loads only for a Git repository: a plain directory never pays for it.
  const { openGitSource } = await import('./isomorphic-git.js');
  return openGitSource(options);
}

export type FederationRead = { revision: Revision; result: Result<FederationRepo> };

/** Reads and validates one revision; source-level file problems and manifest problems come back together. */
export async function readFederationAt(
  source: GitSource,
  options: {
    ref?: string;
    cache?: ParseCache;
    manifestLimits?: Partial<ManifestLimits>;
    /** Path of the operator's tenancy policy file (TenancyPolicy), outside the repository. */
    policyFile?: string;
  } = {},
): Promise<FederationRead> {
  const operatorPolicy = options.policyFile ? await readPolicyFile(options.policyFile) : undefined;
  const revision = await source.latestRevision(options.ref);
  const { files, problems } = await source.readFiles(revision);
  const result = loadFederation(files, {
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.manifestLimits ? { limits: options.manifestLimits } : {}),
    ...(operatorPolicy ? { operatorPolicy } : {}),
  });
  if (problems.length === 0) return { revision, result };
  return { revision, result: failed(sortProblems([...problems, ...(result.ok ? [] : result.problems)])) };
}

export async function readFederation(
  options: OpenSourceOptions & { ref?: string; cache?: ParseCache; policyFile?: string },
): Promise<FederationRead & { source: GitSource }> {
  const source = await openSource(options);
  const read = await readFederationAt(source, {
    ...(options.ref ? { ref: options.ref } : {}),
    ...(options.policyFile ? { policyFile: options.policyFile } : {}),
    cache: options.cache ?? createParseCache(),
  });
  return { ...read, source };
}
