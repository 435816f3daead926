// Options shared by the commands that talk to the member clusters (`plan`, `apply`): where the
// clusters are (`--kubeconfig` or a running simulated world's `--sim` directory), and the fleet.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FederationRepo } from '../model/index.js';
import { createFleet } from '../kube/fleet.js';
import type { ClientFactory, Fleet } from '../kube/fleet.js';

export type FleetCliOptions = { kubeconfig?: string; sim?: string };

export function addFleetOptions(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig with a context per registered cluster (default $KUBECONFIG)')
    .option('--sim <dir>', 'the running simulated world whose files `fedsync sim up --out <dir>` wrote');
}

/** The kubeconfig a running simulated world wrote (`fedsync sim up --out <dir>`). */
export async function simKubeconfig(dir: string): Promise<string> {
  const file = join(dir, 'sim.json');
  let sim: { kubeconfig?: string };
  try {
    sim = JSON.parse(await readFile(file, 'utf8')) as { kubeconfig?: string };
  } catch {
    throw new Error(
      `no running world in ${dir}: ${file} is missing (start one with \`fedsync sim up --out ${dir}\`)`,
    );
  }
  return sim.kubeconfig || join(dir, 'kubeconfig');
}

/** The kubeconfig file to use; throws a one-line message when none or both are given. */
export async function kubeconfigFrom(opts: FleetCliOptions, env = process.env): Promise<string> {
  if (opts.kubeconfig && opts.sim) throw new Error('give --kubeconfig or --sim, not both');
  if (opts.sim) return simKubeconfig(opts.sim);
  if (opts.kubeconfig) return opts.kubeconfig;
  const fromEnv = env.KUBECONFIG?.split(':')[0];
  if (fromEnv) return fromEnv;
  throw new Error('no clusters given: use --kubeconfig <file> or --sim <dir>');
}

export async function fleetFor(options: {
  opts: FleetCliOptions;
  repo: FederationRepo;
  createClient: ClientFactory;
}): Promise<Fleet> {
  return createFleet({
    kubeconfigPath: await kubeconfigFrom(options.opts),
    registrations: options.repo.clusters,
    federation: options.repo.federation.name,
    createClient: options.createClient,
  });
}
