// The load-balancer target of the commands that reconcile (`plan`, `apply`, `status`, `demo`): the
// simulated Compute Engine of a running world with `--sim <dir>` (its endpoint from sim.json, its
// token from the gcloud.env next to it), Application Default Credentials for a real project
// otherwise. None when the federation names no Google Cloud project — then nothing of Google Cloud
// is loaded at all.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FederationRepo, MemberIngressPort } from '../model/index.js';
import type { ComputeConnection } from '../gcp/compute/connection.js';
import type { LoadBalancerTarget } from '../gcp/compute/load-balancer.js';
import type { FleetCliOptions } from './fleet-options.js';

/** `loadBalancer: false` from `--no-load-balancer`: plan and apply the member clusters only. */
export type LoadBalancerCliOptions = { loadBalancer?: boolean };

export function addLoadBalancerOptions(cmd: Command): Command {
  return cmd.option(
    '--no-load-balancer',
    'leave the Google Cloud load balancer out: observe, plan and apply the member clusters only',
  );
}

/** The project of the federation's load balancer (fedsync.yaml, else a cluster registration's). */
export function federationProject(repo: FederationRepo): string | undefined {
  return repo.federation.gcp?.project ?? repo.clusters.find((c) => c.gcp?.project)?.gcp?.project;
}

type SimGcp = { url?: string; project?: string; gcloudEnv?: string };

/** `export NAME=value` from a gcloud.env file (values as the simulator writes them). */
function envValue(text: string, name: string): string | undefined {
  const m = new RegExp(`^export ${name}=(.*)$`, 'm').exec(text);
  if (!m) return undefined;
  const v = m[1]!.trim();
  return v.startsWith("'") && v.endsWith("'") ? v.slice(1, -1).replace(/'\\''/g, "'") : v;
}

/** The simulated Compute Engine of the world in `dir` (`fedsync sim up --out <dir>`). */
export async function simComputeConnection(dir: string, project: string): Promise<ComputeConnection> {
  const file = join(dir, 'sim.json');
  let gcp: SimGcp | undefined;
  try {
    gcp = (JSON.parse(await readFile(file, 'utf8')) as { gcp?: SimGcp }).gcp;
  } catch {
    throw new Error(
      `no running world in ${dir}: ${file} is missing (start one with \`fedsync sim up --out ${dir}\`)`,
    );
  }
  if (!gcp?.url || !gcp.project || !gcp.gcloudEnv)
    throw new Error(
      `the world in ${dir} has no simulated Google Cloud (its world file has no gcp part), but the federation's load balancer is in project ${project}`,
    );
  if (gcp.project !== project)
    throw new Error(
      `the federation's Google Cloud project is ${project}, but the world in ${dir} simulates project ${gcp.project}`,
    );
  const env = await readFile(gcp.gcloudEnv, 'utf8').catch(() => '');
  const tokenFile = envValue(env, 'CLOUDSDK_AUTH_ACCESS_TOKEN_FILE');
  const token = tokenFile ? (await readFile(tokenFile, 'utf8').catch(() => '')).trim() : '';
  if (!token)
    throw new Error(`${gcp.gcloudEnv} names no readable token file for the simulated Compute Engine`);
  return { kind: 'endpoint', project, url: gcp.url, token };
}

export async function loadBalancerFor(options: {
  opts: FleetCliOptions & LoadBalancerCliOptions;
  repo: FederationRepo;
  members: MemberIngressPort;
}): Promise<LoadBalancerTarget | undefined> {
  const project = federationProject(options.repo);
  if (!project || options.opts.loadBalancer === false) return undefined;
  const connection: ComputeConnection = options.opts.sim
    ? await simComputeConnection(options.opts.sim, project)
    : { kind: 'applicationDefault', project };
  // Loaded here, not at the top: a federation without a project never loads any of it.
  const { loadBalancerTarget } = await import('../gcp/compute/load-balancer.js');
  return loadBalancerTarget({ connection, members: options.members });
}
