// Every setting of the agent, once: where it sits in the config file, the environment variable and
// the flag that override it, and its type. The file schema, the environment reader and the flag
// reader are all built from this table, so the three can never disagree on a name or a type.
import { z } from 'zod';

export const FORGE_KINDS = ['github', 'gitea', 'gitlab'] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/** `500ms`, `15s`, `10m`, `1h`: a whole number and a unit. */
export const DURATION = /^(\d+)(ms|s|m|h)$/;

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new RangeError(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

const name = z.string().min(1, 'must not be empty');
const leaf = {
  text: name,
  url: name.regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL'),
  bool: z.boolean({ error: () => 'must be true or false (unquoted)' }),
  count: z.int().min(1, 'must be a whole number ≥ 1'),
  index: z.int().min(0, 'must be a whole number ≥ 0'),
  duration: z.string().regex(DURATION, 'must be a duration such as 500ms, 15s, 10m or 1h'),
  list: z.array(name),
  envName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  forge: z.enum(FORGE_KINDS, { error: () => `must be one of ${FORGE_KINDS.join(', ')}` }),
  scheme: z.enum(['basic', 'bearer'], { error: () => 'must be basic or bearer' }),
  level: z.enum(LOG_LEVELS, { error: () => `must be one of ${LOG_LEVELS.join(', ')}` }),
  format: z.enum(LOG_FORMATS, { error: () => `must be one of ${LOG_FORMATS.join(', ')}` }),
} as const;
export type LeafKind = keyof typeof leaf;

export type Setting = {
  /** Dotted path in the config file. */
  path: string;
  kind: LeafKind;
  env?: string;
  /** Long flag without the dashes; booleans also get `--no-<flag>`. */
  flag?: string;
  /** One line for --help and the docs. */
  help: string;
};

const s = (path: string, kind: LeafKind, help: string, env?: string, flag?: string): Setting => ({
  path,
  kind,
  help,
  ...(env ? { env: `FEDSYNC_${env}` } : {}),
  ...(flag ? { flag } : {}),
});

export const SETTINGS: readonly Setting[] = [
  s('repository.url', 'url', 'federation repository to clone (http/https)', 'REPO_URL', 'repo-url'),
  s('repository.path', 'text', 'federation repository on local disk', 'REPO_PATH', 'repo-path'),
  s('repository.branch', 'text', 'branch to follow (default: the repository HEAD)', 'BRANCH', 'branch'),
  s('repository.cacheDir', 'text', 'where clones are cached', 'CACHE_DIR', 'cache-dir'),
  s('repository.caFile', 'text', 'PEM bundle of extra CAs for https', 'GIT_CA_FILE', 'git-ca-file'),
  s(
    'repository.credentials.tokenEnv',
    'envName',
    'environment variable holding the Git token',
    'GIT_TOKEN_ENV',
    'git-token-env',
  ),
  s(
    'repository.credentials.tokenFile',
    'text',
    'file holding the Git token',
    'GIT_TOKEN_FILE',
    'git-token-file',
  ),
  s(
    'repository.policyFile',
    'text',
    "the operator's tenancy policy (TenancyPolicy), which the repository cannot loosen",
    'POLICY_FILE',
    'policy-file',
  ),
  s(
    'repository.timeout',
    'duration',
    'total deadline of one fetch (default 120s)',
    'GIT_TIMEOUT',
    'git-timeout',
  ),
  s(
    'repository.lowSpeedLimit',
    'index',
    'bytes per second a fetch must average over lowSpeedTime (default 1024; 0: off)',
    'GIT_LOW_SPEED_LIMIT',
    'git-low-speed-limit',
  ),
  s(
    'repository.lowSpeedTime',
    'duration',
    'window of the low-speed limit (default 30s)',
    'GIT_LOW_SPEED_TIME',
    'git-low-speed-time',
  ),
  s('repository.credentials.username', 'text', 'user name for basic auth', 'GIT_USERNAME', 'git-username'),
  s('repository.credentials.scheme', 'scheme', 'basic or bearer', 'GIT_AUTH', 'git-auth'),
  s(
    'kubernetes.kubeconfig',
    'text',
    'kubeconfig with a context per member cluster',
    'KUBECONFIG',
    'kubeconfig',
  ),
  s('kubernetes.context', 'text', "context of the agent's own cluster (Leases)", 'CONTEXT', 'context'),
  s('kubernetes.inCluster', 'bool', 'use the service account of the pod', 'IN_CLUSTER', 'in-cluster'),
  s('sim', 'text', 'a running simulated world (`fedsync sim up --out <dir>`)', 'SIM', 'sim'),
  s('gcp.project', 'text', 'Google Cloud project of the load balancer', 'GCP_PROJECT', 'gcp-project'),
  s(
    'gcp.credentialsFile',
    'text',
    'service account key file (default: Application Default Credentials)',
    'GCP_CREDENTIALS_FILE',
    'gcp-credentials-file',
  ),
  s('schedule.cron', 'text', 'when to reconcile, as cron (default every minute)', 'SCHEDULE', 'schedule'),
  s('schedule.jitter', 'duration', 'random delay added to each scheduled run', 'JITTER', 'jitter'),
  s(
    'schedule.driftInterval',
    'duration',
    'full reconcile at least this often, even when Git has not changed (default 5m)',
    'DRIFT_INTERVAL',
    'drift-interval',
  ),
  s(
    'reconcile.incremental',
    'bool',
    'plan only what changed or drifted since the last converged plan (default true; false: every cycle in full)',
    'INCREMENTAL',
    'incremental',
  ),
  s(
    'reconcile.resyncInterval',
    'duration',
    'with incremental plans, a full plan at least this often (default 10m)',
    'RESYNC_INTERVAL',
    'resync-interval',
  ),
  s(
    'reconcile.resyncCycles',
    'count',
    'with incremental plans, a full plan after this many incremental ones in a row (default 100)',
    'RESYNC_CYCLES',
    'resync-cycles',
  ),
  s(
    'retry.initialDelay',
    'duration',
    'first retry after a transient failure (default 2s; doubles, with jitter)',
    'RETRY_INITIAL',
    'retry-initial',
  ),
  s('retry.maxDelay', 'duration', 'longest pause between retries (default 5m)', 'RETRY_MAX', 'retry-max'),
  s(
    'suspend',
    'bool',
    'start suspended: read and plan, write nothing (until `fedsync resume`)',
    'SUSPEND',
    'suspend',
  ),
  s(
    'report.enabled',
    'bool',
    'report to Git and the forge (status branch, commit statuses, previews)',
    'REPORT',
    'report',
  ),
  s(
    'previews.refs',
    'list',
    'refs to preview, as globs (refs/heads/preview/*)',
    'PREVIEW_REFS',
    'preview-ref',
  ),
  s('forge.kind', 'forge', 'github, gitea or gitlab: post commit statuses there', 'FORGE', 'forge'),
  s(
    'forge.repository',
    'text',
    'repository on the forge: owner/name, or the GitLab project path or id (default: from repository.url)',
    'FORGE_REPO',
    'forge-repo',
  ),
  s(
    'forge.baseUrl',
    'url',
    'API base of GitHub (Enterprise: https://host/api/v3), or the Gitea or GitLab server',
    'FORGE_URL',
    'forge-url',
  ),
  s(
    'forge.webUrl',
    'url',
    'web address of the forge, for status links (default: from forge.baseUrl where it can be told)',
    'FORGE_WEB_URL',
    'forge-web-url',
  ),
  s(
    'forge.tokenEnv',
    'envName',
    'environment variable holding the forge token',
    'FORGE_TOKEN_ENV',
    'forge-token-env',
  ),
  s('forge.tokenFile', 'text', 'file holding the forge token', 'FORGE_TOKEN_FILE', 'forge-token-file'),
  s(
    'webhook.secretEnv',
    'envName',
    'environment variable holding the webhook secret',
    'WEBHOOK_SECRET_ENV',
    'webhook-secret-env',
  ),
  s(
    'webhook.secretFile',
    'text',
    'file holding the webhook secret',
    'WEBHOOK_SECRET_FILE',
    'webhook-secret-file',
  ),
  s(
    'webhook.maxBodyBytes',
    'count',
    'largest delivery accepted (default 1 MiB)',
    'WEBHOOK_MAX_BODY',
    'webhook-max-body',
  ),
  s(
    'webhook.replayWindow',
    'duration',
    'how long a delivery id is remembered (default 10m)',
    'WEBHOOK_REPLAY_WINDOW',
    'webhook-replay-window',
  ),
  s(
    'trigger.tokenEnv',
    'envName',
    'environment variable holding the manual trigger token',
    'TRIGGER_TOKEN_ENV',
    'trigger-token-env',
  ),
  s(
    'trigger.tokenFile',
    'text',
    'file holding the manual trigger token',
    'TRIGGER_TOKEN_FILE',
    'trigger-token-file',
  ),
  s(
    'selfHeal',
    'bool',
    'correct drift (off overrides fedsync.yaml; on follows it)',
    'SELF_HEAL',
    'self-heal',
  ),
  s('prune', 'bool', 'delete what left the repository (off overrides fedsync.yaml)', 'PRUNE', 'prune'),
  s('listen', 'text', 'address of /metrics, /healthz, /readyz, webhooks (host:port)', 'LISTEN', 'listen'),
  s('leaderElection.enabled', 'bool', 'elect one writer among replicas', 'LEADER_ELECT', 'leader-elect'),
  s('leaderElection.namespace', 'text', 'namespace of the Lease', 'LEASE_NAMESPACE', 'lease-namespace'),
  s('leaderElection.leaseName', 'text', 'name of the Lease', 'LEASE_NAME', 'lease-name'),
  s(
    'leaderElection.identity',
    'text',
    'holder identity (default: host name and a random suffix)',
    'IDENTITY',
    'identity',
  ),
  s(
    'leaderElection.leaseDuration',
    'duration',
    'how long a Lease lasts unrenewed (default 15s)',
    'LEASE_DURATION',
    'lease-duration',
  ),
  s(
    'leaderElection.renewDeadline',
    'duration',
    'a leader that has not renewed within this stops (default 10s)',
    'RENEW_DEADLINE',
    'renew-deadline',
  ),
  s(
    'leaderElection.retryPeriod',
    'duration',
    'pause between attempts (default 2s)',
    'RETRY_PERIOD',
    'retry-period',
  ),
  s('sharding.replicas', 'count', 'replicas sharing the member clusters', 'SHARD_REPLICAS', 'shard-replicas'),
  s(
    'sharding.index',
    'index',
    "this replica's shard (default: the pod name's ordinal)",
    'SHARD_INDEX',
    'shard-index',
  ),
  s('log.level', 'level', 'trace, debug, info, warn, error, fatal or silent', 'LOG_LEVEL', 'log-level'),
  s('log.format', 'format', 'auto (pretty on a terminal), json or pretty', 'LOG_FORMAT', 'log-format'),
];

export function leafSchema(kind: LeafKind): z.ZodType {
  return leaf[kind];
}

type Tree = { [key: string]: Tree | Setting };

/** The strict schema of the config file: apiVersion, kind and the settings' nesting. */
export function fileSchema(): z.ZodType {
  const tree: Tree = {};
  for (const setting of SETTINGS) {
    const parts = setting.path.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[parts[parts.length - 1] ?? ''] = setting;
  }
  const build = (t: Tree): z.ZodType =>
    z.strictObject(
      Object.fromEntries(
        Object.entries(t).map(([k, v]) => [
          k,
          (SETTINGS.includes(v as Setting) ? leaf[(v as Setting).kind] : build(v as Tree)).optional(),
        ]),
      ),
    );
  const settings = build(tree) as z.ZodObject;
  return settings.extend({
    apiVersion: z.literal('fedsync.io/v1alpha1', { error: () => 'must be fedsync.io/v1alpha1' }),
    kind: z.literal('AgentConfig', { error: () => 'must be AgentConfig' }),
  });
}

export type FlagSpec = { flags: string; description: string; setting?: Setting };

/** The flags of `fedsync run`, in commander's notation; booleans come with their `--no-` form. */
export function flagSpecs(): FlagSpec[] {
  const out: FlagSpec[] = [{ flags: '--config <file>', description: 'agent configuration file (YAML)' }];
  for (const setting of SETTINGS) {
    if (!setting.flag) continue;
    if (setting.kind === 'bool') {
      out.push({ flags: `--${setting.flag}`, description: setting.help, setting });
      out.push({ flags: `--no-${setting.flag}`, description: `not: ${setting.help}`, setting });
    } else if (setting.kind === 'list') {
      out.push({ flags: `--${setting.flag} <value...>`, description: setting.help, setting });
    } else out.push({ flags: `--${setting.flag} <value>`, description: setting.help, setting });
  }
  return out;
}
