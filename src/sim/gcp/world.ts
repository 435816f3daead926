// Wiring from a world file to the Compute simulator, and the gcloud.env `fedsync sim up` writes.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClusterDataPlane } from '../data-plane.js';
import type { World } from '../world.js';
import { gcloudEnvFile } from './gcloud-env.js';
import type { ComputeSimOptions } from './server.js';

/** Options for startComputeSim from the world's `gcp` part; undefined when the world has none. */
export function computeSimOptionsFromWorld(
  world: World,
  dataPlanes: readonly ClusterDataPlane[],
): ComputeSimOptions | undefined {
  const gcp = world.gcp;
  if (!gcp) return undefined;
  return {
    project: gcp.project,
    network: gcp.network,
    distances: gcp.distances,
    dataPlanes,
    token: gcp.token ?? randomBytes(18).toString('base64url'),
    ...(gcp.port !== undefined ? { port: gcp.port } : {}),
  };
}

/**
 * Writes `<outDir>/gcloud.env` plus what it points at: a throwaway CLOUDSDK_CONFIG directory
 * (`<outDir>/gcloud/config`) and the token file (`<outDir>/gcloud/token`, mode 0600). Returns the
 * path of gcloud.env.
 */
/** The file holding the simulator's bearer token, under the world's output directory. */
export function gcloudTokenFile(outDir: string): string {
  return join(resolve(outDir), 'gcloud', 'token');
}

export async function writeGcloudEnv(o: {
  outDir: string;
  computeUrl: string;
  project: string;
  token: string;
}): Promise<string> {
  const dir = resolve(o.outDir);
  const configDir = join(dir, 'gcloud', 'config');
  const tokenFile = gcloudTokenFile(dir);
  await mkdir(configDir, { recursive: true });
  await writeFile(tokenFile, `${o.token}\n`, { mode: 0o600 });
  const file = join(dir, 'gcloud.env');
  await writeFile(
    file,
    gcloudEnvFile({ computeUrl: o.computeUrl, project: o.project, configDir, tokenFile }),
  );
  return file;
}
