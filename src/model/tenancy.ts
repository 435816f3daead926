// What a push to the federation repository may do: the tenancy policy in force. The repository sets
// one (fedsync.yaml), the operator may set a stricter one outside it (a policy file); the policy in
// force is their intersection, so the repository can narrow what the operator allows, never widen it.
import type { SourceLocation } from './problem.js';

/** The namespaces fedsync refuses to write unless a policy lists them (all of them do) explicitly. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;
export type SystemNamespace = (typeof SYSTEM_NAMESPACES)[number];

/**
 * One policy's rules. Namespace patterns are names with `*` (any run of characters); kind patterns
 * are `group/Kind` with `core` for the core group (`core/Secret`, `apps/*`, `*\/*`).
 */
export type TenancyRules = {
  namespaces: { allow: string[]; deny: string[] };
  kinds: { allow: string[]; deny: string[] };
  /** Cluster-scoped kinds that may be applied at all (kind patterns); none by default. */
  clusterScoped: { allow: string[] };
  /** Which system namespaces may be written; none by default. */
  systemNamespaces: { allow: SystemNamespace[] };
};

export type PolicyOrigin = 'repository' | 'operator';

/** One policy as written, with the fields it left to their defaults. */
export type PolicyLayer = {
  origin: PolicyOrigin;
  /** Where it is written; absent for a repository without a tenancy section. */
  source?: SourceLocation;
  rules: TenancyRules;
  /** Dotted paths of the rules it did not set (`clusterScoped.allow`): those hold the defaults. */
  defaulted: string[];
};

/**
 * The policy in force: every layer, and the rules that result (allowed sets intersected, denied sets
 * joined). `effective` is what fedsync enforces and what a plan shows.
 */
export type TenancyPolicy = { layers: PolicyLayer[]; effective: TenancyRules };
