// A real Git smart-HTTP server for tests: a Node http server in front of `git http-backend` (CGI),
// serving bare repositories under `root` at http://127.0.0.1:<port>/<name>.git, with optional basic
// or bearer auth. Works for isomorphic-git and the git CLI (protocol v2, gzip bodies), clone/fetch/push.
import http from 'node:http';
import https from 'node:https';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export type GitServerAuth = { basic?: { username: string; password: string }; bearer?: string };

export type GitServer = {
  url: string;
  /** Requests seen, as `METHOD path`, for assertions. */
  requests: string[];
  /** Response bytes sent for upload-pack POSTs (pack transfer), summed. */
  packBytes: () => number;
  stop: () => Promise<void>;
};

const BACKEND_CANDIDATES = ['/usr/lib/git-core/git-http-backend', '/usr/libexec/git-core/git-http-backend'];

export function gitHttpBackendPath(): string | undefined {
  return BACKEND_CANDIDATES.find((p) => existsSync(p));
}

function authorized(header: string | undefined, auth: GitServerAuth | undefined): boolean {
  if (!auth) return true;
  if (!header) return false;
  if (auth.bearer && header === `Bearer ${auth.bearer}`) return true;
  if (auth.basic) {
    const expected = Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64');
    if (header === `Basic ${expected}`) return true;
  }
  return false;
}

export async function startGitServer(
  root: string,
  options: { auth?: GitServerAuth; tls?: { key: string; cert: string } } = {},
): Promise<GitServer> {
  const backend = gitHttpBackendPath();
  if (!backend) throw new Error('git http-backend not found');
  const requests: string[] = [];
  let packBytes = 0;
  const handler: http.RequestListener = (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method ?? 'GET'} ${u.pathname}`);
    if (!authorized(req.headers.authorization, options.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end();
      req.resume();
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      REQUEST_METHOD: req.method,
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'gitops',
      REMOTE_ADDR: '127.0.0.1',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const child = spawn(backend, [], { env });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    const isPack = req.method === 'POST' && u.pathname.endsWith('/git-upload-pack');
    let buf = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        if (isPack) packBytes += chunk.length;
        res.write(chunk);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      let i = buf.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (i < 0) {
        i = buf.indexOf('\n\n');
        sepLen = 2;
      }
      if (i < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of buf.subarray(0, i).toString('latin1').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c < 0) continue;
        const k = line.slice(0, c).trim();
        const v = line.slice(c + 1).trim();
        if (k.toLowerCase() === 'status') status = parseInt(v, 10);
        else res.setHeader(k, v);
      }
      res.writeHead(status);
      const rest = buf.subarray(i + sepLen);
      if (isPack) packBytes += rest.length;
      if (rest.length) res.write(rest);
    });
    child.on('close', () => {
      if (!headersDone) res.writeHead(500);
      res.end();
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    packBytes: () => packBytes,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
