// Posts commit statuses only when a context's state or description changes. It remembers what it
// posted per commit; the first time it meets a commit (e.g. after a restart) it reads the commit's
// statuses once. It honours rate limits by holding posts until the forge allows more (the next
// publish call sends what is still different), and it never throws: every failure is returned,
// counted and handed to `onEvent` for logging, so reconciliation is never held up.
import { description as clipDescription } from '../../format/commit-statuses.js';
import type { CommitStatus } from '../../format/commit-statuses.js';
import { ForgeError, ForgeErrorCode } from './port.js';
import type { CommitStatusProvider, RateLimit } from './port.js';
import { blockedUntil } from './rate-limit.js';
import type { Clock } from '../../../model/index.js';
import { systemClock } from '../../../clock.js';

export type StatusEvent =
  | { kind: 'posted'; sha: string; context: string; state: string }
  | { kind: 'failed'; sha: string; context?: string; error: ForgeError }
  | { kind: 'deferred'; sha: string; contexts: string[]; until: number };

export type PublishStatusesResult = {
  posted: string[];
  /** Already on the forge with the same state and description. */
  unchanged: string[];
  /** Held back by a rate limit; posted by a later call. */
  deferred: string[];
  failed: { context?: string; error: ForgeError }[];
};

export type CommitStatusPublisher = {
  /**
   * Brings the statuses of `sha` to `statuses`. `statusCommit` is the status-branch commit that
   * `file` links point into (no links without it, or without a known web URL).
   */
  publish(
    sha: string,
    statuses: readonly CommitStatus[],
    options?: { statusCommit?: string },
  ): Promise<PublishStatusesResult>;
  readonly stats: { posted: number; unchanged: number; deferred: number; failed: number; listed: number };
};

type Posted = { state: string; description: string };

export function createCommitStatusPublisher(options: {
  provider: CommitStatusProvider;
  clock?: Clock;
  onEvent?: (event: StatusEvent) => void;
  /** Commits remembered; older ones are forgotten (and read again if they come back). Default 64. */
  rememberCommits?: number;
}): CommitStatusPublisher {
  const { provider } = options;
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now().getTime();
  const emit = options.onEvent ?? (() => undefined);
  const remember = Math.max(1, options.rememberCommits ?? 64);
  const memory = new Map<string, Map<string, Posted>>();
  const stats = { posted: 0, unchanged: 0, deferred: 0, failed: 0, listed: 0 };
  let limit: RateLimit | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const note = (l: RateLimit | undefined) => {
    if (l) limit = l;
  };

  const known = async (sha: string): Promise<Map<string, Posted> | ForgeError> => {
    const have = memory.get(sha);
    if (have) {
      memory.delete(sha);
      memory.set(sha, have);
      return have;
    }
    try {
      const { statuses, rateLimit } = await provider.list(sha);
      note(rateLimit);
      stats.listed++;
      const map = new Map(
        statuses.map((s) => [s.context.toLowerCase(), { state: s.state, description: s.description }]),
      );
      memory.set(sha, map);
      while (memory.size > remember) memory.delete(memory.keys().next().value as string);
      return map;
    } catch (err) {
      return err instanceof ForgeError ? err : new ForgeError(ForgeErrorCode.server, String(err));
    }
  };

  const once = async (
    sha: string,
    statuses: readonly CommitStatus[],
    statusCommit: string | undefined,
  ): Promise<PublishStatusesResult> => {
    const result: PublishStatusesResult = { posted: [], unchanged: [], deferred: [], failed: [] };
    const fail = (error: ForgeError, context?: string) => {
      result.failed.push(context ? { context, error } : { error });
      stats.failed++;
      emit(context ? { kind: 'failed', sha, context, error } : { kind: 'failed', sha, error });
    };
    const defer = (contexts: string[], until: number) => {
      result.deferred.push(...contexts);
      stats.deferred += contexts.length;
      emit({ kind: 'deferred', sha, contexts, until });
    };
    const wanted = statuses.map((s) => ({ ...s, description: clipDescription(s.description) }));
    let until = blockedUntil(limit, now());
    if (until !== undefined) {
      defer(
        wanted.map((s) => s.context),
        until,
      );
      return result;
    }
    let posted = await known(sha);
    if (posted instanceof ForgeError) {
      if (posted.code === ForgeErrorCode.rateLimited) {
        note(posted.rateLimit);
        defer(
          wanted.map((s) => s.context),
          blockedUntil(limit, now()) ?? now(),
        );
        return result;
      }
      // Could not read what is there: post everything once and remember it from now on.
      fail(posted);
      posted = new Map();
      memory.set(sha, posted);
    }
    for (let i = 0; i < wanted.length; i++) {
      const s = wanted[i];
      if (!s) continue;
      const state = provider.forgeState(s.state);
      const key = s.context.toLowerCase();
      const before = posted.get(key);
      if (before && before.state === state && before.description === s.description) {
        result.unchanged.push(s.context);
        stats.unchanged++;
        continue;
      }
      until = blockedUntil(limit, now());
      if (until !== undefined) {
        defer(
          wanted.slice(i).map((w) => w.context),
          until,
        );
        break;
      }
      const targetUrl = statusCommit && s.file ? provider.fileUrl(statusCommit, s.file) : undefined;
      try {
        const { rateLimit } = await provider.post(sha, {
          context: s.context,
          state: s.state,
          description: s.description,
          ...(targetUrl ? { targetUrl } : {}),
        });
        note(rateLimit);
        posted.set(key, { state, description: s.description });
        result.posted.push(s.context);
        stats.posted++;
        emit({ kind: 'posted', sha, context: s.context, state });
      } catch (err) {
        const error = err instanceof ForgeError ? err : new ForgeError(ForgeErrorCode.server, String(err));
        if (error.code === ForgeErrorCode.rateLimited) {
          note(error.rateLimit);
          defer(
            wanted.slice(i).map((w) => w.context),
            blockedUntil(limit, now()) ?? now(),
          );
          break;
        }
        fail(error, s.context);
      }
    }
    return result;
  };

  return {
    stats,
    // One publish at a time: the forge asks for serial requests, and memory stays consistent.
    publish(sha, statuses, opts = {}) {
      const next = running.then(() =>
        once(sha, statuses, opts.statusCommit).catch((err: unknown) => {
          const error = new ForgeError(
            ForgeErrorCode.server,
            `publishing commit statuses failed: ${String(err)}`,
          );
          stats.failed++;
          emit({ kind: 'failed', sha, error });
          return {
            posted: [],
            unchanged: [],
            deferred: [],
            failed: [{ error }],
          } satisfies PublishStatusesResult;
        }),
      );
      running = next;
      return next;
    },
  };
}
