// Every manifest against the tenancy policy in force: its kind (allowed, not denied), its scope
// (cluster-scoped kinds only when listed) and its namespace (allowed, not denied, not a system
// namespace unless listed). A violation names the object's line and which policy refused it.
import { splitApiVersion } from '../model/kube.js';
import type { Problem } from '../model/problem.js';
import { SYSTEM_NAMESPACES } from '../model/tenancy.js';
import type { PolicyLayer, TenancyPolicy, TenancyRules } from '../model/tenancy.js';
import type { Entry } from './entry.js';
import { globMatches } from './globs.js';
import { scopeOf } from './kinds.js';
import { problemAt } from './problems.js';

/** `group/Kind` as policies name kinds: the core group is `core`. */
export const kindKey = (apiVersion: string, kind: string): string =>
  `${splitApiVersion(apiVersion).group || 'core'}/${kind}`;

const list = (patterns: readonly string[]): string => (patterns.length ? patterns.join(', ') : 'none');

function origin(layer: PolicyLayer): string {
  const where = layer.source ? ` (${layer.source.file}:${layer.source.line})` : '';
  return `the ${layer.origin} policy${where}`;
}

/** Which layers a rule failed in: "the operator policy (/etc/p.yaml:1)", "…'s default", joined. */
function refusedBy(policy: TenancyPolicy, rule: string, refuses: (rules: TenancyRules) => boolean): string {
  const by = policy.layers
    .filter((l) => refuses(l.rules))
    .map((l) => (l.defaulted.includes(rule) ? `the default of ${origin(l)}` : origin(l)));
  return by.length > 0 ? by.join(' and ') : 'the intersection of the policies';
}

const matchesAny = (patterns: readonly string[], text: string): boolean =>
  patterns.some((p) => globMatches(p, text));

export function checkTenancy(entries: readonly Entry[], policy: TenancyPolicy, problems: Problem[]): void {
  const rules = policy.effective;
  for (const e of entries) {
    const { apiVersion, kind, metadata } = e.object.template;
    const key = kindKey(apiVersion, kind);
    const at = (path: (string | number)[], message: string): void => {
      problems.push(problemAt(e.spot, path, 'policy.denied', message));
    };

    const denied = rules.kinds.deny.find((p) => globMatches(p, key));
    if (denied !== undefined) {
      at(
        ['kind'],
        `kind ${key} is denied (kinds.deny: ${denied}, by ${refusedBy(policy, 'kinds.deny', (r) => r.kinds.deny.includes(denied))})`,
      );
      continue;
    }
    if (!matchesAny(rules.kinds.allow, key)) {
      at(
        ['kind'],
        `kind ${key} is not allowed (kinds.allow: ${list(rules.kinds.allow)}, by ${refusedBy(policy, 'kinds.allow', (r) => !matchesAny(r.kinds.allow, key))})`,
      );
      continue;
    }

    const scope = scopeOf(apiVersion, kind);
    const clusterScoped = scope === 'Cluster' || (scope === 'Unknown' && !metadata.namespace);
    if (clusterScoped && !matchesAny(rules.clusterScoped.allow, key)) {
      const why =
        scope === 'Unknown'
          ? `${key} has no metadata.namespace and fedsync does not know its scope, so it counts as cluster-scoped; set metadata.namespace, or list the kind in clusterScoped.allow`
          : `${key} is cluster-scoped, and cluster-scoped kinds need listing in clusterScoped.allow`;
      at(
        ['kind'],
        `${why} (clusterScoped.allow: ${list(rules.clusterScoped.allow)}, by ${refusedBy(policy, 'clusterScoped.allow', (r) => !matchesAny(r.clusterScoped.allow, key))})`,
      );
      continue;
    }

    // The namespace an object lands in; a Namespace object is that namespace itself.
    const isNamespace = key === 'core/Namespace';
    const namespace = isNamespace ? metadata.name : metadata.namespace;
    if (namespace === undefined || (clusterScoped && !isNamespace)) continue;
    const path = isNamespace ? ['metadata', 'name'] : ['metadata', 'namespace'];
    const raw = (e.spot.doc.value as { metadata?: { namespace?: unknown } }).metadata;
    const implicit =
      !isNamespace && raw?.namespace === undefined ? ' (no metadata.namespace: it goes to default)' : '';
    const system = (SYSTEM_NAMESPACES as readonly string[]).includes(namespace);
    if (system && !(rules.systemNamespaces.allow as readonly string[]).includes(namespace)) {
      at(
        path,
        `namespace ${namespace} is a system namespace, which needs listing in systemNamespaces.allow (by ${refusedBy(policy, 'systemNamespaces.allow', (r) => !(r.systemNamespaces.allow as readonly string[]).includes(namespace))})`,
      );
      continue;
    }
    const nsDenied = rules.namespaces.deny.find((p) => globMatches(p, namespace));
    if (nsDenied !== undefined) {
      at(
        path,
        `namespace ${namespace} is denied${implicit} (namespaces.deny: ${nsDenied}, by ${refusedBy(policy, 'namespaces.deny', (r) => r.namespaces.deny.includes(nsDenied))})`,
      );
      continue;
    }
    if (!matchesAny(rules.namespaces.allow, namespace)) {
      at(
        path,
        `namespace ${namespace} is not allowed${implicit} (namespaces.allow: ${list(rules.namespaces.allow)}, by ${refusedBy(policy, 'namespaces.allow', (r) => !matchesAny(r.namespaces.allow, namespace))})`,
      );
    }
  }
}
