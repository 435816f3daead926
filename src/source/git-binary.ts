// Fetching with the `git` binary: git indexes a fetched pack in C, several times faster than any
// JavaScript indexer, so a cold fetch costs about what `git clone --depth 1` does. It writes into the
// same bare cache directory the isomorphic-git reader reads, so reading, the parse cache and the
// changed paths after a fetch do not depend on which client fetched.
//
// git runs with a clean environment: no user or system configuration, no ~/.netrc (HOME points at a
// directory that does not exist), no proxy variables, no prompts, English messages. Everything it is
// told comes through GIT_CONFIG_COUNT/KEY/VALUE — the token as an `http.extraHeader` — so a
// credential is never in argv (visible to every user in `ps`), in a URL, or in a message.
import { spawn as nodeSpawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError, SourceErrorCode } from './errors.js';
import { classifyGitFailure } from './git-stderr.js';
import type { FetchTimeouts } from './port.js';

/** How a process is started; tests pass a wrapper to see the arguments and environment. */
export type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
export const spawnProcess: Spawn = (command, args, options) => nodeSpawn(command, args, options);

/** Which client fetches: `auto` (git when a recent enough git is on the PATH), or one forced. */
export const GitFetchers = ['auto', 'git', 'isomorphic-git'] as const;
export type GitFetcher = (typeof GitFetchers)[number];
/** The environment variable that chooses the fetcher when no option does. */
export const FETCHER_ENV = 'FEDSYNC_GIT_FETCHER';

/** GIT_CONFIG_COUNT needs 2.31, GIT_CONFIG_GLOBAL 2.32. */
const MIN_VERSION = [2, 32] as const;

/** Child processes started with this get only these variables from the caller's environment. */
function baseEnv(env: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  return {
    PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
  };
}

function run(
  spawn: Spawn,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  // Its own process group, so a deadline ends git-remote-http and index-pack with it.
  const child = spawn('git', args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let errBytes = 0;
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => {
    if (errBytes > 64 * 1024) return;
    errBytes += c.length;
    err.push(c);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('error', (e) => resolve({ code: -1, stdout: '', stderr: `spawn: ${e.message}` }));
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
  return { child, done };
}

const detections = new WeakMap<Spawn, Map<string, Promise<string | undefined>>>();

/**
 * The version of the `git` on the PATH when it can fetch for fedsync, else undefined. Asked once
 * per process (per spawner and PATH), the first time a remote repository is fetched.
 */
export function detectGit(spawn: Spawn, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const byPath = detections.get(spawn) ?? new Map<string, Promise<string | undefined>>();
  detections.set(spawn, byPath);
  const key = env.PATH ?? '';
  let found = byPath.get(key);
  if (!found) {
    found = run(spawn, ['--version'], baseEnv(env, '/nonexistent')).done.then(({ code, stdout }) => {
      const m = /git version (\d+)\.(\d+)/.exec(stdout);
      if (code !== 0 || !m) return undefined;
      const [major, minor] = [Number(m[1]), Number(m[2])];
      const ok = major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]);
      return ok ? stdout.trim().replace(/^git version /, '') : undefined;
    });
    byPath.set(key, found);
  }
  return found;
}

export type GitFetchRequest = {
  spawn: Spawn;
  env: NodeJS.ProcessEnv;
  gitdir: string;
  url: string;
  /** Safe to print. */
  where: string;
  ref: string;
  /** Depth 1 on the first fetch; later fetches bring only the new objects. */
  shallow: boolean;
  /** Request headers (the Authorization header when there are credentials). */
  headers: Record<string, string>;
  /** A PEM bundle to trust instead of the system's (already holding the system roots). */
  caFile?: string;
  maxPackBytes: number;
  timeouts: FetchTimeouts;
};

export type GitFetched = { fetchHead: string; description: string };

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** The configuration git runs with, as GIT_CONFIG_* variables. */
function configEnv(req: GitFetchRequest): {
  env: NodeJS.ProcessEnv;
  lowSpeed: { bytesPerSecond: number; seconds: number };
} {
  const t = req.timeouts;
  // git has no idle timeout; with the low-speed limit off, "under 1 byte/s for the idle time" is one.
  const lowSpeed =
    t.lowSpeedBytesPerSecond > 0
      ? {
          bytesPerSecond: t.lowSpeedBytesPerSecond,
          seconds: Math.max(1, Math.round(t.lowSpeedWindowMs / 1000)),
        }
      : { bytesPerSecond: 1, seconds: Math.max(1, Math.ceil(t.idleMs / 1000)) };
  const config: [string, string][] = [
    ['http.followRedirects', 'false'],
    ['http.lowSpeedLimit', String(lowSpeed.bytesPerSecond)],
    ['http.lowSpeedTime', String(lowSpeed.seconds)],
    ['credential.helper', ''],
    ['core.askPass', ''],
    ['protocol.version', '2'],
    // Keep what arrives as a pack (as isomorphic-git does), so the pack-size cap can see it.
    ['fetch.unpackLimit', '1'],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['fetch.writeCommitGraph', 'false'],
  ];
  if (req.caFile) config.push(['http.sslCAInfo', req.caFile]);
  for (const [name, value] of Object.entries(req.headers))
    config.push(['http.extraHeader', `${name}: ${value}`]);
  const env = baseEnv(req.env, join(req.gitdir, 'fedsync-no-home'));
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return { env, lowSpeed };
}

/** Bytes of the packs being received (git writes them as objects/pack/tmp_pack_*). */
async function receivingBytes(packDir: string, before: ReadonlySet<string>): Promise<number> {
  const names = await readdir(packDir).catch(() => [] as string[]);
  let total = 0;
  for (const n of names) {
    if (before.has(n) || !(n.startsWith('tmp_pack_') || n.endsWith('.pack'))) continue;
    total += (await stat(join(packDir, n)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

/** One `git fetch` of `ref` into the bare repository at `gitdir`; the fetched object from FETCH_HEAD. */
export async function gitFetch(req: GitFetchRequest): Promise<GitFetched> {
  const { env, lowSpeed } = configEnv(req);
  const packDir = join(req.gitdir, 'objects', 'pack');
  const before = new Set(await readdir(packDir).catch(() => [] as string[]));
  const args = [
    `--git-dir=${req.gitdir}`,
    'fetch',
    '--quiet',
    '--no-tags',
    '--no-recurse-submodules',
    ...(req.shallow ? ['--depth=1'] : []),
    '--',
    req.url,
    req.ref,
  ];
  const { child, done } = run(req.spawn, args, env);
  let stopped: SourceError | undefined;
  const stop = (err: SourceError): void => {
    stopped ??= err;
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const deadline = setTimeout(
    () =>
      stop(
        new SourceError(
          SourceErrorCode.unreachable,
          `fetching ${req.where} did not finish within ${seconds(req.timeouts.totalMs)} (the total deadline for a fetch); the server is too slow or stalled`,
          { transient: true },
        ),
      ),
    req.timeouts.totalMs,
  );
  const tooLarge = (): SourceError =>
    new SourceError(
      SourceErrorCode.limit,
      `the server sent more than ${req.maxPackBytes} bytes (pack size limit); raise the limit or slim the repository`,
    );
  let checking = false;
  const watch = setInterval(() => {
    if (checking) return;
    checking = true;
    void receivingBytes(packDir, before).then((n) => {
      checking = false;
      if (n > req.maxPackBytes) stop(tooLarge());
    });
  }, 100);
  let result: Awaited<typeof done>;
  try {
    result = await done;
  } finally {
    clearTimeout(deadline);
    clearInterval(watch);
  }
  if (stopped) throw stopped;
  if (result.code !== 0) {
    throw classifyGitFailure({
      stderr: result.stderr,
      exitCode: result.code,
      where: req.where,
      ref: req.ref,
      lowSpeed,
      secrets: Object.values(req.headers).flatMap((v) => [v, v.replace(/^\S+\s+/, '')]),
    });
  }
  // A pack small enough to arrive between two looks at the directory is measured here.
  if ((await receivingBytes(packDir, before)) > req.maxPackBytes) throw tooLarge();
  const head = (await readFile(join(req.gitdir, 'FETCH_HEAD'), 'utf8')).split('\n')[0] ?? '';
  const m = /^([0-9a-f]{40})\t[^\t]*\t(.*)$/.exec(head);
  if (!m) throw new SourceError(SourceErrorCode.git, `git fetch of ${req.where} wrote no FETCH_HEAD`);
  return { fetchHead: m[1] as string, description: m[2] as string };
}
