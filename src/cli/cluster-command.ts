// What the commands that talk to the member clusters (`plan`, `apply`, `status`) share: their
// options, their dependencies (so tests can inject them), and reading the repository once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../clock.js';
import { SourceError } from '../source/errors.js';
import { ExitCode } from './exit-codes.js';
import type { Clock } from '../model/index.js';
import type { ClientFactory } from '../kube/fleet.js';
import { loadRepo } from '../source/load-repo.js';
import type { LoadedRepo } from '../source/load-repo.js';
import type { FleetCliOptions } from './fleet-options.js';
import type { LoadBalancerCliOptions } from './load-balancer-options.js';
import { loadRepoOptionsFrom } from './git-options.js';
import type { RepoCliOptions } from './git-options.js';

export type ClusterCommandDeps = {
  createClient: ClientFactory;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  clock: Clock;
};

export type ClusterCommandOptions = RepoCliOptions &
  FleetCliOptions &
  LoadBalancerCliOptions & {
    output: string;
    /** `--repo` was not given: its default, the current directory, is only a guess. */
    repoGuessed?: boolean;
  };

/** Throws a one-line message unless `output` is one of `allowed`. */
export function checkOutput(output: string, allowed: readonly string[]): void {
  if (!allowed.includes(output)) throw new Error(`-o must be one of ${allowed.join(', ')} (got ${output})`);
}

/**
 * Reads the repository once; the loaded value is replayed to the reconcile. Without `--repo`, the
 * current directory is read only when it holds a fedsync.yaml (a command that writes to clusters
 * must not guess). A repository that cannot be read at all gives ExitCode.unreadable.
 */
export async function readRepo(
  command: string,
  opts: ClusterCommandOptions,
  deps: Pick<ClusterCommandDeps, 'stderr'>,
): Promise<LoadedRepo | { exit: ExitCode }> {
  if (opts.repoGuessed && !existsSync(join(opts.repo, 'fedsync.yaml')))
    throw new Error(
      `fedsync ${command}: no --repo given and ${opts.repo === '.' ? 'the current directory' : opts.repo} holds no fedsync.yaml: name the federation repository with --repo <url|path>`,
    );
  try {
    return await loadRepo(loadRepoOptionsFrom(opts));
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    deps.stderr(`fedsync ${command}: ${err.message}\n`);
    return { exit: ExitCode.unreadable };
  }
}

/** The option values commander parsed, with whether `--repo` was left at its default. */
export function parsedOptions<T extends ClusterCommandOptions>(
  opts: T,
  cmd: { getOptionValueSource(key: string): string | undefined },
): T {
  return { ...opts, repoGuessed: cmd.getOptionValueSource('repo') === 'default' };
}

export const processDeps = (createClient: ClientFactory): ClusterCommandDeps => ({
  createClient,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  clock: systemClock,
});
