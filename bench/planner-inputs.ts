// The planner benchmark's inputs: a generated federation of 10 clusters and its live state as the
// API server returns it after the previous apply, and the same manifests as YAML text.
import { dump } from 'js-yaml';
import type { FederatedObject, FederationRepo, KubeObject, ObservedCluster } from '../src/model/index.js';
import { planRevision } from '../src/plan/plan-revision.js';
import type { PlanInput } from '../src/plan/plan-revision.js';
import { afterApply } from '../test/helpers/apiserver.js';

export const CLUSTERS = 10;
const NAMESPACES = 50;
const NOW = '2026-01-01T00:00:00Z';

function object(i: number): FederatedObject {
  const ns = `team-${i % NAMESPACES}`;
  const name = `obj-${i}`;
  const file = `apps/${ns}/${name}.yaml`;
  const labels = { app: name, team: ns };
  let template: KubeObject;
  let replicaScheduling: FederatedObject['replicaScheduling'];
  switch (i % 5) {
    case 0:
    case 1:
      template = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, labels },
        data: { 'app.properties': `key=${i}\nmode=prod\n`, level: 'info' },
      };
      break;
    case 2:
      template = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: ns, labels },
        type: 'Opaque',
        stringData: { token: `t-${i}` },
      };
      break;
    case 3:
      template = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      };
      break;
    default:
      template = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: `registry.example.com/app:${i % 7}`,
                  ports: [{ containerPort: 8080 }],
                  env: [{ name: 'MODE', value: 'prod' }],
                  resources: { requests: { cpu: '100m', memory: '128Mi' } },
                },
              ],
            },
          },
        },
      };
      replicaScheduling = {
        totalReplicas: 10,
        rebalance: false,
        clusters: { '*': { minReplicas: 0, weight: 1 } },
      };
  }
  const out: FederatedObject = { template, source: { file, line: 1 }, placement: {}, overrides: {} };
  if (replicaScheduling) out.replicaScheduling = replicaScheduling;
  return out;
}

export function buildRepo(objects: number): FederationRepo {
  const namespaces: FederatedObject[] = Array.from({ length: NAMESPACES }, (_, i) => ({
    template: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } },
    source: { file: `namespaces/team-${i}.yaml`, line: 1 },
    placement: {},
    overrides: {},
  }));
  return {
    federation: { name: 'bench', policy: { selfHeal: true, prune: true, approvals: [] } },
    clusters: Array.from({ length: CLUSTERS }, (_, i) => ({
      name: `cluster-${i}`,
      labels: {},
      kubeconfigContext: `c${i}`,
      source: { file: `clusters/c${i}.yaml`, line: 1 },
    })),
    objects: [...namespaces, ...Array.from({ length: objects - NAMESPACES }, (_, i) => object(i))],
  };
}

/** Every cluster of `repo` Ready and empty: what a first plan sees. */
export function unobservedClusters(repo: FederationRepo): ObservedCluster[] {
  return repo.clusters.map((c) => ({
    name: c.name,
    health: 'Ready',
    objects: {},
    inventory: [],
    workloads: {},
  }));
}

/** The warm planner input (live state after the previous apply) and the manifests as YAML. */
export function plannerInputs(objects: number): { input: PlanInput; yaml: string; repo: FederationRepo } {
  const repo = buildRepo(objects);
  const empty = unobservedClusters(repo);
  const first = planRevision({ revision: { sha: 'a'.repeat(40) }, repo, clusters: empty, now: NOW });
  const live = afterApply(first, empty);
  const input = { revision: { sha: 'b'.repeat(40) }, repo, clusters: live, now: NOW };
  const yaml = repo.objects.map((o) => dump(o.template, { noRefs: true })).join('---\n');
  return { input, yaml, repo };
}
