// The policy a plan was made under, in one or two lines: what the plan text and the Markdown
// comment print right after their header, so a reviewer sees what fedsync may do before what it
// will do.
import type { Approval, FederationPolicy, PolicyLayer } from '../../model/index.js';
import { describeTenancy } from '../../manifests/tenancy-text.js';

const onOff = (on: boolean): string => (on ? 'on' : 'off');

function approvalsPhrase(approvals: readonly Approval[]): string {
  if (approvals.length === 0) return 'no approvals';
  const byDigest = approvals.filter((a) => a.digest !== undefined).length;
  const byCommit = approvals.length - byDigest;
  const kinds = [
    ...(byDigest > 0 ? [`${byDigest} by digest`] : []),
    ...(byCommit > 0 ? [`${byCommit} by commit`] : []),
  ];
  return `${approvals.length} approval(s) (${kinds.join(', ')})`;
}

/** `repository fedsync.yaml:7`, `operator /etc/fedsync/tenancy.yaml:1`, `repository (defaults)`. */
export function layerOrigin(layer: PolicyLayer): string {
  return `${layer.origin} ${layer.source ? `${layer.source.file}:${layer.source.line}` : '(defaults)'}`;
}

export type PolicyText = {
  /** `self-heal on, prune on, 1 approval(s) (1 by digest)` */
  summary: string;
  /** Where the tenancy policy in force comes from and its rules; absent when the plan has none. */
  tenancy?: { from: string; rules: string[] };
};

export function policyText(policy: FederationPolicy): PolicyText {
  const summary = `self-heal ${onOff(policy.selfHeal)}, prune ${onOff(policy.prune)}, ${approvalsPhrase(policy.approvals)}`;
  if (!policy.tenancy) return { summary };
  const [, ...rules] = describeTenancy(policy.tenancy);
  return {
    summary,
    tenancy: {
      from: policy.tenancy.layers.map(layerOrigin).join(' ∩ '),
      rules: rules.map((r) => r.trim()),
    },
  };
}

/** The lines the plan text prints after its header. */
export function policyLines(policy: FederationPolicy | undefined): string[] {
  if (!policy) return [];
  const t = policyText(policy);
  return [
    `policy: ${t.summary}`,
    ...(t.tenancy ? [`tenancy (${t.tenancy.from}): ${t.tenancy.rules.join(' · ')}`] : []),
  ];
}
