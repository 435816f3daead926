// Local HTTP servers that hold each forge to its documented commit-status contract: the path, the
// auth header, the JSON fields and their allowed values, the description limit. A request that
// breaks the contract gets the forge's error status and is recorded in `violations`, so a test can
// assert there were none. Statuses are stored, newest first, and served back by the list endpoints.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Recorded = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown };
export type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
export type Stored = { context: string; state: string; description: string; target_url?: string };

export type ForgeServer = {
  url: string;
  requests: Recorded[];
  violations: string[];
  /** sha → statuses, newest first. */
  statuses: Map<string, Stored[]>;
  /** Answer the next requests with these instead of the contract (rate limits, outages). */
  override: ((req: Recorded) => Reply | undefined) | undefined;
  /** Headers added to every contract answer (e.g. rate-limit counters). */
  extraHeaders: Record<string, string>;
  posts: () => number;
  stop: () => Promise<void>;
};

type Contract = (req: Recorded, server: ForgeServer) => Reply;

async function start(contract: Contract): Promise<ForgeServer> {
  const server: ForgeServer = {
    url: '',
    requests: [],
    violations: [],
    statuses: new Map(),
    override: undefined,
    extraHeaders: {},
    posts: () => server.requests.filter((r) => r.method === 'POST').length,
    stop: async () => {
      http_.closeAllConnections();
      await new Promise<void>((resolve) => http_.close(() => resolve()));
    },
  };
  const http_ = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const rec: Recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
      server.requests.push(rec);
      const reply = server.override?.(rec) ?? contract(rec, server);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        ...server.extraHeaders,
        ...(reply.headers ?? {}),
      });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http_.address() as AddressInfo).port}`;
  return server;
}

const SHA = /^[0-9a-f]{40}$/;

function violation(server: ForgeServer, status: number, message: string): Reply {
  server.violations.push(message);
  return { status, body: { message } };
}

function store(server: ForgeServer, sha: string, s: Stored): void {
  server.statuses.set(sha, [s, ...(server.statuses.get(sha) ?? [])]);
}

function isUrl(v: unknown): boolean {
  try {
    return typeof v === 'string' && /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
}

/**
 * GitHub REST "Create a commit status" and "List commit statuses for a reference"
 * (docs.github.com/en/rest/commits/statuses): POST /repos/{owner}/{repo}/statuses/{sha} with
 * `state` (error | failure | pending | success, required), `target_url`, `description`, `context`;
 * GET /repos/{owner}/{repo}/commits/{ref}/statuses, newest first. Authorization is `token <t>` or
 * `Bearer <t>`. GitHub answers 422 for a description over 140 characters. Gitea's API
 * (CreateStatusOption in its swagger: context, description, state, target_url; states pending,
 * success, error, failure, warning) has the same paths under /api/v1 and returns `status`.
 */
export function startGitHubServer(options: {
  token: string;
  owner: string;
  repo: string;
  prefix?: string;
  flavour?: 'github' | 'gitea';
}): Promise<ForgeServer> {
  const gitea = options.flavour === 'gitea';
  const states = gitea
    ? ['pending', 'success', 'error', 'failure', 'warning']
    : ['error', 'failure', 'pending', 'success'];
  const base = `${options.prefix ?? ''}/repos/${options.owner}/${options.repo}`;
  return start((req, server) => {
    const auth = req.headers.authorization;
    if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`)
      return { status: 401, body: { message: 'Bad credentials' } };
    if (!gitea && !String(req.headers.accept ?? '').startsWith('application/vnd.github'))
      return violation(server, 415, `accept header ${String(req.headers.accept)}`);
    const post = new RegExp(`^${base}/statuses/([^/?]+)$`).exec(req.path);
    const list = new RegExp(`^${base}/commits/([^/?]+)/statuses(\\?.*)?$`).exec(req.path);
    if (req.method === 'POST' && post) {
      const sha = post[1] ?? '';
      if (!SHA.test(sha)) return violation(server, 422, `not a commit SHA: ${sha}`);
      const b = req.body as Record<string, unknown>;
      if (typeof b !== 'object' || b === null) return violation(server, 400, 'body is not JSON');
      const extra = Object.keys(b).filter(
        (k) => !['state', 'target_url', 'description', 'context'].includes(k),
      );
      if (extra.length > 0) return violation(server, 422, `unknown fields ${extra.join(', ')}`);
      if (typeof b.state !== 'string' || !states.includes(b.state))
        return violation(server, 422, `state ${JSON.stringify(b.state)} not allowed`);
      if (b.description !== undefined && typeof b.description !== 'string')
        return violation(server, 422, 'description is not a string');
      if (typeof b.description === 'string' && [...b.description].length > 140)
        return violation(server, 422, 'description is too long (maximum is 140 characters)');
      if (typeof b.context !== 'string' || b.context === '') return violation(server, 422, 'context missing');
      if (b.target_url !== undefined && !isUrl(b.target_url))
        return violation(server, 422, 'target_url is not a URL');
      const s: Stored = {
        context: b.context,
        state: b.state,
        description: typeof b.description === 'string' ? b.description : '',
      };
      if (typeof b.target_url === 'string') s.target_url = b.target_url;
      store(server, sha, s);
      return { status: 201, body: gitea ? { ...s, status: s.state, state: undefined } : s };
    }
    if (req.method === 'GET' && list) {
      const items = server.statuses.get(list[1] ?? '') ?? [];
      return {
        status: 200,
        body: items.map((s) =>
          gitea
            ? { context: s.context, status: s.state, description: s.description, target_url: s.target_url }
            : s,
        ),
      };
    }
    return violation(server, 404, `no such endpoint: ${req.method} ${req.path}`);
  });
}

/**
 * GitLab "Set the pipeline status of a commit" and "List the statuses of a commit"
 * (docs.gitlab.com/api/commits): POST /api/v4/projects/:id/statuses/:sha, `:id` the numeric id or
 * the URL-encoded path, `state` one of pending | running | success | failed | canceled, `name` the
 * label, `target_url`, `description`; GET /api/v4/projects/:id/repository/commits/:sha/statuses.
 * Auth header PRIVATE-TOKEN. GitLab refuses to move a status to the state it already has ("Cannot
 * transition status via :run from :running"), so posting the same state twice is an error here.
 */
export function startGitLabServer(options: { token: string; project: string }): Promise<ForgeServer> {
  const id = encodeURIComponent(options.project).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  const base = `/api/v4/projects/${id}`;
  const states = ['pending', 'running', 'success', 'failed', 'canceled'];
  return start((req, server) => {
    if (req.headers['private-token'] !== options.token)
      return { status: 401, body: { message: '401 Unauthorized' } };
    const post = new RegExp(`^${base}/statuses/([^/?]+)$`).exec(req.path);
    const list = new RegExp(`^${base}/repository/commits/([^/?]+)/statuses(\\?.*)?$`).exec(req.path);
    if (req.method === 'POST' && post) {
      const sha = post[1] ?? '';
      if (!SHA.test(sha)) return violation(server, 400, `not a commit SHA: ${sha}`);
      if (!String(req.headers['content-type']).startsWith('application/json'))
        return violation(server, 415, 'body must be JSON');
      const b = req.body as Record<string, unknown>;
      const allowed = [
        'state',
        'ref',
        'name',
        'context',
        'target_url',
        'description',
        'coverage',
        'pipeline_id',
      ];
      const extra = Object.keys(b).filter((k) => !allowed.includes(k));
      if (extra.length > 0) return violation(server, 400, `unknown fields ${extra.join(', ')}`);
      if (typeof b.state !== 'string' || !states.includes(b.state))
        return violation(server, 400, `state ${JSON.stringify(b.state)} does not have a valid value`);
      if (typeof b.name !== 'string' || b.name === '') return violation(server, 400, 'name missing');
      if (typeof b.description === 'string' && [...b.description].length > 140)
        return violation(server, 400, 'description longer than 140 characters');
      if (b.target_url !== undefined && !isUrl(b.target_url))
        return violation(server, 400, 'target_url is not a URL');
      const current = (server.statuses.get(sha) ?? []).find((s) => s.context === b.name);
      if (current?.state === b.state)
        return violation(server, 400, `Cannot transition status via :${b.state} from :${current.state}`);
      const s: Stored = {
        context: b.name,
        state: b.state,
        description: typeof b.description === 'string' ? b.description : '',
      };
      if (typeof b.target_url === 'string') s.target_url = b.target_url;
      store(server, sha, s);
      return { status: 201, body: { name: s.context, status: s.state, description: s.description } };
    }
    if (req.method === 'GET' && list) {
      const items = server.statuses.get(list[1] ?? '') ?? [];
      return {
        status: 200,
        body: items.map((s) => ({
          name: s.context,
          status: s.state,
          description: s.description,
          target_url: s.target_url ?? null,
        })),
      };
    }
    return violation(server, 404, `no such endpoint: ${req.method} ${req.path}`);
  });
}
