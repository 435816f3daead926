// charts/fedsync without a Helm binary: values.yaml against values.schema.json; every value a
// template names exists in both, and every value is used; the templates rendered (by the subset
// renderer in test/helpers) with defaults and with every option on are Kubernetes objects a
// simulated cluster accepts with server-side dry-run; the Deployment is locked down, its probes,
// ports and mounts line up, and the configuration file it mounts loads with the agent's own loader.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { loadAgentConfig } from '../../src/agent/config/load.js';
import { createClusterClient } from '../../src/kube/client-node.js';
import { refOf } from '../../src/model/index.js';
import type { KubeObject } from '../../src/model/index.js';
import type { SimCluster } from '../../src/sim/kube/cluster.js';
import { createRenderer, valuesPathsUsed } from '../helpers/helm-template.js';
import { kubeConfigFor, testCluster } from '../sim/kube/helpers.js';

const CHART = 'charts/fedsync';
const NAMESPACE = 'fedsync-system';
const release = { name: 'fedsync', namespace: NAMESPACE };

type Dict = Record<string, unknown>;
type SchemaNode = {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  $ref?: string;
};

const everything = {
  config: {
    repository: { url: 'https://git.example.com/acme/fleet.git', branch: 'prod', username: 'bot' },
    kubernetes: { context: 'hub' },
    gcp: { project: 'acme-prod' },
    previewRefs: ['preview/*'],
    forge: { kind: 'gitea', baseUrl: 'https://gitea.example.com/api/v1' },
    log: { level: 'debug', format: 'json' },
  },
  secrets: {
    gitToken: { name: 'git', key: 'token' },
    webhookSecret: { name: 'hooks', key: 'secret' },
    forgeToken: { name: 'forge', key: 'token' },
    memberKubeconfig: { name: 'members', key: 'config' },
    googleCredentials: { name: 'gcp-key', key: 'key.json' },
  },
  imagePullSecrets: [{ name: 'registry' }],
  replicaCount: 2,
  serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
  serviceAccount: { annotations: { team: 'platform' } },
  podAnnotations: { 'example.com/owner': 'platform' },
  podLabels: { tier: 'control' },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'control', effect: 'NoSchedule' }],
  affinity: { podAntiAffinity: {} },
};
const workloadIdentity = {
  config: { gcp: { project: 'acme-prod' } },
  workloadIdentity: { enabled: true, gcpServiceAccount: 'fedsync@acme-prod.iam.gserviceaccount.com' },
};

const render = (overrides: Dict = {}) => createRenderer(CHART, release, overrides).render();
const byKind = (objects: Dict[], kind: string): Dict[] => objects.filter((o) => o.kind === kind);
const one = (objects: Dict[], kind: string): Dict => {
  const found = byKind(objects, kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0] as Dict;
};
const at = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Dict)[k] : undefined), o);

function leafPaths(v: unknown, prefix = ''): string[] {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0) return [prefix];
  return Object.entries(v as Dict).flatMap(([k, c]) => leafPaths(c, prefix ? `${prefix}.${k}` : k));
}

async function schema(): Promise<Dict> {
  return JSON.parse(await readFile(join(CHART, 'values.schema.json'), 'utf8')) as Dict;
}

function schemaHas(root: Dict, path: string): boolean {
  let node = root as SchemaNode;
  for (const key of path.split('.')) {
    while (node.$ref) node = at(root, node.$ref.replace(/^#\//, '').replace(/\//g, '.')) as SchemaNode;
    const next = node.properties?.[key];
    if (!next) return false;
    node = next;
  }
  return true;
}

async function validator(): Promise<(values: unknown) => string[]> {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const check = ajv.compile(await schema());
  return (values) =>
    check(values) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('the fedsync Helm chart', () => {
  test('values.yaml, and the overrides these tests use, satisfy values.schema.json; typos do not', async () => {
    const validate = await validator();
    for (const overrides of [{}, everything, workloadIdentity])
      assert.deepEqual(validate(createRenderer(CHART, release, overrides).values), []);
    const typo = validate(createRenderer(CHART, release, { service: { prot: 80 } }).values);
    assert.ok(
      typo.some((e) => e.includes('must NOT have additional properties')),
      typo.join('; '),
    );
    const badSecret = validate(
      createRenderer(CHART, release, { secrets: { gitToken: { name: 'Git Token' } } }).values,
    );
    assert.ok(
      badSecret.some((e) => e.startsWith('/secrets/gitToken/name')),
      badSecret.join('; '),
    );
  });

  test('every value a template uses exists in values.yaml and the schema, and every value is used', async () => {
    const values = load(await readFile(join(CHART, 'values.yaml'), 'utf8')) as Dict;
    const root = await schema();
    const used = valuesPathsUsed(CHART);
    assert.ok(used.size > 30, `${used.size} value paths found in the templates`);
    for (const [path, files] of used) {
      const parent = path.split('.').slice(0, -1).join('.');
      const container = parent ? at(values, parent) : values;
      assert.ok(
        container && typeof container === 'object' && path.split('.').at(-1)! in container,
        `${path} (used in ${files.join(', ')}) is not in values.yaml`,
      );
      assert.ok(schemaHas(root, path), `${path} (used in ${files.join(', ')}) is not in values.schema.json`);
    }
    for (const leaf of leafPaths(values)) {
      const isUsed = [...used.keys()].some((p) => leaf === p || leaf.startsWith(`${p}.`));
      assert.ok(isUsed, `values.yaml has ${leaf}, which no template uses`);
    }
  });

  describe('rendered objects on a simulated cluster', () => {
    let sim: SimCluster;
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fedsync-chart-'));
      sim = await testCluster({
        customResources: [
          { group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor', hasStatus: false },
        ],
      });
      const client = createClusterClient({ name: sim.name, kubeConfig: kubeConfigFor(sim) });
      await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    });
    after(async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    });

    for (const [name, overrides, kinds] of [
      ['defaults', {}, ['ConfigMap', 'Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']],
      [
        'every option on',
        everything,
        ['ConfigMap', 'Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'ServiceMonitor'],
      ],
      [
        'Workload Identity',
        workloadIdentity,
        ['ConfigMap', 'Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'],
      ],
    ] as const) {
      test(`${name}: the API server accepts every object with server-side dry-run, and stores none`, async () => {
        const { objects } = render(overrides);
        assert.deepEqual(objects.map((o) => o.kind).sort(), [...kinds]);
        const client = createClusterClient({ name: sim.name, kubeConfig: kubeConfigFor(sim) });
        for (const obj of objects) {
          const meta = obj.metadata as Dict;
          assert.equal(meta.namespace, NAMESPACE, `${String(obj.kind)} in the release namespace`);
          const accepted = await client.apply(obj as KubeObject, { dryRun: true });
          assert.equal(accepted.metadata.name, meta.name);
          const ref = { ...refOf(obj as KubeObject), apiVersion: String(obj.apiVersion) };
          assert.equal(await client.get(ref), undefined, `dry-run stored no ${ref.kind}`);
        }
      });

      test(`${name}: the configuration file loads with the agent's loader and points at mounted files`, async () => {
        const { objects } = render(overrides);
        const data = one(objects, 'ConfigMap').data as Record<string, string>;
        const file = join(dir, `config-${name.replace(/\W+/g, '-')}.yaml`);
        await writeFile(file, data['config.yaml'] ?? '');
        const loaded = await loadAgentConfig({
          flags: { config: file },
          env: {},
          host: { hostname: 'fedsync-0', instanceId: 'abc', podNamespace: NAMESPACE },
        });
        assert.ok(loaded.ok, JSON.stringify(loaded));
        const config = loaded.value;
        assert.deepEqual(config.listen, { host: '0.0.0.0', port: 8080 });
        assert.equal(config.leaderElection.namespace, NAMESPACE);

        const pod = at(one(objects, 'Deployment'), 'spec.template.spec') as Dict;
        const container = (pod.containers as Dict[])[0] as Dict;
        const mounts = container.volumeMounts as { name: string; mountPath: string }[];
        const volumes = pod.volumes as Dict[];
        /** The file a path in the configuration names must be an item of a mounted Secret. */
        const secretBehind = (path: string): string => {
          const mount = mounts.find((m) => path.startsWith(`${m.mountPath}/`));
          assert.ok(mount, `${path} is under a volume mount`);
          const volume = volumes.find((v) => v.name === mount.name) as Dict;
          const items = at(volume, 'secret.items') as { key: string; path: string }[];
          assert.ok(
            items?.some((i) => `${mount.mountPath}/${i.path}` === path),
            `${path} is a Secret item`,
          );
          return String(at(volume, 'secret.secretName'));
        };
        const fileOf = (ref: unknown): string => {
          assert.ok(
            ref && typeof ref === 'object' && 'file' in ref,
            `a file reference: ${JSON.stringify(ref)}`,
          );
          return (ref as { file: string }).file;
        };
        const s = (overrides as { secrets?: Record<string, { name: string }> }).secrets;
        if (s) {
          assert.equal(secretBehind(fileOf(config.repository.credentials?.token)), s.gitToken?.name);
          assert.equal(secretBehind(fileOf(config.webhook?.secret)), s.webhookSecret?.name);
          assert.equal(secretBehind(fileOf(config.forge?.token)), s.forgeToken?.name);
          assert.equal(config.kubernetes.kind, 'kubeconfig');
          if (config.kubernetes.kind === 'kubeconfig') {
            assert.equal(secretBehind(config.kubernetes.path), s.memberKubeconfig?.name);
            assert.equal(config.kubernetes.context, 'hub');
          }
          assert.equal(config.gcp.credentials.kind, 'file');
          if (config.gcp.credentials.kind === 'file')
            assert.equal(secretBehind(config.gcp.credentials.path), s.googleCredentials?.name);
          assert.equal(config.repository.credentials?.username, 'bot');
          assert.deepEqual(config.previews.refs, ['refs/heads/preview/*']);
        } else {
          assert.equal(config.repository.credentials, undefined);
          assert.equal(config.webhook, undefined);
          assert.deepEqual(config.kubernetes, { kind: 'inCluster' });
          assert.deepEqual(config.gcp.credentials, { kind: 'adc' });
          assert.equal(volumes.filter((v) => v.secret).length, 0, 'no Secret mounted');
        }
        // The cache directory is writable: it lives on a mounted emptyDir.
        const cache = mounts.find((m) => config.repository.cacheDir.startsWith(`${m.mountPath}/`));
        assert.ok(
          cache &&
            at(
              volumes.find((v) => v.name === cache.name),
              'emptyDir',
            ),
          'Git cache on an emptyDir',
        );
      });
    }
  });

  test('the Deployment runs non-root on a read-only root, probes /healthz and /readyz, waits for SIGTERM', () => {
    const { objects } = render();
    const deployment = one(objects, 'Deployment');
    const pod = at(deployment, 'spec.template.spec') as Dict;
    const container = (pod.containers as Dict[])[0] as Dict;
    assert.equal(at(pod, 'securityContext.runAsNonRoot'), true);
    assert.notEqual(at(pod, 'securityContext.runAsUser'), 0);
    assert.equal(at(container, 'securityContext.readOnlyRootFilesystem'), true);
    assert.equal(at(container, 'securityContext.allowPrivilegeEscalation'), false);
    assert.deepEqual(at(container, 'securityContext.capabilities.drop'), ['ALL']);
    assert.deepEqual(container.args, ['run', '--config', '/etc/fedsync/config.yaml']);
    const port = (container.ports as Dict[])[0] as Dict;
    assert.deepEqual([port.name, port.containerPort], ['http', 8080]);
    assert.deepEqual(at(container, 'livenessProbe.httpGet'), { path: '/healthz', port: 'http' });
    assert.deepEqual(at(container, 'readinessProbe.httpGet'), { path: '/readyz', port: 'http' });
    assert.ok(Number(pod.terminationGracePeriodSeconds) >= 30);
    assert.ok(at(container, 'resources.requests.memory') && at(container, 'resources.limits.memory'));
    assert.equal(pod.serviceAccountName, at(one(objects, 'ServiceAccount'), 'metadata.name'));
    const configMount = (container.volumeMounts as Dict[]).find((m) => m.mountPath === '/etc/fedsync');
    const configVolume = (pod.volumes as Dict[]).find((v) => v.name === configMount?.name);
    assert.equal(at(configVolume, 'configMap.name'), at(one(objects, 'ConfigMap'), 'metadata.name'));

    const service = one(objects, 'Service');
    assert.deepEqual(at(service, 'spec.selector'), at(deployment, 'spec.selector.matchLabels'));
    assert.equal(((at(service, 'spec.ports') as Dict[])[0] as Dict).targetPort, 'http');

    const before = at(deployment, 'spec.template.metadata.annotations.checksum/config');
    const changed = at(
      one(render({ config: { schedule: { cron: '*/5 * * * *' } } }).objects, 'Deployment'),
      'spec.template.metadata.annotations',
    ) as Dict;
    assert.notEqual(changed['checksum/config'], before, 'a configuration change rolls the pods');
  });

  test('RBAC: the Lease in the release namespace and nothing else, bound to the ServiceAccount', () => {
    const { objects } = render();
    const role = one(objects, 'Role');
    const rules = role.rules as {
      apiGroups: string[];
      resources: string[];
      verbs: string[];
      resourceNames?: string[];
    }[];
    for (const rule of rules) {
      assert.deepEqual(rule.apiGroups, ['coordination.k8s.io']);
      assert.deepEqual(rule.resources, ['leases']);
    }
    assert.deepEqual(
      rules.map((r) => [r.verbs, r.resourceNames]),
      [
        [['create'], undefined],
        [['get', 'update'], ['fedsync']],
      ],
    );
    assert.equal(byKind(objects, 'ClusterRole').length + byKind(objects, 'ClusterRoleBinding').length, 0);
    const binding = one(objects, 'RoleBinding');
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: at(role, 'metadata.name'),
    });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'fedsync', namespace: NAMESPACE }]);
    assert.equal(
      render({ rbac: { create: false } }).objects.filter((o) => String(o.kind).startsWith('Role')).length,
      0,
    );
  });

  test('Workload Identity annotates the ServiceAccount and mounts no key; with a key it is refused', () => {
    const sa = one(render(workloadIdentity).objects, 'ServiceAccount');
    const annotations = at(sa, 'metadata.annotations') as Record<string, string>;
    assert.equal(annotations['iam.gke.io/gcp-service-account'], 'fedsync@acme-prod.iam.gserviceaccount.com');
    const pod = at(one(render(workloadIdentity).objects, 'Deployment'), 'spec.template.spec') as Dict;
    assert.equal((pod.volumes as Dict[]).filter((v) => v.secret).length, 0, 'no key file mounted');
    assert.throws(
      () => render({ ...workloadIdentity, secrets: { googleCredentials: { name: 'gcp-key' } } }),
      /workloadIdentity.enabled and secrets.googleCredentials.name exclude each other/,
    );
    assert.throws(
      () => render({ workloadIdentity: { enabled: true } }),
      /workloadIdentity.gcpServiceAccount is required/,
    );
  });

  test('the ServiceMonitor scrapes /metrics on the Service port', () => {
    const sm = one(render({ serviceMonitor: { enabled: true } }).objects, 'ServiceMonitor');
    assert.deepEqual(at(sm, 'spec.endpoints'), [
      { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
    assert.deepEqual(at(sm, 'spec.namespaceSelector.matchNames'), [NAMESPACE]);
  });
});
