// Repository options shared by every command that reads the federation repository.
import type { Command } from 'commander';
import type { OpenSourceOptions } from '../source/read-federation.js';
import { DEFAULT_TOKEN_ENV } from '../source/isomorphic-git.js';

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
    .option('--cache-dir <dir>', 'where remote repositories are cached', '.fedsync/cache/git')
    .option(
      '--git-token-env <name>',
      `environment variable holding the Git token (default ${DEFAULT_TOKEN_ENV} when set)`,
    )
    .option('--git-token-file <path>', 'file holding the Git token')
    .option('--git-username <name>', 'user name for basic auth (default x-access-token)')
    .option('--git-auth <scheme>', 'basic or bearer', 'basic')
    .option('--git-ca-file <path>', 'PEM bundle of extra CAs to trust for https');
}

export function sourceOptionsFrom(opts: RepoCliOptions): OpenSourceOptions {
  const out: OpenSourceOptions = { repo: opts.repo, cacheDir: opts.cacheDir };
  if (opts.workingTree) out.workingTree = true;
  if (opts.gitCaFile) out.caFile = opts.gitCaFile;
  if (opts.gitTokenEnv || opts.gitTokenFile) {
    if (opts.gitAuth !== 'basic' && opts.gitAuth !== 'bearer')
      throw new Error('--git-auth must be basic or bearer');
    out.auth = {
      scheme: opts.gitAuth,
      ...(opts.gitUsername ? { username: opts.gitUsername } : {}),
      ...(opts.gitTokenFile ? { tokenFile: opts.gitTokenFile } : {}),
      ...(opts.gitTokenEnv ? { tokenEnv: opts.gitTokenEnv } : {}),
    };
  }
  return out;
}
