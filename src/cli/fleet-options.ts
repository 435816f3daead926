// Options shared by the commands that talk to the member clusters (`plan`, `apply`): where the
// clusters are (`--kubeconfig` or a running simulated world's `--sim` directory), and the fleet.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FederationRepo } from '../model/index.js';
import type { ClientFactory, Fleet, FleetOptions } from '../kube/fleet.js';
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

export type FleetCliOptions = {
  kubeconfig?: string;
  sim?: string;
  assumeOffline?: string;
  requestTimeout?: string;
  lockWait?: string;
};

export function addFleetOptions(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig with a context per registered cluster (default $KUBECONFIG)')
    .option('--sim <dir>', 'the running simulated world whose files `fedsync sim up --out <dir>` wrote')
    .option(
      '--assume-offline <clusters>',
      'comma-separated clusters to treat as Offline: not contacted, their replicas move to the others',
    )
    .option(
      '--request-timeout <seconds>',
      'deadline of each request to a cluster; a cluster that misses it is Unreachable (default 10)',
    );
}

/** `--lock-wait`, for the commands that write (`apply`). */
export function addLockOptions(cmd: Command): Command {
  return cmd.option(
    '--lock-wait <seconds>',
    'how long to wait for another writer of the federation to finish in a cluster (default 30)',
  );
}

function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new Error(`${flag} must be a number of seconds (got ${text})`);
  return Math.round(n * 1000);
}

/** The writer's identity in the Lease: who, where, and which run (two runs of one user differ). */
export function writerIdentity(command: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the host and pid still tell runs apart.
  }
  return `fedsync ${command} ${user}@${hostname()} pid ${process.pid} (${randomUUID().slice(0, 8)})`;
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
  /** Set for a command that writes: take the writer lock in every cluster it observes. */
  writer?: { command: string; onWait: (cluster: string, holder: string) => void };
}): Promise<Fleet> {
  const { opts } = options;
  const timeoutMs = seconds('--request-timeout', opts.requestTimeout);
  const waitMs = seconds('--lock-wait', opts.lockWait);
  const assumeOffline = (opts.assumeOffline ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const fleet: FleetOptions = {
    kubeconfigPath: await kubeconfigFrom(opts),
    registrations: options.repo.clusters,
    federation: options.repo.federation.name,
    createClient:
      timeoutMs === undefined ? options.createClient : (o) => options.createClient({ ...o, timeoutMs }),
    ...(assumeOffline.length > 0 ? { assumeOffline } : {}),
    ...(timeoutMs !== undefined ? { leaseTimeoutMs: timeoutMs } : {}),
  };
  if (options.writer)
    fleet.writerLock = {
      identity: writerIdentity(options.writer.command),
      onWait: options.writer.onWait,
      ...(waitMs !== undefined ? { waitMs } : {}),
    };
  // Loaded here, not at import: a command that only registers these options (status --agent) never
  // pays for the Kubernetes client.
  const { createFleet } = await import('../kube/fleet.js');
  return createFleet(fleet);
}
