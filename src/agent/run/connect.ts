// Where the agent's clusters and Google Cloud are, from the configuration: the member clusters (a
// kubeconfig, the pod's own cluster, or a running simulated world's kubeconfig), the cluster that
// holds the agent's Lease, and the Compute Engine connection. A simulated world is found through the
// sim.json `fedsync sim up` writes; nothing of the simulator is imported.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ComputeConnection } from '../../gcp/compute/connection.js';
import { loadKubeConfig } from '../../kube/client-node.js';
import type { AgentConfig } from '../config/types.js';

/** The context name that stands for the pod's own cluster, reached with its service account. */
export const IN_CLUSTER_CONTEXT = 'in-cluster';

export class ConnectError extends Error {
  readonly code = 'agent.connect';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectError';
  }
}

export type Connections = {
  /** The kubeconfig with a context per member cluster ('' when only the pod's own cluster is used). */
  kubeconfigPath: string;
  /** Whether `in-cluster` is a context too (the agent runs in a pod). */
  inCluster: boolean;
  /** The cluster holding the Lease, and its name for messages. */
  home: { kubeConfig: KubeConfig; cluster: string };
  /** Compute Engine: the simulator's endpoint, or Application Default Credentials (project later; see computeConnection). */
  gcp:
    | { kind: 'sim'; connection: ComputeConnection }
    | { kind: 'adc'; credentialsFile?: string; project?: string };
  /** The simulated world's files, when running on one. */
  sim?: { dir: string; kubeconfig: string; gcloudEnv?: string };
};

type SimJson = {
  kubeconfig?: string;
  gcp?: { url: string; project: string; gcloudEnv?: string; tokenFile?: string };
};

async function readSimJson(dir: string): Promise<SimJson> {
  const file = join(dir, 'sim.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SimJson;
  } catch (err) {
    throw new ConnectError(
      `no running simulated world in ${dir}: ${file} is missing or unreadable (start one with \`fedsync sim up --out ${dir}\`)`,
      { cause: err },
    );
  }
}

/**
 * The Compute Engine connection for a project: the simulator's endpoint, or Application Default
 * Credentials — from the configured key file when `gcp.credentialsFile` names one.
 */
export function computeConnection(gcp: Connections['gcp'], project: string): ComputeConnection {
  if (gcp.kind === 'sim') return { ...gcp.connection, project };
  return {
    kind: 'applicationDefault',
    project,
    ...(gcp.credentialsFile ? { keyFilename: gcp.credentialsFile } : {}),
  };
}

export function inClusterKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromCluster();
  } catch (err) {
    throw new ConnectError('in-cluster credentials: not running in a pod with a service account', {
      cause: err,
    });
  }
  if (!kc.getCurrentCluster()?.server)
    throw new ConnectError('in-cluster credentials: KUBERNETES_SERVICE_HOST is not set');
  return kc;
}

function homeFrom(path: string, context: string | undefined): Connections['home'] {
  const kubeConfig = loadKubeConfig(path, context);
  return { kubeConfig, cluster: kubeConfig.getCurrentContext() };
}

export async function connect(config: AgentConfig): Promise<Connections> {
  const k = config.kubernetes;
  const project = config.gcp.project;
  switch (k.kind) {
    case 'sim': {
      const sim = await readSimJson(k.dir);
      const kubeconfig = sim.kubeconfig || join(k.dir, 'kubeconfig');
      const gcp: Connections['gcp'] =
        sim.gcp?.tokenFile !== undefined
          ? {
              kind: 'sim',
              connection: {
                kind: 'endpoint',
                project: project ?? sim.gcp.project,
                url: sim.gcp.url,
                token: (await readFile(sim.gcp.tokenFile, 'utf8')).trim(),
              },
            }
          : { kind: 'adc', ...(project ? { project } : {}) };
      return {
        kubeconfigPath: kubeconfig,
        inCluster: false,
        home: homeFrom(kubeconfig, k.context),
        gcp,
        sim: { dir: k.dir, kubeconfig, ...(sim.gcp?.gcloudEnv ? { gcloudEnv: sim.gcp.gcloudEnv } : {}) },
      };
    }
    case 'kubeconfig':
    case 'inCluster': {
      const path = k.kind === 'kubeconfig' ? k.path : '';
      const context = k.kind === 'kubeconfig' ? k.context : undefined;
      const inCluster = k.kind === 'inCluster' || k.inCluster === true;
      const home =
        inCluster && !context
          ? { kubeConfig: inClusterKubeConfig(), cluster: IN_CLUSTER_CONTEXT }
          : homeFrom(path, context);
      const cred = config.gcp.credentials;
      return {
        kubeconfigPath: path,
        inCluster,
        home,
        gcp: {
          kind: 'adc',
          ...(cred.kind === 'file' ? { credentialsFile: cred.path } : {}),
          ...(project ? { project } : {}),
        },
      };
    }
  }
}
