// Commit statuses on GitLab: its own API, POST /projects/:id/statuses/:sha with `name` as the context
// and states pending | running | success | failed | canceled; the newest status per name is listed
// by GET /projects/:id/repository/commits/:sha/statuses. Plain fetch: two endpoints need no client.
import type { CommitState } from '../../format/commit-statuses.js';
import { forgeBases, readForgeToken } from './config.js';
import type { ForgeConfig } from './config.js';
import type { ProviderOptions } from './github.js';
import { ForgeError, ForgeErrorCode } from './port.js';
import type { CommitStatusProvider, PostedStatus } from './port.js';
import { DEFAULT_BACKOFF_MS, isRateLimited, readRateLimit } from './rate-limit.js';
import { systemClock } from '../../../clock.js';

const STATE: Record<CommitState, string> = {
  // fedsync is at work on the commit: GitLab's `running` (its `pending` means "waiting to start").
  pending: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
};

/** GitLab pages lists; three pages of 100 cover far more contexts than fedsync posts. */
const MAX_PAGES = 3;

export async function createGitLabProvider(
  config: ForgeConfig,
  options: ProviderOptions = {},
): Promise<CommitStatusProvider> {
  const { api, web } = forgeBases(config);
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now().getTime();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const token = await readForgeToken(config, options.env ?? process.env);
  const project = encodeURIComponent(config.repository);
  const where = `GitLab at ${api}`;

  const request = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(`${api}${path}`, {
        method,
        headers: {
          'PRIVATE-TOKEN': token,
          accept: 'application/json',
          'user-agent': 'fedsync',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new ForgeError(ForgeErrorCode.unreachable, `cannot reach ${where}${cause ? ` (${cause})` : ''}`);
    }
    const text = await res.text();
    const rateLimit = readRateLimit(res.headers, now(), res.status);
    if (res.ok) return { res, text, rateLimit };
    if (isRateLimited(res.status, rateLimit, text)) {
      const limit = { ...rateLimit };
      if (limit.retryAt === undefined && !(limit.remaining === 0 && limit.resetAt))
        limit.retryAt = now() + DEFAULT_BACKOFF_MS;
      throw new ForgeError(ForgeErrorCode.rateLimited, `${where} rate-limited fedsync (HTTP ${res.status})`, {
        status: res.status,
        rateLimit: limit,
      });
    }
    if (res.status === 401 || res.status === 403 || res.status === 404)
      throw new ForgeError(
        ForgeErrorCode.auth,
        `${where} refused the commit status (HTTP ${res.status}); check the project path and that the token has the api scope`,
        { status: res.status },
      );
    if (res.status >= 500)
      throw new ForgeError(ForgeErrorCode.server, `${where} failed (HTTP ${res.status})`, {
        status: res.status,
      });
    let detail = '';
    try {
      const m = (JSON.parse(text) as { message?: unknown }).message;
      detail = typeof m === 'string' ? m : JSON.stringify(m);
    } catch {
      // not JSON: no detail to quote
    }
    throw new ForgeError(
      ForgeErrorCode.rejected,
      `${where} rejected the commit status (HTTP ${res.status}${detail ? `: ${detail.slice(0, 200)}` : ''})`,
      { status: res.status },
    );
  };

  return {
    forge: 'gitlab',
    forgeState: (state) => STATE[state],
    async list(sha) {
      const seen = new Map<string, PostedStatus>();
      let rateLimit;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const r = await request(
          'GET',
          `/projects/${project}/repository/commits/${sha}/statuses?per_page=100&page=${page}`,
        );
        rateLimit = r.rateLimit;
        const items = JSON.parse(r.text) as {
          name?: string;
          status?: string;
          description?: string | null;
          target_url?: string | null;
        }[];
        for (const s of items) {
          const context = s.name ?? 'default';
          if (seen.has(context)) continue;
          const p: PostedStatus = { context, state: s.status ?? '', description: s.description ?? '' };
          if (s.target_url) p.targetUrl = s.target_url;
          seen.set(context, p);
        }
        if (!r.res.headers.get('x-next-page')) break;
      }
      return { statuses: [...seen.values()], ...(rateLimit ? { rateLimit } : {}) };
    },
    async post(sha, status) {
      const r = await request('POST', `/projects/${project}/statuses/${sha}`, {
        state: STATE[status.state],
        name: status.context,
        description: status.description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      });
      return r.rateLimit ? { rateLimit: r.rateLimit } : {};
    },
    fileUrl(commit, path) {
      // A numeric project id has no web path to link with.
      if (!web || /^\d+$/.test(config.repository)) return undefined;
      const p = path.split('/').map(encodeURIComponent).join('/');
      return `${web}/${config.repository}/-/blob/${commit}/${p}`;
    },
  };
}
