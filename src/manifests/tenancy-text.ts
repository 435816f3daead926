// The tenancy policy in force as lines for people: where it comes from, then each rule.
import type { PolicyLayer, TenancyPolicy } from '../model/tenancy.js';

const list = (patterns: readonly string[]): string => (patterns.length ? patterns.join(', ') : 'none');

function from(layer: PolicyLayer): string {
  const where = layer.source ? ` ${layer.source.file}:${layer.source.line}` : ' (defaults)';
  return `${layer.origin}${where}`;
}

/** `policy in force (…):` and one indented line per rule. */
export function describeTenancy(policy: TenancyPolicy): string[] {
  const r = policy.effective;
  const deny = (patterns: readonly string[]): string => (patterns.length ? `; deny ${list(patterns)}` : '');
  return [
    `policy in force (${policy.layers.map(from).join(' ∩ ')}):`,
    `  namespaces: allow ${list(r.namespaces.allow)}${deny(r.namespaces.deny)}`,
    `  system namespaces: ${r.systemNamespaces.allow.length ? `allow ${list(r.systemNamespaces.allow)}` : 'none allowed'}`,
    `  kinds: allow ${list(r.kinds.allow)}${deny(r.kinds.deny)}`,
    `  cluster-scoped kinds: ${r.clusterScoped.allow.length ? `allow ${list(r.clusterScoped.allow)}` : 'none allowed'}`,
  ];
}
