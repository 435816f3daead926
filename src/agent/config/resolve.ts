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
import type { FetchTimeouts } from '../../source/port.js';
import { defaultFullResync } from '../plan-mode.js';
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

const RANK: Record<Origin['kind'], number> = { file: 0, env: 1, flag: 2 };

/** host:port, :port, [v6]:port. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '0.0.0.0' : m[2]);
  return { host, port };
}

/**
 * The forge's name of the followed repository, from its clone URL: the path without `.git` (and
 * without the server's own path prefix, for a Gitea or GitLab under a subpath).
 */
export function repositoryOnForge(repoUrl: string, baseUrl: string | undefined): string | undefined {
  let u: URL;
  try {
    u = new URL(repoUrl);
  } catch {
    return undefined;
  }
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (baseUrl) {
    try {
      const b = new URL(baseUrl);
      const prefix = b.pathname.replace(/\/+$/, '');
      if (b.origin === u.origin && prefix && path.startsWith(`${prefix}/`)) path = path.slice(prefix.length);
    } catch {
      // a bad base URL is reported where it is checked
    }
  }
  const name = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  return name === '' ? undefined : name;
}

function validForgeRepository(kind: ForgeKind, repository: string): boolean {
  if (kind === 'gitlab') return /^[^/\s]+(\/[^/\s]+)*$/.test(repository);
  return /^[^/\s]+\/[^/\s]+$/.test(repository);
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
  /**
   * Settings that are alternatives (a URL or a path; a simulated world or a kubeconfig): the most
   * specific source wins — a flag's choice replaces the file's — and two of them from the same
   * source are a conflict naming both places.
   */
  const oneOf = (...paths: string[]): void => {
    const present = paths.flatMap((p) => {
      const g = get(p);
      return g ? [{ path: p, origin: g.origin }] : [];
    });
    if (present.length < 2) return;
    const top = Math.max(...present.map((x) => RANK[x.origin.kind]));
    for (const x of present) if (RANK[x.origin.kind] < top) merged.delete(x.path);
    const winners = present.filter((x) => RANK[x.origin.kind] === top);
    const [first, second] = winners;
    if (first && second)
      bad(
        second.origin,
        `${second.path} and ${first.path} (${describeOrigin(first.origin)}) are both set; give one`,
        'config.conflict',
      );
  };
  const secret = (envPath: string, filePath: string): SecretRef | undefined => {
    oneOf(envPath, filePath);
    const e = val<string>(envPath);
    const f = val<string>(filePath);
    return e !== undefined ? { env: e } : f !== undefined ? { file: f } : undefined;
  };

  // Repository.
  oneOf('repository.url', 'repository.path');
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

  // Clusters: a simulated world or a kubeconfig with a context per member cluster; in a pod the
  // agent's own cluster (its Lease) is reached with the pod's service account.
  oneOf('sim', 'kubernetes.kubeconfig');
  if (get<boolean>('kubernetes.inCluster')?.value === true) oneOf('sim', 'kubernetes.inCluster');
  const sim = get<string>('sim');
  const kubeconfig = get<string>('kubernetes.kubeconfig');
  const inCluster = get<boolean>('kubernetes.inCluster');
  const contextSetting = get<string>('kubernetes.context');
  const context = contextSetting?.value;
  const inPod =
    inCluster?.value === true || (inCluster === undefined && !sim && !!input.env.KUBERNETES_SERVICE_HOST);
  let kubernetes: AgentConfig['kubernetes'];
  if (sim) kubernetes = { kind: 'sim', dir: sim.value, ...(context ? { context } : {}) };
  else if (kubeconfig)
    kubernetes = {
      kind: 'kubeconfig',
      path: kubeconfig.value,
      ...(context ? { context } : {}),
      ...(inPod ? { inCluster: true as const } : {}),
    };
  else if (inPod) {
    kubernetes = { kind: 'inCluster' };
    if (contextSetting)
      bad(contextSetting.origin, 'kubernetes.context names a context of a kubeconfig, and none is set');
  } else {
    const fromEnv = input.env.KUBECONFIG?.split(':')[0];
    const home = input.host.home;
    const fallback = fromEnv || (home ? `${home}/.kube/config` : undefined);
    if (!fallback) missing('no clusters: set kubernetes.kubeconfig, kubernetes.inCluster or sim');
    kubernetes = { kind: 'kubeconfig', path: fallback ?? '', ...(context ? { context } : {}) };
  }

  // Google Cloud.
  const credentialsFile = get<string>('gcp.credentialsFile');
  // A world chosen where the file's credentials were set (a flag over the file) replaces them.
  if (sim && credentialsFile && RANK[credentialsFile.origin.kind] >= RANK[sim.origin.kind])
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
  for (const p of [
    'forge.repository',
    'forge.baseUrl',
    'forge.webUrl',
    'forge.tokenEnv',
    'forge.tokenFile',
  ]) {
    const d = get(p);
    if (d && !forgeKind) bad(d.origin, `${p} is set but forge.kind is not: say github, gitea or gitlab`);
  }
  if (forgeKind && !baseUrl)
    bad(forgeKind.origin, `a ${forgeKind.value} forge needs forge.baseUrl (its server address)`);
  const forgeRepoSetting = get<string>('forge.repository');
  const forgeRepository = forgeKind
    ? (forgeRepoSetting?.value.trim() ?? (url !== undefined ? repositoryOnForge(url, baseUrl) : undefined))
    : undefined;
  if (forgeKind && forgeRepository === undefined)
    bad(
      forgeKind.origin,
      `a ${forgeKind.value} forge needs forge.repository (owner/name${forgeKind.value === 'gitlab' ? ', or the project path or id' : ''}): the repository is not a URL to take it from`,
    );
  if (forgeKind && forgeRepository !== undefined && !validForgeRepository(forgeKind.value, forgeRepository))
    bad(
      forgeRepoSetting?.origin ?? forgeKind.origin,
      forgeRepoSetting
        ? `forge.repository "${forgeRepository}" must be ${forgeKind.value === 'gitlab' ? 'a project path (group/name) or id' : 'owner/name'}`
        : `forge.repository is not set and "${forgeRepository}" (from repository.url) is not owner/name: set forge.repository`,
    );
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

  // Fetch limits (only those set) and retry backoff.
  const fetchTimeoutsSet: Partial<FetchTimeouts> = {};
  const gitTimeout = get<string>('repository.timeout');
  if (gitTimeout) fetchTimeoutsSet.totalMs = durationMs(gitTimeout.value);
  const lowSpeed = val<number>('repository.lowSpeedLimit');
  if (lowSpeed !== undefined) fetchTimeoutsSet.lowSpeedBytesPerSecond = lowSpeed;
  const lowSpeedTime = val<string>('repository.lowSpeedTime');
  if (lowSpeedTime !== undefined) fetchTimeoutsSet.lowSpeedWindowMs = durationMs(lowSpeedTime);
  for (const t of [gitTimeout, get<string>('repository.lowSpeedTime')])
    if (t && durationMs(t.value) === 0) bad(t.origin, 'must be longer than 0');
  const fetchTimeouts = Object.keys(fetchTimeoutsSet).length > 0 ? fetchTimeoutsSet : undefined;
  const retry = {
    initialMs: durationMs(val<string>('retry.initialDelay') ?? '2s'),
    maxMs: durationMs(val<string>('retry.maxDelay') ?? '5m'),
  };
  const retryMax = get('retry.maxDelay') ?? get('retry.initialDelay');
  if (retryMax && (retry.initialMs < 1 || retry.maxMs < retry.initialMs))
    bad(
      retryMax.origin,
      `retry.maxDelay (${retry.maxMs} ms) must be at least retry.initialDelay (${retry.initialMs} ms), which must be above 0`,
    );
  const driftInterval = get<string>('schedule.driftInterval');
  if (driftInterval && durationMs(driftInterval.value) < 1000)
    bad(driftInterval.origin, 'schedule.driftInterval must be at least 1s');

  // Incremental reconcile and its periodic full resync.
  const incremental = val<boolean>('reconcile.incremental') ?? true;
  const resyncInterval = get<string>('reconcile.resyncInterval');
  const resyncCycles = get<number>('reconcile.resyncCycles');
  if (resyncInterval && durationMs(resyncInterval.value) === 0)
    bad(resyncInterval.origin, 'reconcile.resyncInterval must be longer than 0');
  for (const [p, d] of [
    ['reconcile.resyncInterval', resyncInterval],
    ['reconcile.resyncCycles', resyncCycles],
  ] as const)
    if (d && !incremental)
      bad(d.origin, `${p} is set but reconcile.incremental is false: every cycle is a full plan already`);
  const reconcile: AgentConfig['reconcile'] = {
    incremental: incremental && {
      resync: {
        everyMs: resyncInterval ? durationMs(resyncInterval.value) : defaultFullResync.everyMs,
        everyCycles: resyncCycles?.value ?? defaultFullResync.everyCycles,
      },
    },
  };

  if (problems.length > 0) return failed(problems);
  const cfg: AgentConfig = {
    repository: {
      location: url ?? path ?? '',
      kind: url !== undefined ? 'url' : 'path',
      cacheDir: val<string>('repository.cacheDir') ?? '.fedsync/cache/git',
      ...(val('repository.branch') !== undefined ? { branch: val<string>('repository.branch') } : {}),
      ...(val('repository.caFile') !== undefined ? { caFile: val<string>('repository.caFile') } : {}),
      ...(val('repository.policyFile') !== undefined
        ? { policyFile: val<string>('repository.policyFile') }
        : {}),
      ...(fetchTimeouts ? { fetchTimeouts } : {}),
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
      driftIntervalMs: durationMs(val<string>('schedule.driftInterval') ?? '5m'),
    },
    retry,
    reconcile,
    suspend: val<boolean>('suspend') ?? false,
    report: { enabled: val<boolean>('report.enabled') ?? true },
    previews: { refs },
    ...(forgeKind && baseUrl && forgeRepository
      ? {
          forge: {
            kind: forgeKind.value,
            repository: forgeRepository,
            baseUrl,
            ...(val('forge.webUrl') !== undefined ? { webUrl: val<string>('forge.webUrl') } : {}),
            ...(forgeToken ? { token: forgeToken } : {}),
          },
        }
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
