// Starts everything a world file describes (the simulated clusters and Google Cloud), writes the files
// other tools use to reach them, and serves the control API that `fedsync sim ctl/stats` talk to.
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { ClusterDataPlane } from './data-plane.js';
import { startControlServer, type ControlServer } from './control.js';
import { startSimCluster, type SimCluster } from './kube/cluster.js';
import { dataPlaneOf } from './kube/data-plane.js';
import {
  computeSimOptionsFromWorld,
  gcpControlHandler,
  gcloudTokenFile,
  startComputeSim,
  writeGcloudEnv,
} from './gcp/index.js';
import type { ComputeSim } from './gcp/index.js';
import { kubeconfigYaml } from './kubeconfig.js';
import type { World } from './world.js';

export type SimJson = {
  world: string;
  kubeconfig: string;
  /** Base URL of the control API (`/stats`, `/clusters/<name>/fault`). */
  control: string;
  clusters: Record<string, { url: string; port: number; context: string; region: string; zone: string }>;
  /** Present when the world file has a `gcp` part. */
  gcp?: { url: string; project: string; gcloudEnv: string; tokenFile?: string };
};

export type RunningWorld = {
  world: World;
  clusters: SimCluster[];
  dataPlanes: ClusterDataPlane[];
  control: ControlServer;
  /** The simulated Compute Engine API, when the world file has a `gcp` part. */
  gcp?: ComputeSim;
  /** Absent when no outDir was given. */
  files?: { kubeconfig: string; simJson: string; gcloudEnv?: string };
  simJson: SimJson;
  cluster(name: string): SimCluster | undefined;
  stop(): Promise<void>;
};

export type StartWorldOptions = {
  world: World;
  /** Where kubeconfig and sim.json are written; nothing is written when absent. */
  outDir?: string;
  /** Controller reaction delay per cluster (tests use a few ms). */
  tickMs?: number;
  controlPort?: number;
};

export async function startWorld(opts: StartWorldOptions): Promise<RunningWorld> {
  const { world } = opts;
  const project = world.gcp?.project ?? 'fedsync-sim';
  const clusters: SimCluster[] = [];
  let control: ControlServer | undefined;
  let gcp: ComputeSim | undefined;
  try {
    for (const c of world.clusters) {
      clusters.push(
        await startSimCluster({
          cluster: c,
          project,
          customResources: world.customResources,
          tickMs: opts.tickMs,
        }),
      );
    }
    const gcpOptions = computeSimOptionsFromWorld(world, clusters.map(dataPlaneOf));
    if (gcpOptions) gcp = await startComputeSim(gcpOptions);
    const running = gcp;
    control = await startControlServer({
      clusters,
      port: opts.controlPort ?? 0,
      extraHandlers: [gcpControlHandler(() => running)],
    });
  } catch (err) {
    await gcp?.stop();
    await Promise.all(clusters.map((c) => c.stop()));
    throw err;
  }
  const outDir = opts.outDir ? resolve(opts.outDir) : undefined;
  const kubeconfigPath = outDir ? join(outDir, 'kubeconfig') : '';
  const simJson: SimJson = {
    world: world.metadata.name,
    kubeconfig: kubeconfigPath,
    control: control.url,
    clusters: Object.fromEntries(
      clusters.map((c) => [
        c.name,
        { url: c.url, port: c.port, context: c.name, region: c.region, zone: c.zone },
      ]),
    ),
  };
  let files: RunningWorld['files'];
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    files = { kubeconfig: kubeconfigPath, simJson: join(outDir, 'sim.json') };
    await writeFile(files.kubeconfig, kubeconfigYaml(clusters), { mode: 0o600 });
    if (gcp) {
      files.gcloudEnv = await writeGcloudEnv({
        outDir,
        computeUrl: gcp.url,
        project: gcp.project,
        token: gcp.token,
      });
      simJson.gcp = {
        url: gcp.url,
        project: gcp.project,
        gcloudEnv: files.gcloudEnv,
        tokenFile: gcloudTokenFile(outDir),
      };
    }
    await writeFile(files.simJson, `${JSON.stringify(simJson, null, 2)}\n`);
  }
  if (gcp && !simJson.gcp) simJson.gcp = { url: gcp.url, project: gcp.project, gcloudEnv: '' };
  const ctl = control;
  const computeSim = gcp;
  return {
    world,
    clusters,
    dataPlanes: clusters.map(dataPlaneOf),
    control: ctl,
    ...(computeSim ? { gcp: computeSim } : {}),
    files,
    simJson,
    cluster: (name) => clusters.find((c) => c.name === name),
    async stop() {
      await ctl.stop();
      await computeSim?.stop();
      await Promise.all(clusters.map((c) => c.stop()));
    },
  };
}
