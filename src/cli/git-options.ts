// Repository options shared by every command that reads the federation repository.
import type { Command } from 'commander';
import { DEFAULT_TOKEN_ENV } from '../source/auth.js';
import type { FetchTimeouts } from '../source/port.js';
import { DEFAULT_CACHE_DIR, POLICY_FILE_ENV } from '../source/load-repo.js';
import type { LoadRepoOptions } from '../source/load-repo.js';

export type RepoCliOptions = {
  repo: string;
  ref?: string;
  cacheDir: string;
  workingTree?: boolean;
  gitTokenEnv?: string;
  gitTokenFile?: string;
  gitUsername?: string;
  gitAuth?: string;
  gitCaFile?: string;
  gitTimeout?: string;
  gitLowSpeedLimit?: string;
  gitLowSpeedTime?: string;
  policyFile?: string;
};

export function addRepoOptions(cmd: Command): Command {
  return cmd
    .option('--repo <url|path>', 'federation repository: http(s) URL or local path', '.')
    .option('--ref <ref>', 'branch, tag or commit SHA (default: the repository HEAD)')
    .option('--working-tree', 'read a local path as files on disk, even when it is a Git repository')
    .option('--cache-dir <dir>', 'where remote repositories are cached', DEFAULT_CACHE_DIR)
    .option(
      '--git-token-env <name>',
      `environment variable holding the Git token (default ${DEFAULT_TOKEN_ENV} when set)`,
    )
    .option('--git-token-file <path>', 'file holding the Git token')
    .option('--git-username <name>', 'user name for basic auth (default x-access-token)')
    .option('--git-auth <scheme>', 'basic or bearer', 'basic')
    .option('--git-ca-file <path>', 'PEM bundle of extra CAs to trust for https')
    .option('--git-timeout <seconds>', 'total deadline for one fetch or clone (default 120)')
    .option(
      '--git-low-speed-limit <bytes/s>',
      'fail a fetch that averages fewer bytes per second over --git-low-speed-time (default 1024; 0 off)',
    )
    .option('--git-low-speed-time <seconds>', 'window of the low-speed limit (default 30)')
    .option(
      '--policy-file <path>',
      `operator's tenancy policy, which the repository cannot loosen (default $${POLICY_FILE_ENV})`,
    );
}

function number(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min)
    throw new Error(`${flag} must be a number${min > 0 ? ' above 0' : ' of at least 0'} (got ${text})`);
  return n;
}

/** --git-timeout, --git-low-speed-limit and --git-low-speed-time as FetchTimeouts (only those given). */
function fetchTimeoutsFrom(opts: RepoCliOptions): Partial<FetchTimeouts> | undefined {
  const total = number('--git-timeout', opts.gitTimeout, Number.MIN_VALUE);
  const bytes = number('--git-low-speed-limit', opts.gitLowSpeedLimit, 0);
  const window = number('--git-low-speed-time', opts.gitLowSpeedTime, Number.MIN_VALUE);
  const out: Partial<FetchTimeouts> = {};
  if (total !== undefined) out.totalMs = Math.round(total * 1000);
  if (bytes !== undefined) out.lowSpeedBytesPerSecond = bytes;
  if (window !== undefined) out.lowSpeedWindowMs = Math.round(window * 1000);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The parsed flags of addRepoOptions as LoadRepoOptions. Throws on a bad --git-auth or number. */
export function loadRepoOptionsFrom(opts: RepoCliOptions): LoadRepoOptions {
  const out: LoadRepoOptions = { repo: opts.repo, cacheDir: opts.cacheDir };
  if (opts.ref) out.ref = opts.ref;
  if (opts.workingTree) out.workingTree = true;
  if (opts.gitCaFile) out.caFile = opts.gitCaFile;
  if (opts.policyFile) out.policyFile = opts.policyFile;
  const timeouts = fetchTimeoutsFrom(opts);
  if (timeouts) out.fetchTimeouts = timeouts;
  if (opts.gitAuth !== undefined && opts.gitAuth !== 'basic' && opts.gitAuth !== 'bearer')
    throw new Error('--git-auth must be basic or bearer');
  if (opts.gitTokenEnv || opts.gitTokenFile) {
    out.auth = {
      scheme: opts.gitAuth ?? 'basic',
      ...(opts.gitUsername ? { username: opts.gitUsername } : {}),
      ...(opts.gitTokenFile ? { tokenFile: opts.gitTokenFile } : {}),
      ...(opts.gitTokenEnv ? { tokenEnv: opts.gitTokenEnv } : {}),
    };
  }
  return out;
}
