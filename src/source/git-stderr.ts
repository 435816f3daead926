// What a failed `git fetch` printed → the same SourceErrors (codes and wording) the isomorphic-git
// path raises. Git runs with LC_ALL=C, so its messages are the English ones matched here; anything
// unrecognised is `source.git` with git's own first error line, from which any secret is removed.
import { SourceError, SourceErrorCode } from './errors.js';

export type GitFailure = {
  stderr: string;
  exitCode: number | null;
  /** Safe-to-print repository URL. */
  where: string;
  ref: string;
  /** The low-speed limit the fetch ran with, for the message when git stopped on it. */
  lowSpeed: { bytesPerSecond: number; seconds: number };
  /** Strings that must never reach a message (the token and the header carrying it). */
  secrets: readonly string[];
};

const CONNECT: readonly (readonly [RegExp, string])[] = [
  [/Could not resolve (host|proxy)/i, 'ENOTFOUND'],
  [/Failed to connect|Couldn't connect to server|Connection refused/i, 'ECONNREFUSED'],
  [/Connection reset|Recv failure|Send failure|Empty reply from server/i, 'ECONNRESET'],
  [/No route to host/i, 'EHOSTUNREACH'],
  [/Network is unreachable/i, 'ENETUNREACH'],
  [/(Connection|Operation) timed out|Resolving timed out/i, 'ETIMEDOUT'],
];

/** The first line git marked as an error, with every secret cut out. */
function firstErrorLine(stderr: string, secrets: readonly string[]): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim());
  let line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.find((l) => l !== '') ?? '';
  for (const s of secrets) if (s) line = line.split(s).join('***');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function classifyGitFailure(f: GitFailure): SourceError {
  const { stderr, where } = f;
  if (/couldn't find remote ref/i.test(stderr)) {
    if (f.ref === 'HEAD')
      return new SourceError(SourceErrorCode.refNotFound, `the repository at ${where} is empty`);
    return new SourceError(
      SourceErrorCode.refNotFound,
      `ref "${f.ref}" not found in ${where} (deleted branch or tag?)`,
    );
  }
  const status = Number(/returned error: (\d{3})/.exec(stderr)?.[1] ?? 0);
  if (
    status === 401 ||
    status === 403 ||
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled/i.test(stderr)
  ) {
    return new SourceError(
      SourceErrorCode.auth,
      `authentication failed for ${where} (HTTP ${status || 401}); check the Git token`,
    );
  }
  if (status === 404 || /repository '[^']*' not found/i.test(stderr))
    return new SourceError(SourceErrorCode.notARepository, `no Git repository at ${where} (HTTP 404)`);
  if (status > 0) {
    return new SourceError(SourceErrorCode.unreachable, `${where} answered HTTP ${status}`, {
      transient: status >= 500 || status === 429,
    });
  }
  if (/Operation too slow/i.test(stderr)) {
    const { bytesPerSecond, seconds } = f.lowSpeed;
    return new SourceError(
      SourceErrorCode.unreachable,
      `${where} sent fewer than ${bytesPerSecond} bytes/s for ${seconds} s, under the low-speed limit of ${bytesPerSecond} bytes/s; the server is too slow or stalled`,
      { transient: true },
    );
  }
  if (/SSL certificate|certificate verif|self[- ]signed|unable to get local issuer|CAfile/i.test(stderr)) {
    return new SourceError(
      SourceErrorCode.unreachable,
      `TLS verification failed for ${where}; pass the server's CA bundle (--git-ca-file)`,
    );
  }
  for (const [pattern, code] of CONNECT) {
    if (pattern.test(stderr))
      return new SourceError(SourceErrorCode.unreachable, `cannot reach ${where} (${code})`, {
        transient: true,
      });
  }
  if (/is this a git repository|not a git repository|dumb http transport/i.test(stderr)) {
    return new SourceError(
      SourceErrorCode.notARepository,
      `${where} did not answer as a Git server (is this the repository's web URL? use the .git clone URL)`,
    );
  }
  return new SourceError(
    SourceErrorCode.git,
    `reading ${where} failed: git fetch exited with ${f.exitCode ?? 'a signal'}: ${firstErrorLine(stderr, f.secrets)}`,
  );
}
