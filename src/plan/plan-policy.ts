// The policy a plan is made under, as the plan carries it: a reviewer sees what fedsync will and
// will not do (self-heal, prune, which approvals count, what the repository may write) without
// reading fedsync.yaml and the operator's file.
import type { FederationPolicy } from '../model/index.js';

/** A copy of the repository's policy for the plan (the plan never shares objects with its input). */
export function planPolicy(policy: FederationPolicy): FederationPolicy {
  return {
    selfHeal: policy.selfHeal,
    prune: policy.prune,
    approvals: policy.approvals.map((a) => ({ ...a, ...(a.guards ? { guards: [...a.guards] } : {}) })),
    ...(policy.tenancy ? { tenancy: structuredClone(policy.tenancy) } : {}),
  };
}
