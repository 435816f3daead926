// Loads and validates the federation repository at a ref for the commands that need it. Every
// command takes the same repository options (location, ref, credentials, CA bundle, cache dir)
// through one LoadRepoOptions object, so `render`, `validate` and later commands cannot drift apart.
import type { ParseCache } from '../manifests/load.js';
import type { FederationRepo, Result, Revision } from '../model/index.js';
import type { GitAuth } from './auth.js';
import type { FetchTimeouts } from './port.js';

export const DEFAULT_CACHE_DIR = '.fedsync/cache/git';
/** Environment variable naming the operator's tenancy policy file when --policy-file is not given. */
export const POLICY_FILE_ENV = 'FEDSYNC_POLICY_FILE';

export type LoadRepoOptions = {
  /** http(s) URL or local path. */
  repo: string;
  /** Branch, tag or commit SHA; default the repository's HEAD. */
  ref?: string;
  /** Where remote repositories are cached; default `.fedsync/cache/git`. */
  cacheDir?: string;
  /** Read a local path's files as they are on disk, even when it is a Git repository. */
  workingTree?: boolean;
  /** Credentials from an environment variable or a file; default FEDSYNC_GIT_TOKEN when set. */
  auth?: GitAuth;
  /** PEM bundle of extra CAs to trust for https. */
  caFile?: string;
  /** Total deadline, idle timeout and low-speed limit of a fetch; default defaultFetchTimeouts. */
  fetchTimeouts?: Partial<FetchTimeouts>;
  /** The operator's tenancy policy file (default $FEDSYNC_POLICY_FILE); the repository cannot loosen it. */
  policyFile?: string;
  /** Parsed files by blob id, shared across loads (a long-running caller re-parses only changes). */
  cache?: ParseCache;
  env?: NodeJS.ProcessEnv;
};

/** The validated repository, the commit it was read at, and the location as safe to print. */
export type LoadedRepo = Result<FederationRepo> & { revision?: Revision; repoDescription?: string };

export type LoadRepo = (options: LoadRepoOptions) => Promise<LoadedRepo>;

/** Reads and validates one revision. Throws SourceError when the repository cannot be read at all. */
export async function loadRepo(options: LoadRepoOptions): Promise<LoadedRepo> {
  const policyFile = options.policyFile ?? ((options.env ?? process.env)[POLICY_FILE_ENV] || undefined);
  // The reader (YAML parser, Git) loads on the first read, not with the options and defaults above.
  const { readFederation } = await import('./read-federation.js');
  const { revision, result, source } = await readFederation({
    repo: options.repo,
    cacheDir: options.cacheDir ?? DEFAULT_CACHE_DIR,
    ...(options.ref ? { ref: options.ref } : {}),
    ...(options.workingTree ? { workingTree: true } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.caFile ? { caFile: options.caFile } : {}),
    ...(options.fetchTimeouts ? { timeouts: options.fetchTimeouts } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(policyFile ? { policyFile } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return { ...result, revision, repoDescription: source.description };
}
