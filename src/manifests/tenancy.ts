// The tenancy policy: the repository's (fedsync.yaml spec.policy.tenancy) and the operator's (a
// TenancyPolicy file outside the repository), combined so the repository can only narrow what the
// operator allows: allowed sets intersect, denied sets join, and a rule one side leaves unset keeps
// its default, which is itself the strictest choice for what matters most (no cluster-scoped kind,
// no system namespace). Pure.
import type { z } from 'zod';
import type { Problem, SourceLocation } from '../model/problem.js';
import type {
  PolicyLayer,
  PolicyOrigin,
  SystemNamespace,
  TenancyPolicy,
  TenancyRules,
} from '../model/tenancy.js';
import { asObjectDoc } from './document.js';
import { intersectGlobs } from './globs.js';
import { check } from './problems.js';
import type { tenancySchema } from './schemas.js';
import { tenancyPolicyFileSchema } from './schemas.js';
import { parseYamlFile } from './yaml.js';

/** The operator's policy file as read from disk: where it is and what it says. */
export type OperatorPolicyFile = { file: string; text: string };

export const DEFAULT_TENANCY: TenancyRules = {
  namespaces: { allow: ['*'], deny: [] },
  kinds: { allow: ['*/*'], deny: [] },
  clusterScoped: { allow: [] },
  systemNamespaces: { allow: [] },
};

type RawTenancy = z.infer<typeof tenancySchema>;

/** One layer from its parsed section; the rules it leaves unset take the defaults. */
export function tenancyLayer(
  origin: PolicyOrigin,
  raw: RawTenancy | undefined,
  source?: SourceLocation,
): PolicyLayer {
  const defaulted: string[] = [];
  const pick = <T>(path: string, value: T | undefined, fallback: T): T => {
    if (value !== undefined) return value;
    defaulted.push(path);
    return fallback;
  };
  const d = DEFAULT_TENANCY;
  const rules: TenancyRules = {
    namespaces: {
      allow: pick('namespaces.allow', raw?.namespaces?.allow, d.namespaces.allow),
      deny: pick('namespaces.deny', raw?.namespaces?.deny, d.namespaces.deny),
    },
    kinds: {
      allow: pick('kinds.allow', raw?.kinds?.allow, d.kinds.allow),
      deny: pick('kinds.deny', raw?.kinds?.deny, d.kinds.deny),
    },
    clusterScoped: { allow: pick('clusterScoped.allow', raw?.clusterScoped?.allow, d.clusterScoped.allow) },
    systemNamespaces: {
      allow: pick('systemNamespaces.allow', raw?.systemNamespaces?.allow, d.systemNamespaces.allow),
    },
  };
  return { origin, ...(source ? { source } : {}), rules: structuredClone(rules), defaulted };
}

const join = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

/** The rules in force: allowed sets intersected, denied sets joined, over every layer. */
export function combineTenancy(layers: readonly PolicyLayer[]): TenancyPolicy {
  const [first, ...rest] = layers;
  let effective: TenancyRules = structuredClone(first?.rules ?? DEFAULT_TENANCY);
  for (const { rules } of rest) {
    effective = {
      namespaces: {
        allow: intersectGlobs(effective.namespaces.allow, rules.namespaces.allow),
        deny: join(effective.namespaces.deny, rules.namespaces.deny),
      },
      kinds: {
        allow: intersectGlobs(effective.kinds.allow, rules.kinds.allow),
        deny: join(effective.kinds.deny, rules.kinds.deny),
      },
      clusterScoped: { allow: intersectGlobs(effective.clusterScoped.allow, rules.clusterScoped.allow) },
      systemNamespaces: {
        allow: effective.systemNamespaces.allow.filter((n: SystemNamespace) =>
          rules.systemNamespaces.allow.includes(n),
        ),
      },
    };
  }
  return { layers: [...layers], effective };
}

/** Parses the operator's policy file; its problems name that file. */
export function readOperatorPolicy(policy: OperatorPolicyFile, problems: Problem[]): PolicyLayer | undefined {
  const parsed = parseYamlFile(policy.file, policy.text);
  problems.push(...parsed.problems);
  if (parsed.problems.length > 0) return undefined;
  const [doc, ...extra] = parsed.documents;
  if (!doc || extra.length > 0) {
    problems.push({
      code: 'policy.file',
      severity: 'error',
      message: 'a policy file holds exactly one TenancyPolicy document',
      source: { file: policy.file, line: extra[0]?.line ?? 1 },
    });
    return undefined;
  }
  const d = asObjectDoc(doc, problems);
  if (!d) return undefined;
  const f = check(tenancyPolicyFileSchema, d.obj, d.spot, [], 'fedsync.io/v1alpha1 TenancyPolicy', problems);
  if (!f) return undefined;
  return tenancyLayer('operator', f.spec, { file: policy.file, line: doc.line });
}
