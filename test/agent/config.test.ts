import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAgentConfig } from '../../src/agent/config/load.js';
import { parseListen, resolveAgentConfig, type ResolveInput } from '../../src/agent/config/resolve.js';
import { flagSpecs, SETTINGS } from '../../src/agent/config/settings.js';
import type { AgentConfig } from '../../src/agent/config/types.js';
import { formatProblem, type Result } from '../../src/model/problem.js';
import { tempDir } from '../helpers/git.js';

const host = { hostname: 'laptop', instanceId: 'abc123', home: '/home/me' };

/** The ```yaml block under "### Example" in docs/agent.md. */
async function docsExample(): Promise<string> {
  const md = await readFile('docs/agent.md', 'utf8');
  const after = md.slice(md.indexOf('### Example'));
  const m = /```yaml\n([\s\S]*?)```/.exec(after);
  assert.ok(m?.[1], 'docs/agent.md has a yaml example');
  return m[1];
}

function resolve(input: Partial<ResolveInput>): Result<AgentConfig> {
  return resolveAgentConfig({ env: {}, flags: {}, host, ...input });
}

function value(r: Result<AgentConfig>): AgentConfig {
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  return r.value;
}

function problems(r: Result<AgentConfig>): string[] {
  assert.equal(r.ok, false, 'expected problems');
  return r.ok ? [] : r.problems.map(formatProblem);
}

const minimal = 'apiVersion: fedsync.io/v1alpha1\nkind: AgentConfig\nrepository: {path: ./fleet}\n';

describe('agent configuration', () => {
  test('the example in docs/agent.md loads', async () => {
    const cfg = value(resolve({ file: { path: 'agent.yaml', text: await docsExample() } }));
    assert.deepEqual(cfg.repository, {
      location: 'https://github.com/acme/fleet.git',
      kind: 'url',
      branch: 'main',
      cacheDir: '.fedsync/cache/git',
      credentials: { token: { env: 'GIT_TOKEN' }, scheme: 'basic' },
    });
    assert.deepEqual(cfg.kubernetes, { kind: 'kubeconfig', path: '/etc/fedsync/kubeconfig' });
    assert.deepEqual(cfg.gcp, { project: 'acme-prod', credentials: { kind: 'adc' } });
    assert.deepEqual(cfg.schedule, { cron: '* * * * *', jitterMs: 6000, driftIntervalMs: 300_000 });
    assert.deepEqual(cfg.previews.refs, ['refs/heads/preview/*']);
    assert.deepEqual(cfg.forge, {
      kind: 'github',
      repository: 'acme/fleet',
      baseUrl: 'https://api.github.com',
      token: { env: 'GITHUB_TOKEN' },
    });
    assert.deepEqual(cfg.webhook, {
      secret: { file: '/var/run/secrets/fedsync/webhook-secret' },
      maxBodyBytes: 1048576,
      replayWindowMs: 600_000,
    });
    assert.deepEqual(cfg.listen, { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(cfg.leaderElection, {
      enabled: true,
      namespace: 'fedsync-system',
      leaseName: 'fedsync',
      identity: 'laptop_abc123',
      leaseDurationSeconds: 15,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    assert.deepEqual(cfg.sharding, { replicas: 1, index: 0 });
    assert.deepEqual(cfg.log, { level: 'info', format: 'auto' });
    assert.deepEqual(cfg.reconcile, { incremental: { resync: { everyMs: 600_000, everyCycles: 100 } } });
  });

  test('defaults for a minimal file', () => {
    const cfg = value(resolve({ file: { path: 'a.yaml', text: minimal } }));
    assert.deepEqual(cfg.repository, { location: './fleet', kind: 'path', cacheDir: '.fedsync/cache/git' });
    assert.deepEqual(cfg.kubernetes, { kind: 'kubeconfig', path: '/home/me/.kube/config' });
    assert.deepEqual(cfg.listen, { host: '127.0.0.1', port: 8080 });
    assert.equal(cfg.forge, undefined);
    assert.equal(cfg.webhook, undefined);
    assert.deepEqual(cfg.trigger, {});
    assert.equal(cfg.selfHeal, true);
    assert.equal(cfg.prune, true);
  });

  test('precedence: file < environment < flags', () => {
    const file = { path: 'a.yaml', text: `${minimal}listen: 127.0.0.1:1111\nlog: {level: warn}\n` };
    assert.equal(value(resolve({ file })).listen.port, 1111);
    const env = { FEDSYNC_LISTEN: ':2222', FEDSYNC_LOG_LEVEL: 'debug' };
    const withEnv = value(resolve({ file, env }));
    assert.deepEqual(withEnv.listen, { host: '0.0.0.0', port: 2222 });
    assert.equal(withEnv.log.level, 'debug');
    const withFlags = value(resolve({ file, env, flags: { listen: '[::1]:3333' } }));
    assert.deepEqual(withFlags.listen, { host: '::1', port: 3333 });
    assert.equal(withFlags.log.level, 'debug', 'what flags do not set stays as the environment set it');
    // Booleans from both sides, including commander's --no-x.
    assert.equal(value(resolve({ file, env: { FEDSYNC_PRUNE: 'false' } })).prune, false);
    assert.equal(
      value(resolve({ file, env: { FEDSYNC_PRUNE: 'false' }, flags: { prune: true } })).prune,
      true,
    );
    // A list from the environment, the flag's list replaces it.
    const lists = resolve({ file, env: { FEDSYNC_PREVIEW_REFS: 'a/*, refs/tags/v*' } });
    assert.deepEqual(value(lists).previews.refs, ['refs/heads/a/*', 'refs/tags/v*']);
    assert.deepEqual(
      value(resolve({ file, env: { FEDSYNC_PREVIEW_REFS: 'a/*' }, flags: { 'preview-ref': ['b/*'] } }))
        .previews.refs,
      ['refs/heads/b/*'],
    );
  });

  test('a broken file: every problem is reported, each at its file:line, and nothing resolves', () => {
    const text = [
      'apiVersion: fedsync.io/v1',
      'kind: AgentConfig',
      'repository:',
      '  url: git@github.com:acme/fleet.git',
      '  path: ./fleet',
      '  brnch: main',
      'schedule:',
      '  cron: "every minute"',
      '  jitter: 5 seconds',
      'forge:',
      '  kind: bitbucket',
      'listen: localhost',
      'leaderElection:',
      '  leaseDuration: 10s',
      '  renewDeadline: 10s',
      'sharding:',
      '  replicas: 2',
      '  index: 2',
      'selfHeal: "yes"',
      'webhook:',
      '  secretEnv: WEBHOOK SECRET',
    ].join('\n');
    const expected = [
      'agent.yaml:1: apiVersion: must be fedsync.io/v1alpha1',
      'agent.yaml:11: forge.kind: must be one of github, gitea, gitlab',
      'agent.yaml:12: listen "localhost" must be host:port, :port or [v6]:port',
      'agent.yaml:15: leaderElection: renewDeadline (10000 ms) must be shorter than leaseDuration (10 s)',
      'agent.yaml:18: shard index 2 is not below sharding.replicas (2)',
      'agent.yaml:19: selfHeal: must be true or false (unquoted)',
      'agent.yaml:21: webhook.secretEnv: must be an environment variable name',
      'agent.yaml:4: repository.url: must be an http:// or https:// URL',
      'agent.yaml:6: unknown field repository.brnch: AgentConfig has no such field (check the spelling)',
      'agent.yaml:8: schedule.cron "every minute" is not a cron expression (5 fields, or 6 with seconds first)',
      'agent.yaml:9: schedule.jitter: must be a duration such as 500ms, 15s, 10m or 1h',
    ];
    assert.deepEqual(problems(resolve({ file: { path: 'agent.yaml', text } })).sort(), expected.sort());
  });

  test('forge: the repository comes from the repository URL unless set; a local one must name it', () => {
    const url =
      'apiVersion: fedsync.io/v1alpha1\nkind: AgentConfig\nrepository: {url: "https://git.example/gitea/acme/fleet.git"}\n';
    const gitea = value(
      resolve({
        file: { path: 'a.yaml', text: `${url}forge: {kind: gitea, baseUrl: "https://git.example/gitea"}\n` },
      }),
    );
    assert.deepEqual(gitea.forge, {
      kind: 'gitea',
      repository: 'acme/fleet',
      baseUrl: 'https://git.example/gitea',
    });
    const gitlab = value(
      resolve({
        file: { path: 'a.yaml', text: minimal },
        env: {
          FEDSYNC_FORGE: 'gitlab',
          FEDSYNC_FORGE_REPO: 'group/sub/fleet',
          FEDSYNC_FORGE_TOKEN_ENV: 'GL',
        },
        flags: { 'forge-web-url': 'https://gitlab.example' },
      }),
    );
    assert.deepEqual(gitlab.forge, {
      kind: 'gitlab',
      repository: 'group/sub/fleet',
      baseUrl: 'https://gitlab.com',
      webUrl: 'https://gitlab.example',
      token: { env: 'GL' },
    });
    assert.deepEqual(
      problems(resolve({ file: { path: 'a.yaml', text: `${minimal}forge: {kind: github}\n` } })),
      [
        'a.yaml:4: a github forge needs forge.repository (owner/name): the repository is not a URL to take it from',
      ],
    );
    assert.deepEqual(
      problems(
        resolve({
          file: { path: 'a.yaml', text: minimal },
          flags: { forge: 'github', 'forge-repo': 'acme/sub/fleet' },
        }),
      ),
      ['flag --forge-repo: forge.repository "acme/sub/fleet" must be owner/name'],
    );
    assert.deepEqual(
      problems(resolve({ file: { path: 'a.yaml', text: `${minimal}forge: {repository: acme/fleet}\n` } })),
      ['a.yaml:4: forge.repository is set but forge.kind is not: say github, gitea or gitlab'],
    );
  });

  test('alternatives set in one source name both places; a more specific source replaces the other', () => {
    const text = `${minimal.replace('{path: ./fleet}', '{path: ./fleet, url: "https://x.example/f.git"}')}sim: .fedsync/sim\nkubernetes: {kubeconfig: /k}\n`;
    assert.deepEqual(problems(resolve({ file: { path: 'a.yaml', text } })).sort(), [
      'a.yaml:3: repository.path and repository.url (a.yaml:3) are both set; give one',
      'a.yaml:5: kubernetes.kubeconfig and sim (a.yaml:4) are both set; give one',
    ]);
    // The production file, tried on a simulated world: --sim replaces its kubeconfig and credentials.
    const prod = `${minimal}kubernetes: {kubeconfig: /etc/k}\ngcp: {credentialsFile: /etc/key.json}\n`;
    const onSim = value(resolve({ file: { path: 'a.yaml', text: prod }, flags: { sim: '/tmp/sim' } }));
    assert.deepEqual(onSim.kubernetes, { kind: 'sim', dir: '/tmp/sim' });
    assert.deepEqual(onSim.gcp.credentials, { kind: 'sim', dir: '/tmp/sim' });
    const viaEnv = value(
      resolve({ file: { path: 'a.yaml', text: prod }, env: { FEDSYNC_REPO_URL: 'https://g.example/f.git' } }),
    );
    assert.equal(viaEnv.repository.location, 'https://g.example/f.git');
    // A credentials file given next to --sim (same source) is still a mistake worth saying.
    assert.deepEqual(
      problems(resolve({ flags: { 'repo-path': '.', sim: '/s', 'gcp-credentials-file': '/k.json' } })),
      [
        'flag --gcp-credentials-file: a simulated world brings its own Google Cloud; drop the credentials file',
      ],
    );
  });

  test('in a pod with a member kubeconfig: the Lease via the service account, unless a context is named', () => {
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', FEDSYNC_REPO_PATH: '.' };
    assert.deepEqual(value(resolve({ env, flags: { kubeconfig: '/m/kubeconfig' } })).kubernetes, {
      kind: 'kubeconfig',
      path: '/m/kubeconfig',
      inCluster: true,
    });
    assert.deepEqual(
      value(resolve({ env, flags: { kubeconfig: '/m/kubeconfig', context: 'eu-1' } })).kubernetes,
      { kind: 'kubeconfig', path: '/m/kubeconfig', context: 'eu-1', inCluster: true },
    );
    assert.deepEqual(problems(resolve({ env, flags: { context: 'eu-1' } })), [
      'flag --context: kubernetes.context names a context of a kubeconfig, and none is set',
    ]);
    assert.deepEqual(
      value(resolve({ env: { ...env, FEDSYNC_IN_CLUSTER: 'false' }, flags: { kubeconfig: '/k' } }))
        .kubernetes,
      { kind: 'kubeconfig', path: '/k' },
    );
  });

  test('fetch limits, the policy file, retry backoff, the drift interval, suspend and reporting', () => {
    const text = `${minimal.replace('{path: ./fleet}', '{path: ./fleet, policyFile: /etc/policy.yaml, timeout: 45s, lowSpeedLimit: 0}')}schedule: {driftInterval: 2m}\nretry: {initialDelay: 500ms, maxDelay: 1m}\nsuspend: true\nreport: {enabled: false}\n`;
    const cfg = value(
      resolve({ file: { path: 'a.yaml', text }, env: { FEDSYNC_GIT_LOW_SPEED_TIME: '10s' } }),
    );
    assert.equal(cfg.repository.policyFile, '/etc/policy.yaml');
    assert.deepEqual(cfg.repository.fetchTimeouts, {
      totalMs: 45_000,
      lowSpeedBytesPerSecond: 0,
      lowSpeedWindowMs: 10_000,
    });
    assert.equal(cfg.schedule.driftIntervalMs, 120_000);
    assert.deepEqual(cfg.retry, { initialMs: 500, maxMs: 60_000 });
    assert.equal(cfg.suspend, true);
    assert.deepEqual(cfg.report, { enabled: false });
    const defaults = value(resolve({ file: { path: 'a.yaml', text: minimal } }));
    assert.equal(defaults.repository.fetchTimeouts, undefined);
    assert.equal(defaults.schedule.driftIntervalMs, 300_000);
    assert.deepEqual(defaults.retry, { initialMs: 2000, maxMs: 300_000 });
    assert.equal(defaults.suspend, false);
    assert.deepEqual(defaults.report, { enabled: true });
    assert.equal(
      value(resolve({ file: { path: 'a.yaml', text: minimal }, env: { FEDSYNC_POLICY_FILE: '/p' } }))
        .repository.policyFile,
      '/p',
    );
    assert.deepEqual(
      problems(
        resolve({
          file: { path: 'a.yaml', text: minimal },
          flags: { 'retry-max': '1s', 'retry-initial': '5s', 'git-timeout': '0s' },
        }),
      ).sort(),
      [
        'flag --git-timeout: must be longer than 0',
        'flag --retry-max: retry.maxDelay (1000 ms) must be at least retry.initialDelay (5000 ms), which must be above 0',
      ],
    );
  });

  test('incremental reconcile: on by default, its full resync from file, environment or flags', () => {
    const defaults = value(resolve({ file: { path: 'a.yaml', text: minimal } }));
    assert.deepEqual(defaults.reconcile, {
      incremental: { resync: { everyMs: 600_000, everyCycles: 100 } },
    });
    const file = { path: 'a.yaml', text: `${minimal}reconcile: {resyncInterval: 90s, resyncCycles: 7}\n` };
    assert.deepEqual(value(resolve({ file })).reconcile, {
      incremental: { resync: { everyMs: 90_000, everyCycles: 7 } },
    });
    assert.deepEqual(value(resolve({ file, env: { FEDSYNC_RESYNC_INTERVAL: '1h' } })).reconcile, {
      incremental: { resync: { everyMs: 3_600_000, everyCycles: 7 } },
    });
    const off = { path: 'a.yaml', text: `${minimal}reconcile: {incremental: false}\n` };
    assert.deepEqual(value(resolve({ file: off })).reconcile, { incremental: false });
    assert.deepEqual(value(resolve({ file: off, flags: { incremental: true } })).reconcile, {
      incremental: { resync: { everyMs: 600_000, everyCycles: 100 } },
    });
    assert.deepEqual(
      value(resolve({ file: { path: 'a.yaml', text: minimal }, env: { FEDSYNC_INCREMENTAL: 'false' } }))
        .reconcile,
      { incremental: false },
    );
  });

  test('broken incremental settings are reported at their file:line or source', () => {
    const text = [
      minimal.trimEnd(),
      'reconcile:',
      '  incremental: no',
      '  resyncInterval: 10 minutes',
      '  resyncCycles: 0',
      '  resyncEvery: 5m',
    ].join('\n');
    assert.deepEqual(problems(resolve({ file: { path: 'agent.yaml', text } })).sort(), [
      'agent.yaml:5: reconcile.incremental: must be true or false (unquoted)',
      'agent.yaml:6: reconcile.resyncInterval: must be a duration such as 500ms, 15s, 10m or 1h',
      'agent.yaml:7: reconcile.resyncCycles: must be a whole number ≥ 1',
      'agent.yaml:8: unknown field reconcile.resyncEvery: AgentConfig has no such field (check the spelling)',
    ]);
    const contradicts = `${minimal}reconcile:\n  incremental: false\n  resyncCycles: 3\n`;
    assert.deepEqual(problems(resolve({ file: { path: 'agent.yaml', text: contradicts } })), [
      'agent.yaml:6: reconcile.resyncCycles is set but reconcile.incremental is false: every cycle is a full plan already',
    ]);
    assert.deepEqual(
      problems(resolve({ file: { path: 'a.yaml', text: minimal }, flags: { 'resync-interval': '0s' } })),
      ['flag --resync-interval: reconcile.resyncInterval must be longer than 0'],
    );
  });

  test('YAML that does not parse is one problem at its line', () => {
    const found = problems(resolve({ file: { path: 'a.yaml', text: `${minimal}listen: [oops\n` } }));
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /^a\.yaml:\d+: invalid YAML/);
    assert.deepEqual(problems(resolve({ file: { path: 'e.yaml', text: '# nothing\n' } })), [
      'e.yaml:1: the configuration file is empty; it needs apiVersion: fedsync.io/v1alpha1 and kind: AgentConfig',
    ]);
  });

  test('environment variables and flags are checked and named', () => {
    const found = problems(
      resolve({
        file: { path: 'a.yaml', text: minimal },
        env: { FEDSYNC_SHARD_INDEX: 'x', FEDSYNC_LEADER_ELECT: 'maybe' },
        flags: { 'shard-replicas': '0', 'renew-deadline': '10' },
      }),
    );
    assert.deepEqual(found.sort(), [
      'environment variable FEDSYNC_LEADER_ELECT: must be true or false, got "maybe"',
      'environment variable FEDSYNC_SHARD_INDEX: must be a whole number, got "x"',
      'flag --renew-deadline: must be a duration such as 500ms, 15s, 10m or 1h',
      'flag --shard-replicas: must be a whole number ≥ 1',
    ]);
  });

  test('no repository anywhere says where one can be given', () => {
    assert.deepEqual(problems(resolve({})), [
      'no federation repository: set repository.url or repository.path in the file, FEDSYNC_REPO_URL or FEDSYNC_REPO_PATH, or --repo-url or --repo-path',
    ]);
  });

  test('in a pod: in-cluster credentials, the pod namespace for the Lease, the shard from the ordinal', () => {
    const cfg = value(
      resolve({
        env: {
          KUBERNETES_SERVICE_HOST: '10.0.0.1',
          FEDSYNC_REPO_URL: 'https://g.example/f.git',
          FEDSYNC_SHARD_REPLICAS: '3',
        },
        host: { hostname: 'fedsync-2', instanceId: 'x', podNamespace: 'platform' },
      }),
    );
    assert.deepEqual(cfg.kubernetes, { kind: 'inCluster' });
    assert.equal(cfg.leaderElection.namespace, 'platform');
    assert.deepEqual(cfg.sharding, { replicas: 3, index: 2 });
    assert.deepEqual(problems(resolve({ env: { FEDSYNC_REPO_PATH: '.', FEDSYNC_SHARD_REPLICAS: '3' } })), [
      'sharding.replicas is 3 but no shard index is set and the host name "laptop" has no ordinal: set sharding.index, FEDSYNC_SHARD_INDEX or --shard-index (or run as a StatefulSet)',
    ]);
  });

  test('--sim gives the simulated clusters and Google Cloud', () => {
    const cfg = value(resolve({ flags: { 'repo-path': '.', sim: '.fedsync/sim' } }));
    assert.deepEqual(cfg.kubernetes, { kind: 'sim', dir: '.fedsync/sim' });
    assert.deepEqual(cfg.gcp.credentials, { kind: 'sim', dir: '.fedsync/sim' });
  });

  test('secrets are references: a token in the environment never enters the configuration', () => {
    const cfg = value(
      resolve({
        env: {
          FEDSYNC_REPO_URL: 'https://g.example/f.git',
          FEDSYNC_GIT_TOKEN_ENV: 'MY_TOKEN',
          MY_TOKEN: 'ghp_s3cr3t',
          FEDSYNC_WEBHOOK_SECRET_ENV: 'HOOK',
          HOOK: 'hook-s3cr3t',
        },
      }),
    );
    assert.deepEqual(cfg.repository.credentials?.token, { env: 'MY_TOKEN' });
    assert.deepEqual(cfg.webhook?.secret, { env: 'HOOK' });
    assert.doesNotMatch(JSON.stringify(cfg), /s3cr3t/);
  });

  test('every setting has a flag and an environment variable, each name used once', () => {
    const flags = SETTINGS.map((s) => s.flag);
    const envs = SETTINGS.map((s) => s.env);
    assert.ok(flags.every(Boolean) && envs.every(Boolean));
    assert.equal(new Set(flags).size, flags.length);
    assert.equal(new Set(envs).size, envs.length);
    const specs = flagSpecs().map((f) => f.flags);
    assert.ok(specs.includes('--no-prune') && specs.includes('--shard-index <value>'));
    assert.ok(specs.includes('--preview-ref <value...>') && specs.includes('--config <file>'));
  });

  test('parseListen', () => {
    assert.deepEqual(parseListen('0.0.0.0:9090'), { host: '0.0.0.0', port: 9090 });
    assert.deepEqual(parseListen(':80'), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(parseListen('[::]:8080'), { host: '::', port: 8080 });
    assert.equal(parseListen('host:70000'), undefined);
    assert.equal(parseListen('8080'), undefined);
  });

  test('loadAgentConfig reads --config or FEDSYNC_CONFIG; an unreadable file is one clear problem', async () => {
    const { path: dir, remove } = await tempDir();
    const file = join(dir, 'agent.yaml');
    await writeFile(file, await docsExample());
    const host2 = { hostname: 'h', instanceId: 'i' };
    const viaEnv = await loadAgentConfig({ flags: {}, env: { FEDSYNC_CONFIG: file }, host: host2 });
    assert.equal(value(viaEnv).repository.location, 'https://github.com/acme/fleet.git');
    const viaFlag = await loadAgentConfig({ flags: { config: file, branch: 'dev' }, env: {}, host: host2 });
    assert.equal(value(viaFlag).repository.branch, 'dev');
    const gone = await loadAgentConfig({ flags: { config: join(dir, 'nope.yaml') }, env: {}, host: host2 });
    assert.deepEqual(problems(gone), [
      `cannot read the configuration file ${join(dir, 'nope.yaml')} (ENOENT)`,
    ]);
    await remove();
  });
});
