// Options shared by the commands that talk to the member clusters (`plan`, `apply`): where the
// clusters are (`--kubeconfig` or a running simulated world's `--sim` directory), and the fleet.
import type { Command } from 'commander';
import type { FederationRepo } from '../model/index.js';
import { createFleet } from '../agent/fleet.js';
import type { ClientFactory } from '../agent/fleet.js';
import type { Fleet } from '../agent/fleet-port.js';
import { addSimOption, simKubeconfig } from './sim-option.js';

export type FleetCliOptions = { kubeconfig?: string; sim?: string };

export function addFleetOptions(cmd: Command): Command {
  return addSimOption(
    cmd.option(
      '--kubeconfig <file>',
      'kubeconfig with a context per registered cluster (default $KUBECONFIG)',
    ),
  );
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
}): Promise<Fleet & { missingContexts: string[] }> {
  return createFleet({
    kubeconfigPath: await kubeconfigFrom(options.opts),
    registrations: options.repo.clusters,
    federation: options.repo.federation.name,
    createClient: options.createClient,
  });
}
