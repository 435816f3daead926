// Resolves the layers into one AgentConfig: flags over environment over file over defaults, then the
// checks that span settings (one repository, one way to the clusters, lease timing, shard index).
// Pure: the file text, the environment and host facts are arguments. Every problem is collected;
// any problem means no configuration, so nothing starts half-configured.
import cron from 'node-cron';
import { checkLeaseTiming } from '../leader/hold.js';
import { failed, ok, type Problem, type Result } from '../../model/problem.js';
import {
  describeOrigin,
  envLayer,
  fileLayer,
  flagLayer,
  problemAtOrigin,
  type FlagValues,
  type Layer,
  type Origin,
} from './layers.js';
import { durationMs, type ForgeKind } from './settings.js';
import type { AgentConfig, HostFacts, SecretRef } from './types.js';

export type ResolveInput = {
  file?: { path: string; text: string };
  env: Readonly<Record<string, string | undefined>>;
  flags: FlagValues;
  host: HostFacts;
};

export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DEFAULT_LEASE_NAMESPACE = 'fedsync-system';
export const DEFAULT_FORGE_URLS: Partial<Record<ForgeKind, string>> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
};

type Got<T> = { value: T; origin: Origin } | undefined;

/** host:port, :port, [v6]:port. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '0.0.0.0' : m[2]);
  return { host, port };
}

export function resolveAgentConfig(input: ResolveInput): Result<AgentConfig> {
  const problems: Problem[] = [];
  const merged: Layer = new Map();
  const layers = [
    input.file ? fileLayer(input.file.path, input.file.text) : undefined,
    envLayer(input.env),
    flagLayer(input.flags),
  ];
  for (const l of layers) {
    if (!l) continue;
    problems.push(...l.problems);
    for (const [k, v] of l.layer) merged.set(k, v);
  }
  const get = <T>(path: string): Got<T> => merged.get(path) as Got<T>;
  const val = <T>(path: string): T | undefined => get<T>(path)?.value;
  const bad = (o: Origin, message: string, code = 'config.invalid'): void => {
    problems.push(problemAtOrigin(o, code, message));
  };
  // A setting reported broken above was dropped; saying it is missing too would be noise.
  const sourcesBroken = problems.length > 0;
  const missing = (message: string): void => {
    if (!sourcesBroken) problems.push({ code: 'config.missing', severity: 'error', message });
  };
  const both = (a: string, b: string): boolean => {
    const x = get(a);
    const y = get(b);
    if (!x || !y) return false;
    bad(y.origin, `${b} and ${a} (${describeOrigin(x.origin)}) are both set; give one`, 'config.conflict');
    return true;
  };
  const secret = (envPath: string, filePath: string): SecretRef | undefined => {
    both(envPath, filePath);
    const e = val<string>(envPath);
    const f = val<string>(filePath);
    return e !== undefined ? { env: e } : f !== undefined ? { file: f } : undefined;
  };

  // Repository.
  both('repository.url', 'repository.path');
  const url = val<string>('repository.url');
  const path = val<string>('repository.path');
  if (url === undefined && path === undefined)
    missing(
      'no federation repository: set repository.url or repository.path in the file, FEDSYNC_REPO_URL or FEDSYNC_REPO_PATH, or --repo-url or --repo-path',
    );
  const token = secret('repository.credentials.tokenEnv', 'repository.credentials.tokenFile');
  for (const dependent of ['repository.credentials.username', 'repository.credentials.scheme']) {
    const d = get(dependent);
    if (d && !token) bad(d.origin, `${dependent} is set but no token is: set tokenEnv or tokenFile`);
  }

  // Clusters.
  const sim = get<string>('sim');
  const kubeconfig = get<string>('kubernetes.kubeconfig');
  const inCluster = get<boolean>('kubernetes.inCluster');
  const context = val<string>('kubernetes.context');
  if (sim && kubeconfig)
    bad(
      sim.origin,
      `a simulated world and a kubeconfig (${describeOrigin(kubeconfig.origin)}) are both set; give one`,
      'config.conflict',
    );
  if (inCluster?.value && (kubeconfig || sim))
    bad(
      inCluster.origin,
      'in-cluster credentials exclude a kubeconfig or a simulated world',
      'config.conflict',
    );
  let kubernetes: AgentConfig['kubernetes'];
  if (sim) kubernetes = { kind: 'sim', dir: sim.value, ...(context ? { context } : {}) };
  else if (kubeconfig)
    kubernetes = { kind: 'kubeconfig', path: kubeconfig.value, ...(context ? { context } : {}) };
  else if (inCluster?.value || (inCluster === undefined && input.env.KUBERNETES_SERVICE_HOST))
    kubernetes = { kind: 'inCluster' };
  else {
    const fromEnv = input.env.KUBECONFIG?.split(':')[0];
    const home = input.host.home;
    const fallback = fromEnv || (home ? `${home}/.kube/config` : undefined);
    if (!fallback) missing('no clusters: set kubernetes.kubeconfig, kubernetes.inCluster or sim');
    kubernetes = { kind: 'kubeconfig', path: fallback ?? '', ...(context ? { context } : {}) };
  }

  // Google Cloud.
  const credentialsFile = get<string>('gcp.credentialsFile');
  if (sim && credentialsFile)
    bad(
      credentialsFile.origin,
      'a simulated world brings its own Google Cloud; drop the credentials file',
      'config.conflict',
    );
  const project = val<string>('gcp.project');
  const gcp: AgentConfig['gcp'] = {
    ...(project ? { project } : {}),
    credentials: sim
      ? { kind: 'sim', dir: sim.value }
      : credentialsFile
        ? { kind: 'file', path: credentialsFile.value }
        : { kind: 'adc' },
  };

  // Schedule and previews.
  const cronSetting = get<string>('schedule.cron');
  if (cronSetting && !cron.validate(cronSetting.value))
    bad(
      cronSetting.origin,
      `schedule.cron "${cronSetting.value}" is not a cron expression (5 fields, or 6 with seconds first)`,
    );
  const refs = (val<string[]>('previews.refs') ?? []).map((r) =>
    r.startsWith('refs/') ? r : `refs/heads/${r}`,
  );

  // Forge and webhook.
  const forgeKind = get<ForgeKind>('forge.kind');
  const forgeToken = secret('forge.tokenEnv', 'forge.tokenFile');
  const baseUrl =
    val<string>('forge.baseUrl') ?? (forgeKind ? DEFAULT_FORGE_URLS[forgeKind.value] : undefined);
  for (const p of ['forge.baseUrl', 'forge.tokenEnv', 'forge.tokenFile']) {
    const d = get(p);
    if (d && !forgeKind) bad(d.origin, `${p} is set but forge.kind is not: say github, gitea or gitlab`);
  }
  if (forgeKind && !baseUrl)
    bad(forgeKind.origin, `a ${forgeKind.value} forge needs forge.baseUrl (its API address)`);
  const webhookSecret = secret('webhook.secretEnv', 'webhook.secretFile');
  for (const p of ['webhook.maxBodyBytes', 'webhook.replayWindow']) {
    const d = get(p);
    if (d && !webhookSecret)
      bad(d.origin, `${p} is set but the webhook has no secret (webhook.secretEnv or secretFile)`);
  }

  // Listen address.
  const listenSetting = get<string>('listen');
  const listen = parseListen(listenSetting?.value ?? DEFAULT_LISTEN);
  if (!listen && listenSetting)
    bad(listenSetting.origin, `listen "${listenSetting.value}" must be host:port, :port or [v6]:port`);

  // Leader election.
  const timingOrigin =
    get('leaderElection.renewDeadline')?.origin ??
    get('leaderElection.leaseDuration')?.origin ??
    get('leaderElection.retryPeriod')?.origin;
  const leaseMs = durationMs(val<string>('leaderElection.leaseDuration') ?? '15s');
  const leaseDurationSeconds = Math.ceil(leaseMs / 1000);
  const leaseDurationOrigin = get('leaderElection.leaseDuration')?.origin;
  if (leaseDurationOrigin && leaseMs % 1000 !== 0)
    bad(
      leaseDurationOrigin,
      'leaderElection.leaseDuration must be whole seconds (a Lease counts in seconds)',
    );
  const timing = {
    leaseDurationSeconds,
    renewDeadlineMs: durationMs(val<string>('leaderElection.renewDeadline') ?? '10s'),
    retryPeriodMs: durationMs(val<string>('leaderElection.retryPeriod') ?? '2s'),
  };
  try {
    checkLeaseTiming(timing);
  } catch (err) {
    const message = `leaderElection: ${(err as Error).message}`;
    if (timingOrigin) bad(timingOrigin, message);
    else missing(message);
  }

  // Sharding.
  const replicas = val<number>('sharding.replicas') ?? 1;
  const indexSetting = get<number>('sharding.index');
  let index = indexSetting?.value ?? 0;
  if (replicas > 1 && !indexSetting) {
    const ordinal = /-(\d+)$/.exec(input.host.hostname)?.[1];
    if (ordinal === undefined)
      missing(
        `sharding.replicas is ${replicas} but no shard index is set and the host name "${input.host.hostname}" has no ordinal: set sharding.index, FEDSYNC_SHARD_INDEX or --shard-index (or run as a StatefulSet)`,
      );
    else index = Number(ordinal);
  }
  if (index >= replicas) {
    const o = indexSetting?.origin ?? get('sharding.replicas')?.origin;
    const message = `shard index ${index} is not below sharding.replicas (${replicas})`;
    if (o) bad(o, message);
    else missing(message);
  }

  const triggerToken = secret('trigger.tokenEnv', 'trigger.tokenFile');

  if (problems.length > 0) return failed(problems);
  const cfg: AgentConfig = {
    repository: {
      location: url ?? path ?? '',
      kind: url !== undefined ? 'url' : 'path',
      cacheDir: val<string>('repository.cacheDir') ?? '.fedsync/cache/git',
      ...(val('repository.branch') !== undefined ? { branch: val<string>('repository.branch') } : {}),
      ...(val('repository.caFile') !== undefined ? { caFile: val<string>('repository.caFile') } : {}),
      ...(token
        ? {
            credentials: {
              token,
              scheme: val<'basic' | 'bearer'>('repository.credentials.scheme') ?? 'basic',
              ...(val('repository.credentials.username') !== undefined
                ? { username: val<string>('repository.credentials.username') }
                : {}),
            },
          }
        : {}),
    },
    kubernetes,
    gcp,
    schedule: {
      cron: cronSetting?.value ?? '* * * * *',
      jitterMs: durationMs(val<string>('schedule.jitter') ?? '6s'),
    },
    previews: { refs },
    ...(forgeKind && baseUrl
      ? { forge: { kind: forgeKind.value, baseUrl, ...(forgeToken ? { token: forgeToken } : {}) } }
      : {}),
    ...(webhookSecret
      ? {
          webhook: {
            secret: webhookSecret,
            maxBodyBytes: val<number>('webhook.maxBodyBytes') ?? 1024 * 1024,
            replayWindowMs: durationMs(val<string>('webhook.replayWindow') ?? '10m'),
          },
        }
      : {}),
    trigger: triggerToken ? { token: triggerToken } : {},
    selfHeal: val<boolean>('selfHeal') ?? true,
    prune: val<boolean>('prune') ?? true,
    listen: listen ?? { host: '127.0.0.1', port: 8080 },
    leaderElection: {
      enabled: val<boolean>('leaderElection.enabled') ?? true,
      namespace:
        val<string>('leaderElection.namespace') ??
        (kubernetes.kind === 'inCluster' && input.host.podNamespace
          ? input.host.podNamespace
          : DEFAULT_LEASE_NAMESPACE),
      leaseName: val<string>('leaderElection.leaseName') ?? 'fedsync',
      identity: val<string>('leaderElection.identity') ?? `${input.host.hostname}_${input.host.instanceId}`,
      ...timing,
    },
    sharding: { replicas, index },
    log: {
      level: val<string>('log.level') ?? 'info',
      format: val<'auto' | 'json' | 'pretty'>('log.format') ?? 'auto',
    },
  };
  return ok(cfg);
}
