// Commit statuses on GitHub, GitHub Enterprise and Gitea through @octokit/rest. Gitea serves the
// same statuses API (POST /repos/{owner}/{repo}/statuses/{sha}, GET /repos/{owner}/{repo}/commits/
// {ref}/statuses) under /api/v1 and takes the same `token` authorization, so one adapter serves both.
import type { Octokit } from '@octokit/rest';
import type { CommitState } from '../../format/commit-statuses.js';
import { forgeBases, readForgeToken } from './config.js';
import type { ForgeConfig } from './config.js';
import { ForgeError, ForgeErrorCode } from './port.js';
import type { CommitStatusProvider, PostedStatus, RateLimit } from './port.js';
import { DEFAULT_BACKOFF_MS, isRateLimited, readRateLimit } from './rate-limit.js';
import type { Clock } from '../../../model/index.js';
import { systemClock } from '../../../clock.js';

export type ProviderOptions = { env?: NodeJS.ProcessEnv; clock?: Clock; timeoutMs?: number };

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

type OctokitFailure = {
  status?: number;
  message?: string;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
};

function toForgeError(err: unknown, where: string, now: number): ForgeError {
  const e = err as OctokitFailure;
  if (!e.response) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return new ForgeError(ForgeErrorCode.unreachable, `cannot reach ${where}${cause ? ` (${cause})` : ''}`);
  }
  const status = e.response ? (e.status ?? 0) : 0;
  const body = JSON.stringify(e.response.data ?? '');
  const limit = readRateLimit(e.response.headers, now, status);
  if (isRateLimited(status, limit, body)) {
    const rateLimit: RateLimit = { ...limit };
    if (rateLimit.retryAt === undefined && !(rateLimit.remaining === 0 && rateLimit.resetAt))
      rateLimit.retryAt = now + DEFAULT_BACKOFF_MS;
    return new ForgeError(ForgeErrorCode.rateLimited, `${where} rate-limited fedsync (HTTP ${status})`, {
      status,
      rateLimit,
    });
  }
  if (status === 401 || status === 403 || status === 404)
    return new ForgeError(
      ForgeErrorCode.auth,
      `${where} refused the commit status (HTTP ${status}); check the repository name and that the token may write statuses`,
      { status },
    );
  if (status >= 500)
    return new ForgeError(ForgeErrorCode.server, `${where} failed (HTTP ${status})`, { status });
  const detail = (e.response.data as { message?: string } | undefined)?.message;
  return new ForgeError(
    ForgeErrorCode.rejected,
    `${where} rejected the commit status (HTTP ${status}${detail ? `: ${String(detail).slice(0, 200)}` : ''})`,
    { status },
  );
}

export async function createGitHubProvider(
  config: ForgeConfig,
  options: ProviderOptions = {},
): Promise<CommitStatusProvider> {
  const [owner = '', repo = ''] = config.repository.split('/');
  const { api, web } = forgeBases(config);
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now().getTime();
  const token = await readForgeToken(config, options.env ?? process.env);
  // Loaded here, not at import time: only a configured forge pays for the client.
  const { Octokit: Client } = await import('@octokit/rest');
  const octokit: Octokit = new Client({
    auth: token,
    baseUrl: api,
    userAgent: 'fedsync',
    log: quiet,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const where = `${config.forge === 'gitea' ? 'Gitea' : 'GitHub'} at ${api}`;
  const call = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw toForgeError(err, where, now());
    }
  };
  return {
    forge: config.forge,
    forgeState: (state: CommitState) => state,
    async list(sha) {
      const res = await call(() =>
        octokit.rest.repos.listCommitStatusesForRef({
          owner,
          repo,
          ref: sha,
          per_page: 100,
          request: { signal: AbortSignal.timeout(timeoutMs) },
        }),
      );
      // Newest first: keep the first status seen per context (contexts are case-insensitive on GitHub).
      const seen = new Map<string, PostedStatus>();
      const str = (v: unknown): string => (typeof v === 'string' ? v : '');
      for (const s of res.data as Record<string, unknown>[]) {
        const context = str(s.context) || 'default';
        const key = context.toLowerCase();
        if (seen.has(key)) continue;
        const p: PostedStatus = {
          context,
          // Gitea names the field `status`.
          state: str(s.state) || str(s.status),
          description: str(s.description),
        };
        if (typeof s.target_url === 'string' && s.target_url) p.targetUrl = s.target_url;
        seen.set(key, p);
      }
      const rateLimit = readRateLimit(res.headers, now());
      return { statuses: [...seen.values()], ...(rateLimit ? { rateLimit } : {}) };
    },
    async post(sha, status) {
      const res = await call(() =>
        octokit.rest.repos.createCommitStatus({
          owner,
          repo,
          sha,
          state: status.state,
          context: status.context,
          description: status.description,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
          request: { signal: AbortSignal.timeout(timeoutMs) },
        }),
      );
      const rateLimit = readRateLimit(res.headers, now());
      return rateLimit ? { rateLimit } : {};
    },
    fileUrl(commit, path) {
      if (!web) return undefined;
      const p = path.split('/').map(encodeURIComponent).join('/');
      return config.forge === 'gitea'
        ? `${web}/${owner}/${repo}/src/commit/${commit}/${p}`
        : `${web}/${owner}/${repo}/blob/${commit}/${p}`;
    },
  };
}
