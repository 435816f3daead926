// The agent's resolved configuration: one typed value, whatever mix of file, environment and flags
// it came from. Secrets appear only as references (an environment variable or a file to read them
// from when needed), never as values.
import type { FetchTimeouts } from '../../source/port.js';
import type { FullResync } from '../plan-mode.js';
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
    /** The operator's tenancy policy file, read on every reconcile. */
    policyFile?: string;
    /** Only the limits that were set; the source's defaults fill in the rest. */
    fetchTimeouts?: Partial<FetchTimeouts>;
  };
  /**
   * How the member clusters (and the agent's own, for its Lease) are reached. With a kubeconfig the
   * Lease is in `context` (default its current context) — unless the agent runs in a pod
   * (`inCluster`) and no context is named: then in the pod's own cluster, via its service account.
   * In-cluster alone: the pod's own cluster is the one member, as the context `in-cluster`.
   */
  kubernetes:
    | { kind: 'kubeconfig'; path: string; context?: string; inCluster?: true }
    | { kind: 'inCluster' }
    | { kind: 'sim'; dir: string; context?: string };
  gcp: {
    project?: string;
    credentials: { kind: 'adc' } | { kind: 'file'; path: string } | { kind: 'sim'; dir: string };
  };
  /** `driftIntervalMs`: a full reconcile at least this often, even when Git has not changed. */
  schedule: { cron: string; jitterMs: number; driftIntervalMs: number };
  /**
   * Incremental planning: each cycle plans from the last converged plan, with a full plan at least
   * every `resync.everyMs` and after `resync.everyCycles` incremental ones. false: always in full.
   */
  reconcile: { incremental: { resync: FullResync } | false };
  /** Backoff after a transient failure: initialMs, doubled per failure up to maxMs, with jitter. */
  retry: { initialMs: number; maxMs: number };
  /** Start suspended: read and plan, but write nothing until resumed. */
  suspend: boolean;
  /** false (`--no-report`): publish nothing to Git or the forge. */
  report: { enabled: boolean };
  /** Full ref globs, e.g. `refs/heads/preview/*`. */
  previews: { refs: string[] };
  /**
   * Where commit statuses go. `repository` is owner/name (GitLab: the project path or id);
   * `baseUrl` the GitHub API or the Gitea/GitLab server; `webUrl`, when known, makes status links.
   */
  forge?: { kind: ForgeKind; repository: string; baseUrl: string; webUrl?: string; token?: SecretRef };
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
