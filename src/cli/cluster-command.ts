// What the commands that talk to the member clusters (`plan`, `apply`, `status`) share: their
// options, their dependencies (so tests can inject them), and reading the repository once.
import { systemClock } from '../clock.js';
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
  LoadBalancerCliOptions & { output: string };

/** Throws a one-line message unless `output` is one of `allowed`. */
export function checkOutput(output: string, allowed: readonly string[]): void {
  if (!allowed.includes(output)) throw new Error(`-o must be one of ${allowed.join(', ')} (got ${output})`);
}

/** Reads the repository once; the loaded value is replayed to the reconcile. */
export function readRepo(opts: ClusterCommandOptions): Promise<LoadedRepo> {
  return loadRepo(loadRepoOptionsFrom(opts));
}

export const processDeps = (createClient: ClientFactory): ClusterCommandDeps => ({
  createClient,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  clock: systemClock,
});
