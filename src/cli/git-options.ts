// Repository options shared by every command that reads the federation repository.
import type { Command } from 'commander';
import { DEFAULT_TOKEN_ENV } from '../source/isomorphic-git.js';
import { DEFAULT_CACHE_DIR } from '../source/load-repo.js';
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
    .option('--git-ca-file <path>', 'PEM bundle of extra CAs to trust for https');
}

/** The parsed flags of addRepoOptions as LoadRepoOptions. Throws on a bad --git-auth. */
export function loadRepoOptionsFrom(opts: RepoCliOptions): LoadRepoOptions {
  const out: LoadRepoOptions = { repo: opts.repo, cacheDir: opts.cacheDir };
  if (opts.ref) out.ref = opts.ref;
  if (opts.workingTree) out.workingTree = true;
  if (opts.gitCaFile) out.caFile = opts.gitCaFile;
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
