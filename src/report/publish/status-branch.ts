// The status-branch writer on isomorphic-git. One publish: read the branch tip, render on top of
// what it holds, commit only when the tree differs, and move the branch by compare-and-swap: a push
// to the same remote (with the source's credentials) for URL repositories, a locked ref update for
// local ones. When another writer moved the branch in between, read again, render again, retry a
// bounded number of times. Failures come back as values, so reconciliation never waits on them.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import { authHeader } from '../../source/auth.js';
import type { GitAuth } from '../../source/auth.js';
import { createHttpClient } from '../../source/http-client.js';
import { displayUrl, parseRepoLocation } from '../../source/location.js';
import { defaultFetchTimeouts } from '../../source/port.js';
import { readFileTree, writeFileTree } from './git-tree.js';
import { compareAndSwapRef, readRef } from './local-ref.js';
import { TRAILER_SEQUENCE, readTrailer, statusCommitMessage } from './status-commit-message.js';
import {
  StatusBranchError,
  StatusBranchErrorCode,
  classifyPublishError,
  serverText,
} from './status-branch-errors.js';
import type { Clock } from '../../model/index.js';
import { systemClock } from '../../clock.js';

export const DEFAULT_STATUS_BRANCH = 'fedsync/status';
const ZERO = '0000000000000000000000000000000000000000';

export type StatusBranchOptions = {
  /** The federation repository: http(s) URL or local path (the same value as the source). */
  repo: string;
  /** Default `fedsync/status`. */
  branch?: string;
  /** Credentials for pushing; default the FEDSYNC_GIT_TOKEN environment variable when set (as the source). */
  auth?: GitAuth;
  caFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the remote status branch is kept locally; default `.fedsync/cache/status`. */
  cacheDir?: string;
  author?: { name: string; email: string };
  /** Attempts when another writer moves the branch meanwhile; default 4. */
  maxAttempts?: number;
  /**
   * When the branch reaches this many commits, the next change starts it over as one root commit
   * (a forced, still compare-and-swap, update; the branch must allow it). Off by default.
   */
  squashAfter?: number;
  timeoutMs?: number;
  /** Commit time; default the system clock. */
  clock?: Clock;
};

/** What the branch holds now, handed to the render callback. */
export type PreviousStatus = { commit?: string; files: ReadonlyMap<string, string> };

export type StatusContent = {
  files: Record<string, string>;
  /** The source commit the files describe; goes into the subject and the Fedsync-Source trailer. */
  sourceSha: string;
  /** Short summary for the subject, e.g. "Drifted, 2 of 3 targets synced". */
  summary: string;
  /** More trailers, e.g. `{ 'Fedsync-Federation': 'shop' }`. */
  trailers?: Record<string, string>;
};

export type RenderStatus = (previous: PreviousStatus) => StatusContent | Promise<StatusContent>;

export type PublishResult =
  | { outcome: 'unchanged'; commit: string; attempts: number }
  | { outcome: 'committed'; commit: string; parent?: string; squashed: boolean; attempts: number }
  | { outcome: 'failed'; error: StatusBranchError; attempts: number };

export type StatusBranchWriter = {
  readonly branch: string;
  /** Repository as shown in messages (URL without credentials, or path). */
  readonly description: string;
  publish(render: RenderStatus): Promise<PublishResult>;
};

const DEFAULT_TOKEN_ENV = 'FEDSYNC_GIT_TOKEN';
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*\.lock$)(?!.*\/$)[A-Za-z0-9._/-]+$/;

/** The branch tip plus what the callback needs; the shared part of local and remote writers. */
type Tip = { commit?: string; tree?: string; sequence: number };

type Backend = {
  gitdir: string;
  /** Reads the current tip (fetching it when remote). */
  readTip(): Promise<string | undefined>;
  /** Moves the branch from `expected` to `next`; false when it had moved on. */
  update(expected: string | undefined, next: string, force: boolean): Promise<boolean>;
};

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function describeTip(gitdir: string, commit: string | undefined, cache: object): Promise<Tip> {
  if (!commit) return { sequence: 0 };
  const { commit: c } = await git.readCommit({ fs, gitdir, oid: commit, cache });
  const seq = Number(readTrailer(c.message, TRAILER_SEQUENCE));
  return { commit, tree: c.tree, sequence: Number.isInteger(seq) && seq > 0 ? seq : 1 };
}

async function localBackend(path: string, ref: string): Promise<Backend> {
  if ((await stat(join(path, '.git')).catch(() => undefined))?.isFile())
    throw new StatusBranchError(
      StatusBranchErrorCode.invalidRepository,
      `${path} is a linked worktree or submodule; pass the main repository to write the status branch`,
    );
  const gitdir = (await exists(join(path, '.git')))
    ? join(path, '.git')
    : (await exists(join(path, 'objects'))) && (await exists(join(path, 'HEAD')))
      ? path
      : undefined;
  if (!gitdir)
    throw new StatusBranchError(StatusBranchErrorCode.invalidRepository, `${path} is not a Git repository`);
  return {
    gitdir,
    readTip: () => readRef(gitdir, ref),
    update: (expected, next) => compareAndSwapRef(gitdir, ref, expected, next),
  };
}

async function remoteBackend(
  url: string,
  ref: string,
  options: StatusBranchOptions,
  cache: object,
  messages: string[],
): Promise<Backend> {
  const env = options.env ?? process.env;
  const auth = options.auth ?? (env[DEFAULT_TOKEN_ENV] ? { tokenEnv: DEFAULT_TOKEN_ENV } : undefined);
  const gitdir = join(
    options.cacheDir ?? '.fedsync/cache/status',
    createHash('sha256').update(url).digest('hex').slice(0, 16),
  );
  let ca: string | undefined;
  if (options.caFile) {
    try {
      ca = [...rootCertificates, await readFile(options.caFile, 'utf8')].join('\n');
    } catch {
      throw new StatusBranchError(
        StatusBranchErrorCode.invalidRepository,
        `cannot read the CA bundle ${options.caFile}`,
      );
    }
  }
  const { client } = createHttpClient({
    maxResponseBytes: 64 * 1024 * 1024,
    timeouts: { ...defaultFetchTimeouts, idleMs: options.timeoutMs ?? 60_000 },
    ...(ca ? { ca } : {}),
  });
  const http: HttpClient = client;
  if (!(await exists(join(gitdir, 'HEAD')))) {
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true, defaultBranch: 'fedsync-status' });
    await git.addRemote({ fs, gitdir, remote: 'origin', url, force: true });
  }
  const tracking = `refs/remotes/origin/${ref.replace(/^refs\/heads\//, '')}`;
  return {
    gitdir,
    async readTip() {
      const headers = await authHeader(auth, env);
      const refs = await git.listServerRefs({ http, url, headers, prefix: ref, protocolVersion: 1 });
      const tip = refs.find((r) => r.ref === ref)?.oid;
      if (!tip) return undefined;
      const have = await git.readCommit({ fs, gitdir, oid: tip, cache }).then(
        () => true,
        () => false,
      );
      if (!have) {
        const known = await readRef(gitdir, tracking);
        await git.fetch({
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
          // First fetch shallow; later ones fetch only what is new (an absolute depth would not).
          ...(known ? {} : { depth: 1 }),
        });
      }
      return tip;
    },
    async update(expected, next, force) {
      const headers = await authHeader(auth, env);
      await git.writeRef({ fs, gitdir, ref, value: next, force: true });
      try {
        await git.push({
          fs,
          http,
          gitdir,
          url,
          remote: 'origin',
          ref,
          remoteRef: ref,
          force,
          headers,
          cache,
          onMessage: (line) => {
            messages.push(line);
          },
          // Compare-and-swap: only push over the tip this commit was built on.
          onPrePush: ({ remoteRef }) => remoteRef.oid === (expected ?? ZERO),
        });
        return true;
      } catch (err) {
        const e = err as { code?: string; data?: { result?: { refs?: Record<string, { error?: string }> } } };
        if (e.code === 'PushRejectedError' || e.code === 'UserCanceledError') return false;
        if (e.code === 'GitPushError') {
          const reason = e.data?.result?.refs?.[ref]?.error ?? '';
          // The server saw a different old value: someone pushed between our read and our write.
          if (/non-fast-forward|fetch first|stale info|failed to lock|cannot lock/i.test(reason))
            return false;
          const said = serverText(messages);
          throw new StatusBranchError(
            StatusBranchErrorCode.rejected,
            `${displayUrl(url)} rejected the update of ${ref.replace(/^refs\/heads\//, '')}` +
              `${reason ? ` (${serverText([reason])})` : ''}${said ? `: ${said}` : ''}; ` +
              'allow fedsync to push this branch (branch protection, hooks) or turn the status branch off',
          );
        }
        throw err;
      }
    },
  };
}

export function openStatusBranch(options: StatusBranchOptions): StatusBranchWriter {
  const branch = options.branch ?? DEFAULT_STATUS_BRANCH;
  if (!BRANCH.test(branch)) throw new Error(`invalid status branch name ${JSON.stringify(branch)}`);
  const ref = `refs/heads/${branch}`;
  const location = parseRepoLocation(options.repo);
  const where = location.kind === 'remote' ? displayUrl(location.url) : location.path;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const author = options.author ?? { name: 'fedsync', email: 'fedsync@localhost' };
  const clock = options.clock ?? systemClock;
  const now = (): Date => clock.now();
  const cache = {};
  let backend: Promise<Backend> | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const once = async (render: RenderStatus): Promise<PublishResult> => {
    const messages: string[] = [];
    let attempts = 0;
    try {
      backend ??=
        location.kind === 'remote'
          ? remoteBackend(location.url, ref, options, cache, messages)
          : localBackend(location.path, ref);
      const b = await backend.catch((err: unknown) => {
        backend = undefined;
        throw err;
      });
      while (attempts < maxAttempts) {
        attempts++;
        messages.length = 0;
        const tip = await describeTip(b.gitdir, await b.readTip(), cache);
        const previous: PreviousStatus = {
          files: tip.commit ? await readFileTree(b.gitdir, tip.commit, cache) : new Map(),
          ...(tip.commit ? { commit: tip.commit } : {}),
        };
        let content: StatusContent;
        try {
          content = await render(previous);
        } catch (err) {
          throw new StatusBranchError(
            StatusBranchErrorCode.render,
            `rendering ${branch} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        const tree = await writeFileTree(b.gitdir, content.files);
        if (tip.commit && tree === tip.tree) return { outcome: 'unchanged', commit: tip.commit, attempts };
        const squash =
          tip.commit !== undefined &&
          options.squashAfter !== undefined &&
          tip.sequence >= options.squashAfter;
        const when = now();
        const signature = { ...author, timestamp: Math.floor(when.getTime() / 1000), timezoneOffset: 0 };
        const commit = await git.writeCommit({
          fs,
          gitdir: b.gitdir,
          commit: {
            message: statusCommitMessage({
              sourceSha: content.sourceSha,
              summary: content.summary,
              trailers: content.trailers ?? {},
              sequence: squash || !tip.commit ? 1 : tip.sequence + 1,
            }),
            tree,
            parent: squash || !tip.commit ? [] : [tip.commit],
            author: signature,
            committer: signature,
          },
        });
        if (await b.update(tip.commit, commit, squash)) {
          return {
            outcome: 'committed',
            commit,
            ...(tip.commit && !squash ? { parent: tip.commit } : {}),
            squashed: squash,
            attempts,
          };
        }
      }
      throw new StatusBranchError(
        StatusBranchErrorCode.conflict,
        `${branch} on ${where} kept moving under another writer; gave up after ${maxAttempts} attempts (only one fedsync should write it)`,
        { transient: true },
      );
    } catch (err) {
      return { outcome: 'failed', error: classifyPublishError(err, where, branch), attempts };
    }
  };

  return {
    branch,
    description: where,
    // One publish at a time per writer: the branch has one writer, and a second call would only race it.
    publish(render) {
      const next = running.then(() => once(render));
      running = next.catch(() => undefined);
      return next;
    },
  };
}
