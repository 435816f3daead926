// Starts everything a world file describes (today: the simulated clusters), writes the files
// other tools use to reach them, and serves the control API that `fedsync sim ctl/stats` talk to.
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { ClusterDataPlane } from './data-plane.js';
import { startControlServer, type ControlServer } from './control.js';
import { startSimCluster, type SimCluster } from './kube/cluster.js';
import { dataPlaneOf } from './kube/data-plane.js';
import { kubeconfigYaml } from './kubeconfig.js';
import type { World } from './world.js';

export type SimJson = {
  world: string;
  kubeconfig: string;
  /** Base URL of the control API (`/stats`, `/clusters/<name>/fault`). */
  control: string;
  clusters: Record<string, { url: string; port: number; context: string; region: string; zone: string }>;
};

export type RunningWorld = {
  world: World;
  clusters: SimCluster[];
  dataPlanes: ClusterDataPlane[];
  control: ControlServer;
  /** Absent when no outDir was given. */
  files?: { kubeconfig: string; simJson: string };
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
    control = await startControlServer({ clusters, port: opts.controlPort ?? 0 });
  } catch (err) {
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
    await writeFile(files.simJson, `${JSON.stringify(simJson, null, 2)}\n`);
  }
  const ctl = control;
  return {
    world,
    clusters,
    dataPlanes: clusters.map(dataPlaneOf),
    control: ctl,
    files,
    simJson,
    cluster: (name) => clusters.find((c) => c.name === name),
    async stop() {
      await ctl.stop();
      await Promise.all(clusters.map((c) => c.stop()));
    },
  };
}
