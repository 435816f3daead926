// The heads of the refs a preview watches (`refs/pull/*/head`, `refs/merge-requests/*/head`, branch
// globs): one request per pattern's fixed prefix to a remote (ls-refs), or the refs of a local
// repository. Only names and commit ids are read; nothing is fetched.
import fs from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import git from 'isomorphic-git';
import { authHeader } from './auth.js';
import type { GitAuth } from './auth.js';
import { classify } from './classify.js';
import { SourceError, SourceErrorCode } from './errors.js';
import { createHttpClient } from './http-client.js';
import { displayUrl, parseRepoLocation } from './location.js';
import { defaultFetchTimeouts } from './port.js';
import type { FetchTimeouts } from './port.js';

export type Head = { ref: string; sha: string };

/** `feature/*` means the branches `refs/heads/feature/*`; a pattern starting with `refs/` is a full ref. */
export function fullRefPattern(pattern: string): string {
  return pattern.startsWith('refs/') ? pattern : `refs/heads/${pattern}`;
}

const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');

/** `*` matches within one path segment, `**` across segments. */
export function refPatternMatches(pattern: string, ref: string): boolean {
  const source = fullRefPattern(pattern)
    .split('**')
    .map((part) => part.split('*').map(escape).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`).test(ref);
}

/** The fixed directory a pattern starts with (`refs/pull/`), to ask a server for fewer refs. */
function fixedPrefix(pattern: string): string {
  const full = fullRefPattern(pattern);
  const star = full.indexOf('*');
  const head = star < 0 ? full : full.slice(0, star);
  return head.slice(0, head.lastIndexOf('/') + 1);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Heads matching any pattern, sorted by ref. Throws SourceError when the repository cannot be read. */
export async function listHeads(options: {
  repo: string;
  patterns: readonly string[];
  auth?: GitAuth;
  caFile?: string;
  timeouts?: Partial<FetchTimeouts>;
  env?: NodeJS.ProcessEnv;
}): Promise<Head[]> {
  const { patterns } = options;
  const matches = (ref: string) => patterns.some((p) => refPatternMatches(p, ref));
  const prefixes = [...new Set(patterns.map(fixedPrefix))];
  const found = new Map<string, string>();
  const location = parseRepoLocation(options.repo);
  if (location.kind === 'local') {
    const gitdir = (await exists(join(location.path, '.git'))) ? join(location.path, '.git') : location.path;
    if (!(await exists(join(gitdir, 'HEAD'))))
      throw new SourceError(SourceErrorCode.notARepository, `${location.path} is not a Git repository`);
    for (const prefix of prefixes) {
      const dir = prefix.replace(/\/$/, '');
      const names = await git.listRefs({ fs, gitdir, filepath: dir }).catch(() => [] as string[]);
      for (const name of names) {
        const ref = `${dir}/${name}`;
        if (!matches(ref)) continue;
        found.set(ref, await git.resolveRef({ fs, gitdir, ref }));
      }
    }
  } else {
    const env = options.env ?? process.env;
    const auth = options.auth ?? (env.FEDSYNC_GIT_TOKEN ? { tokenEnv: 'FEDSYNC_GIT_TOKEN' } : undefined);
    let ca: string | undefined;
    if (options.caFile) {
      try {
        ca = [...rootCertificates, await readFile(options.caFile, 'utf8')].join('\n');
      } catch {
        throw new SourceError(SourceErrorCode.invalidLocation, `cannot read the CA bundle ${options.caFile}`);
      }
    }
    const { client: http, withDeadline } = createHttpClient({
      maxResponseBytes: 16 * 1024 * 1024,
      timeouts: { ...defaultFetchTimeouts, ...options.timeouts },
      ...(ca ? { ca } : {}),
    });
    const where = displayUrl(location.url);
    try {
      const headers = await authHeader(auth, env);
      for (const prefix of prefixes) {
        const refs = await withDeadline(`listing the refs of ${where}`, () =>
          git.listServerRefs({ http, url: location.url, headers, prefix, protocolVersion: 2 }),
        );
        for (const r of refs) if (matches(r.ref)) found.set(r.ref, r.oid);
      }
    } catch (err) {
      throw classify(err, where, prefixes.join(', '));
    }
  }
  return [...found]
    .map(([ref, sha]) => ({ ref, sha }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
