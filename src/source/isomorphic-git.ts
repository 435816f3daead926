// GitSource adapter on isomorphic-git. A remote is fetched into a bare cache directory (gitdir only,
// no working tree): the first fetch is shallow (depth 1), later fetches pass no depth at all so only
// new objects travel (an absolute depth would re-download the whole tree every time). A local
// repository is read in place. Force-pushes need nothing special: the fetched tip is the revision.
import type { Revision } from '../model/federation.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import git from 'isomorphic-git';
import { fileRole } from '../manifests/load.js';
import { DEFAULT_TOKEN_ENV, authHeader } from './auth.js';
import type { GitAuth } from './auth.js';
import { classify } from './classify.js';
import { SourceError, SourceErrorCode } from './errors.js';
import { createGitReadFs } from './git-fs.js';
import type { GitReadFs } from './git-fs.js';
import { createHttpClient } from './http-client.js';
import { FETCHER_ENV, GitFetchers, detectGit, gitFetch, spawnProcess } from './git-binary.js';
import type { GitFetcher, Spawn } from './git-binary.js';
import { displayUrl, parseRepoLocation } from './location.js';
import { defaultFetchTimeouts, defaultSourceLimits } from './port.js';
import { checkRef } from './refs.js';
import type { FetchTimeouts, GitSource, RevisionFiles, SourceLimits, SourceStats } from './port.js';
import { changedPaths, readRevisionFiles } from './tree.js';
import type { TreeReader } from './tree.js';

export type { GitAuth } from './auth.js';
export { DEFAULT_TOKEN_ENV };

export type GitSourceOptions = {
  /** http(s) URL or local path. */
  repo: string;
  /** Where remote clones are cached; default `.fedsync/cache/git`. */
  cacheDir?: string;
  /** Credentials; default: the FEDSYNC_GIT_TOKEN environment variable when it is set. */
  auth?: GitAuth;
  /** PEM file of CAs to trust in addition to the system ones. */
  caFile?: string;
  limits?: Partial<SourceLimits>;
  /** Deadline, idle timeout and low-speed limit of every fetch (defaultFetchTimeouts). */
  timeouts?: Partial<FetchTimeouts>;
  /** Which paths readFiles returns; default the federation's YAML files (see fileRole). */
  include?: (path: string) => boolean;
  /** Which client fetches a remote: default $FEDSYNC_GIT_FETCHER, else `auto` (git when on the PATH). */
  fetcher?: GitFetcher;
  /** How the git binary is started (tests wrap it to inspect arguments and environment). */
  spawn?: Spawn;
  env?: NodeJS.ProcessEnv;
};

function chosenFetcher(options: GitSourceOptions, env: NodeJS.ProcessEnv): GitFetcher {
  const named = options.fetcher ?? (env[FETCHER_ENV] || 'auto');
  if (!(GitFetchers as readonly string[]).includes(named)) {
    throw new SourceError(
      SourceErrorCode.git,
      `${FETCHER_ENV} must be one of ${GitFetchers.join(', ')} (got ${JSON.stringify(named)})`,
    );
  }
  return named as GitFetcher;
}

const SHA = /^[0-9a-f]{40}$/;
const defaultInclude = (path: string): boolean => fileRole(path) !== 'ignored';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function peelToCommit(fs: GitReadFs, gitdir: string, oid: string, cache: object): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const { type, object } = await git.readObject({ fs, gitdir, oid, cache, format: 'parsed' });
    if (type === 'commit') return oid;
    if (type !== 'tag')
      throw new SourceError(SourceErrorCode.refNotFound, `${oid} is a ${type}, not a commit`);
    oid = (object as { object: string }).object;
  }
  throw new SourceError(SourceErrorCode.refNotFound, 'tag chain too long');
}

async function hasCommit(gitdir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid, cache });
    return true;
  } catch {
    return false;
  }
}

export async function openGitSource(options: GitSourceOptions): Promise<GitSource> {
  const location = parseRepoLocation(options.repo);
  const env = options.env ?? process.env;
  const limits = { ...defaultSourceLimits, ...options.limits };
  const cache = {};
  const stats: SourceStats = { fetches: 0, blobsRead: 0 };
  const reader = (gitdir: string): TreeReader => ({
    gitdir,
    cache,
    blobs: new Map(),
    stats,
    limits,
    include: options.include ?? defaultInclude,
  });

  /** Peels `oid` to its commit and describes it, in one read of the repository. */
  const describe = async (gitdir: string, oid: string, ref: string | undefined): Promise<Revision> => {
    const fs = createGitReadFs(gitdir);
    const sha = await peelToCommit(fs, gitdir, oid, cache);
    const { commit } = await git.readCommit({ fs, gitdir, oid: sha, cache });
    const rev: Revision = {
      sha,
      author: `${commit.author.name} <${commit.author.email}>`,
      message: commit.message.trim(),
    };
    if (ref) rev.ref = ref;
    if (commit.parent[0]) rev.parent = commit.parent[0];
    const changed = await changedPaths(r, commit.tree, commit.parent[0], fs);
    if (changed) rev.changedPaths = changed;
    return rev;
  };

  let r: TreeReader;
  if (location.kind === 'local') {
    const path = location.path;
    if ((await stat(join(path, '.git')).catch(() => undefined))?.isFile()) {
      throw new SourceError(
        SourceErrorCode.notARepository,
        `${path} is a linked worktree or submodule, which fedsync cannot read as Git; pass the main repository, a URL, or --working-tree`,
      );
    }
    const gitdir = (await exists(join(path, '.git')))
      ? join(path, '.git')
      : (await exists(join(path, 'objects'))) && (await exists(join(path, 'HEAD')))
        ? path
        : undefined;
    if (!gitdir) throw new SourceError(SourceErrorCode.notARepository, `${path} is not a Git repository`);
    r = reader(gitdir);
    return {
      stats,
      description: path,
      async latestRevision(ref) {
        if (ref !== undefined) checkRef(ref);
        const want = ref ?? 'HEAD';
        try {
          const oid = SHA.test(want)
            ? want
            : /^[0-9a-f]{7,39}$/.test(want)
              ? await git.expandOid({ fs, gitdir, oid: want, cache })
              : await git.resolveRef({ fs, gitdir, ref: want });
          return await describe(gitdir, oid, ref);
        } catch (err) {
          throw classify(err, path, want);
        }
      },
      readFiles: (revision) => readRevisionFiles(r, revision.sha),
    };
  }

  const url = location.url;
  const where = displayUrl(url);
  const gitdir = join(
    options.cacheDir ?? '.fedsync/cache/git',
    createHash('sha256').update(url).digest('hex').slice(0, 16),
  );
  r = reader(gitdir);
  let ca: string[] | undefined;
  if (options.caFile) {
    try {
      ca = [...rootCertificates, await readFile(options.caFile, 'utf8')];
    } catch {
      throw new SourceError(SourceErrorCode.invalidLocation, `cannot read the CA bundle ${options.caFile}`);
    }
  }
  const timeouts = { ...defaultFetchTimeouts, ...options.timeouts };
  const {
    client: http,
    takeLimitError,
    withDeadline,
  } = createHttpClient({
    maxResponseBytes: limits.maxPackBytes,
    timeouts,
    ...(ca ? { ca: ca.join('\n') } : {}),
  });
  const auth = options.auth ?? (env[DEFAULT_TOKEN_ENV] ? { tokenEnv: DEFAULT_TOKEN_ENV } : undefined);
  const fetcher = chosenFetcher(options, env);
  const spawn = options.spawn ?? spawnProcess;
  /**
   * Whether this fetch runs the git binary; `auto` asks the PATH once, at the first fetch. `auto`
   * runs git for the first, shallow fetch of a cache, where indexing the whole pack is the cost and
   * git is three times faster, and isomorphic-git for the later ones: they bring a few objects, and
   * starting git's processes (fetch, remote-http, fetch-pack, index-pack, rev-list) costs more.
   */
  const useGitBinary = async (fresh: boolean): Promise<boolean> => {
    if (fetcher === 'isomorphic-git' || (fetcher === 'auto' && !fresh)) return false;
    const version = await detectGit(spawn, env);
    if (version || fetcher === 'auto') return version !== undefined;
    throw new SourceError(
      SourceErrorCode.git,
      `${FETCHER_ENV}=git, but no git 2.32 or later is on the PATH; install git or use auto or isomorphic-git`,
    );
  };
  const caBundle = join(gitdir, 'fedsync-ca.pem');

  const marker = join(gitdir, 'fedsync-fetched');
  /** Prepares the cache; true when nothing was fetched yet (a half-done first fetch starts over). */
  const ensureInit = async (): Promise<boolean> => {
    if (await exists(marker)) return false;
    await rm(gitdir, { recursive: true, force: true });
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true, defaultBranch: 'fedsync-head' });
    await git.addRemote({ fs, gitdir, remote: 'origin', url });
    return true;
  };

  /** One fetch with isomorphic-git: the fetched object and how FETCH_HEAD describes it. */
  const fetchWithLibrary = async (
    ref: string,
    fresh: boolean,
    headers: Record<string, string>,
  ): Promise<{ fetchHead: string | null; description: string }> => {
    const result = await withDeadline(`fetching ${where}`, () =>
      git.fetch({
        fs,
        http,
        gitdir,
        url,
        remote: 'origin',
        ref,
        singleBranch: true,
        tags: false,
        headers,
        cache,
        ...(fresh ? { depth: 1 } : {}),
      }),
    ).catch((err: unknown) => {
      throw takeLimitError() ?? err;
    });
    const limitError = takeLimitError();
    if (limitError) throw limitError;
    return { fetchHead: result.fetchHead, description: result.fetchHeadDescription ?? '' };
  };

  /** One fetch with the git binary, under the same limits. */
  const fetchWithBinary = async (
    ref: string,
    fresh: boolean,
    headers: Record<string, string>,
  ): Promise<{ fetchHead: string | null; description: string }> => {
    if (ca) await writeFile(caBundle, ca.join('\n'));
    return await gitFetch({
      spawn,
      env,
      gitdir,
      url,
      where,
      ref,
      shallow: fresh,
      headers,
      ...(ca ? { caFile: caBundle } : {}),
      maxPackBytes: limits.maxPackBytes,
      timeouts,
    }).catch(async (err: unknown) => {
      // git reads a web page as a "dumb" server with no refs; ask once what the URL really serves.
      if (err instanceof SourceError && err.code === SourceErrorCode.refNotFound) {
        throw (await notGitServer(headers)) ?? err;
      }
      throw err;
    });
  };

  /** The HTML-page error when the URL serves a web page instead of a Git server. */
  const notGitServer = async (headers: Record<string, string>): Promise<SourceError | undefined> => {
    const infoRefs = `${url.replace(/\/$/, '')}/info/refs?service=git-upload-pack`;
    try {
      const res = await withDeadline(`fetching ${where}`, () =>
        http.request({ url: infoRefs, method: 'GET', headers }),
      );
      for await (const chunk of res.body ?? []) void chunk;
      return undefined;
    } catch (err) {
      takeLimitError();
      return err instanceof SourceError && err.code === SourceErrorCode.notARepository ? err : undefined;
    }
  };

  /** Fetches one ref; returns the fetched commit. The first fetch is shallow, later ones are not. */
  const fetchRef = async (ref: string, fresh: boolean): Promise<string> => {
    const headers = await authHeader(auth, env);
    stats.fetches++;
    const binary = await useGitBinary(fresh);
    stats.fetchedWith = binary ? 'git' : 'isomorphic-git';
    const result = await (binary ? fetchWithBinary : fetchWithLibrary)(ref, fresh, headers);
    if (!result.fetchHead)
      throw new SourceError(SourceErrorCode.refNotFound, `the repository at ${where} is empty`);
    // Keep a local ref on the tip so the next fetch tells the server what we already have.
    const local =
      ref === 'HEAD'
        ? 'refs/heads/fedsync-head'
        : ref.startsWith('refs/')
          ? ref
          : `${result.description.startsWith('tag') ? 'refs/tags/' : 'refs/heads/'}${ref}`;
    await git.writeRef({ fs, gitdir, ref: local, value: result.fetchHead, force: true });
    if (fresh) await writeFile(marker, '');
    return result.fetchHead;
  };

  return {
    stats,
    description: where,
    async latestRevision(ref) {
      if (ref !== undefined) checkRef(ref);
      try {
        // Looking for git (once per process) overlaps preparing the cache.
        const [fresh] = await Promise.all([ensureInit(), useGitBinary(true).catch(() => false)]);
        let oid: string;
        if (ref && SHA.test(ref)) {
          // A pinned commit: use it when already here, else fetch the default branch and look again.
          if (!(await hasCommit(gitdir, ref, cache))) await fetchRef('HEAD', fresh);
          if (!(await hasCommit(gitdir, ref, cache))) {
            throw new SourceError(
              SourceErrorCode.refNotFound,
              `commit ${ref} is not in the fetched history of ${where}; name a branch or tag instead`,
            );
          }
          oid = ref;
        } else if (ref && /^[0-9a-f]{7,39}$/.test(ref) && !fresh) {
          // An abbreviated SHA: only what was fetched before can be expanded.
          oid = await git.expandOid({ fs, gitdir, oid: ref, cache }).catch(() => fetchRef(ref, fresh));
        } else {
          oid = await fetchRef(ref ?? 'HEAD', fresh);
        }
        return await describe(gitdir, oid, ref);
      } catch (err) {
        throw classify(err, where, ref);
      }
    },
    readFiles: (revision): Promise<RevisionFiles> => readRevisionFiles(r, revision.sha),
  };
}
