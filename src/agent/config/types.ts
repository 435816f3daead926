// The agent's resolved configuration: one typed value, whatever mix of file, environment and flags
// it came from. Secrets appear only as references (an environment variable or a file to read them
// from when needed), never as values.
import type { ForgeKind } from './settings.js';

/** Where a secret is read from, at the moment it is needed (so rotation needs no restart). */
export type SecretRef = { env: string } | { file: string };

export type AgentConfig = {
  repository: {
    /** An http(s) URL or a local path, as LoadRepoOptions.repo takes it. */
    location: string;
    kind: 'url' | 'path';
    branch?: string;
    cacheDir: string;
    caFile?: string;
    credentials?: {
      token: SecretRef;
      username?: string;
      scheme: 'basic' | 'bearer';
    };
  };
  /** How the member clusters (and the agent's own, for Leases) are reached. */
  kubernetes:
    | { kind: 'kubeconfig'; path: string; context?: string }
    | { kind: 'inCluster' }
    | { kind: 'sim'; dir: string; context?: string };
  gcp: {
    project?: string;
    credentials: { kind: 'adc' } | { kind: 'file'; path: string } | { kind: 'sim'; dir: string };
  };
  schedule: { cron: string; jitterMs: number };
  /** Full ref globs, e.g. `refs/heads/preview/*`. */
  previews: { refs: string[] };
  forge?: { kind: ForgeKind; baseUrl: string; token?: SecretRef };
  webhook?: { secret: SecretRef; maxBodyBytes: number; replayWindowMs: number };
  /** Token a non-local caller of the manual trigger must present; none: local callers only. */
  trigger: { token?: SecretRef };
  /** false turns self-heal / prune off for this agent; true follows the repository's fedsync.yaml. */
  selfHeal: boolean;
  prune: boolean;
  listen: { host: string; port: number };
  leaderElection: {
    enabled: boolean;
    namespace: string;
    leaseName: string;
    identity: string;
    leaseDurationSeconds: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  sharding: { replicas: number; index: number };
  log: { level: string; format: 'auto' | 'json' | 'pretty' };
};

/** Facts about the host the defaults depend on; the loader gathers them, the resolver stays pure. */
export type HostFacts = {
  hostname: string;
  /** A few random characters that make the default identity unique per process. */
  instanceId: string;
  /** HOME, for the default kubeconfig. */
  home?: string;
  /** The pod's namespace, when running in a cluster (read from the service account). */
  podNamespace?: string;
};
