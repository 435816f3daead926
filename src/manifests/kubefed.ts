// The kubefed dialect: `Federated<Kind>` (types.kubefed.io/v1beta1) with template, placement and
// overrides, and `ReplicaSchedulingPreference` (scheduling.kubefed.io/v1alpha1).
import type { FederatedObject, Override, Placement } from '../model/federation.js';
import { refKey } from '../model/kube.js';
import type { KubeObject, ObjectRef } from '../model/kube.js';
import type { ObjectDoc } from './document.js';
import type { Entry, NormaliseContext } from './entry.js';
import { FEDERATED_TARGET_API, KUBEFED_SCHEDULING_API, KUBEFED_TYPES_API, scopeOf } from './kinds.js';
import { readParts } from './parts.js';
import { PLACEMENT_ANNOTATIONS, PREFERENCE_ANNOTATIONS, checkClusterNames } from './plain.js';
import { check, problemAt } from './problems.js';
import { checkPreferenceClusters, hint, replicaScheduling } from './scheduling.js';
import { federatedSchema, rspSchema } from './schemas.js';
import { secretOverrideProblem } from './secret-data.js';
import { fromLabelSelector } from './selectors.js';
import { splitApiVersion } from '../model/kube.js';

export const isFederatedKind = (apiVersion: string, kind: string): boolean =>
  apiVersion === KUBEFED_TYPES_API && kind.startsWith('Federated');
export const isRspKind = (apiVersion: string, kind: string): boolean =>
  apiVersion === KUBEFED_SCHEDULING_API && kind === 'ReplicaSchedulingPreference';

const FORBIDDEN_OVERRIDE_PATHS = [
  '/apiVersion',
  '/kind',
  '/metadata/name',
  '/metadata/namespace',
  '/metadata/generateName',
];

/** Identity of the object a `Federated<Kind>` produces in member clusters. */
export function federatedTargetRef(d: ObjectDoc): ObjectRef | undefined {
  const kind = d.obj.kind.slice('Federated'.length);
  const template = (d.obj.spec as { template?: { apiVersion?: unknown } } | undefined)?.template;
  const apiVersion =
    typeof template?.apiVersion === 'string' ? template.apiVersion : FEDERATED_TARGET_API[kind];
  if (!kind || !apiVersion) return undefined;
  const scope = scopeOf(apiVersion, kind);
  const namespace =
    scope === 'Cluster' ? '' : (d.obj.metadata.namespace ?? (scope === 'Namespaced' ? 'default' : ''));
  return { group: splitApiVersion(apiVersion).group, kind, namespace, name: d.obj.metadata.name };
}

export function normaliseFederated(d: ObjectDoc, ctx: NormaliseContext): Entry | undefined {
  const before = ctx.problems.length;
  const kind = d.obj.kind.slice('Federated'.length);
  const fed = check(federatedSchema, d.obj, d.spot, [], `${KUBEFED_TYPES_API} ${d.obj.kind}`, ctx.problems);
  if (!fed) return undefined;
  const { template: tpl, placement: rawPlacement, overrides: rawOverrides } = fed.spec;
  const apiVersion = tpl.apiVersion ?? FEDERATED_TARGET_API[kind];
  if (!kind || !apiVersion) {
    ctx.problems.push(
      problemAt(
        d.spot,
        ['spec', 'template'],
        'schema.unknownTarget',
        `fedsync does not know the API version of ${kind || 'this kind'}; set spec.template.apiVersion`,
      ),
    );
    return undefined;
  }
  if (tpl.kind !== undefined && tpl.kind !== kind) {
    ctx.problems.push(
      problemAt(
        d.spot,
        ['spec', 'template', 'kind'],
        'schema.kindMismatch',
        `a ${d.obj.kind} must template a ${kind}, not a ${tpl.kind}`,
      ),
    );
  }
  for (const [where, annotations] of [
    [['metadata', 'annotations'], d.obj.metadata.annotations],
    [['spec', 'template', 'metadata', 'annotations'], tpl.metadata?.annotations],
  ] as const) {
    for (const k of [...PLACEMENT_ANNOTATIONS, ...PREFERENCE_ANNOTATIONS]) {
      if (annotations?.[k] !== undefined) {
        const use = PLACEMENT_ANNOTATIONS.includes(k) ? 'spec.placement' : 'a ReplicaSchedulingPreference';
        ctx.problems.push(
          problemAt(
            d.spot,
            [...where, k],
            'annotation.wrongDialect',
            `annotation ${k} is not read on a ${d.obj.kind}; use ${use}`,
          ),
        );
      }
    }
  }
  const { apiVersion: _a, kind: _k, metadata: tplMeta, ...rest } = tpl;
  const template: KubeObject = {
    ...structuredClone(rest),
    apiVersion,
    kind,
    metadata: { ...structuredClone(tplMeta ?? {}), name: d.obj.metadata.name },
  };
  delete template.metadata.namespace;
  if (d.obj.metadata.namespace !== undefined) template.metadata.namespace = d.obj.metadata.namespace;
  const scope = scopeOf(apiVersion, kind);
  if (scope === 'Cluster') delete template.metadata.namespace;
  if (scope === 'Namespaced' && !template.metadata.namespace) template.metadata.namespace = 'default';

  // kubefed: `clusters` wins whenever present (even empty); `clusterSelector: {}` is every cluster;
  // neither is no cluster at all.
  let placement: Placement = { clusters: [] };
  if (rawPlacement?.clusters) {
    const names = rawPlacement.clusters.map((c) => c.name);
    checkClusterNames(names, d.spot, ['spec', 'placement', 'clusters'], ctx);
    placement = { clusters: [...new Set(names)].sort() };
  } else if (rawPlacement?.clusterSelector) {
    const sel = fromLabelSelector(rawPlacement.clusterSelector);
    if (!sel.ok) {
      ctx.problems.push(
        problemAt(
          d.spot,
          ['spec', 'placement', 'clusterSelector'],
          'schema.invalid',
          `clusterSelector: ${sel.error}`,
        ),
      );
    } else placement = sel.value.matchExpressions ? { selector: sel.value } : {};
  }

  const overrides: Record<string, Override[]> = {};
  rawOverrides.forEach((o, i) => {
    const at = ['spec', 'overrides', i];
    if (!ctx.clusters.has(o.clusterName)) {
      ctx.problems.push(
        problemAt(
          d.spot,
          [...at, 'clusterName'],
          'reference.unknownCluster',
          `overrides name cluster "${o.clusterName}", which is not registered in clusters/${hint(ctx.clusters)}`,
        ),
      );
    }
    if (overrides[o.clusterName]) {
      ctx.problems.push(
        problemAt(
          d.spot,
          [...at, 'clusterName'],
          'schema.duplicate',
          `cluster "${o.clusterName}" has two overrides entries; merge them`,
        ),
      );
      return;
    }
    const seen = new Set<string>();
    overrides[o.clusterName] = o.clusterOverrides.map((c, j) => {
      const cat = [...at, 'clusterOverrides', j, 'path'];
      if (FORBIDDEN_OVERRIDE_PATHS.some((p) => c.path === p || c.path.startsWith(`${p}/`))) {
        ctx.problems.push(
          problemAt(d.spot, cat, 'schema.invalid', `override path ${c.path} cannot be changed per cluster`),
        );
      }
      if (seen.has(c.path))
        ctx.problems.push(
          problemAt(
            d.spot,
            cat,
            'schema.duplicate',
            `override path ${c.path} appears twice for cluster "${o.clusterName}"`,
          ),
        );
      seen.add(c.path);
      if (c.op !== 'remove' && kind === 'Secret' && apiVersion === 'v1') {
        const message = secretOverrideProblem(c.path, c.value);
        if (message)
          ctx.problems.push(
            problemAt(d.spot, [...at, 'clusterOverrides', j, 'value'], 'secret.invalidData', message),
          );
      }
      const op: Override = { op: c.op, path: c.path };
      if (c.op !== 'remove') op.value = c.value;
      return op;
    });
  });

  const facts = readParts(template, d.spot, ['spec', 'template'], ctx.problems);
  if (!facts || ctx.problems.length > before) return undefined;
  const object: FederatedObject = {
    template,
    source: { file: d.doc.file, line: d.doc.line },
    placement,
    overrides,
  };
  return { object, spot: d.spot, facts, explicitScheduling: false };
}

/** Applies a ReplicaSchedulingPreference to the Deployment/ReplicaSet of the same namespace/name. */
export function applyRsp(d: ObjectDoc, byKey: Map<string, Entry>, ctx: NormaliseContext): void {
  const rsp = check(
    rspSchema,
    d.obj,
    d.spot,
    [],
    `${KUBEFED_SCHEDULING_API} ReplicaSchedulingPreference`,
    ctx.problems,
  );
  if (!rsp) return;
  const kind = rsp.spec.targetKind.slice('Federated'.length);
  const namespace = d.obj.metadata.namespace ?? 'default';
  const key = refKey({ group: 'apps', kind, namespace, name: d.obj.metadata.name });
  const target = byKey.get(key);
  if (!target) {
    ctx.problems.push(
      problemAt(
        d.spot,
        ['metadata', 'name'],
        'reference.missingTarget',
        `no ${kind} ${namespace}/${d.obj.metadata.name} in the repository for this ReplicaSchedulingPreference (it must have the same namespace and name)`,
      ),
    );
    return;
  }
  if (target.explicitScheduling) {
    ctx.problems.push(
      problemAt(
        d.spot,
        ['metadata', 'name'],
        'schema.conflict',
        `${kind} ${namespace}/${d.obj.metadata.name} already has replica preferences at ${target.object.source.file}:${target.object.source.line}; keep only one`,
      ),
    );
    return;
  }
  checkPreferenceClusters(rsp.spec.clusters, ctx.clusters, d.spot, ['spec', 'clusters'], ctx.problems);
  target.explicitScheduling = true;
  const obj = target.object;
  obj.replicaScheduling = replicaScheduling(rsp.spec.totalReplicas, rsp.spec.rebalance, rsp.spec.clusters);
  // The preference's total overrides the template's replicas.
  const spec = (obj.template.spec ?? {}) as Record<string, unknown>;
  obj.template = { ...obj.template, spec: { ...spec, replicas: rsp.spec.totalReplicas } };
  // kubefed: unless intersectWithClusterSelector, the preference schedules over every cluster.
  if (!rsp.spec.intersectWithClusterSelector) obj.placement = {};
}
