// `fedsync.yaml`: the Federation object (name, GCP project/network, policy, approvals, tenancy).
import type { FederationSettings } from '../model/federation.js';
import type { Problem } from '../model/problem.js';
import type { ObjectDoc } from './document.js';
import { check } from './problems.js';
import { federationSchema } from './schemas.js';
import { combineTenancy, tenancyLayer } from './tenancy.js';

export const DEFAULT_FEDERATION_NAME = 'fedsync';

export function defaultFederation(): FederationSettings {
  return { name: DEFAULT_FEDERATION_NAME, policy: { selfHeal: true, prune: true, approvals: [] } };
}

export function readFederationSettings(d: ObjectDoc, problems: Problem[]): FederationSettings | undefined {
  const f = check(federationSchema, d.obj, d.spot, [], 'fedsync.io/v1alpha1 Federation', problems);
  if (!f) return undefined;
  const settings: FederationSettings = {
    name: f.metadata.name,
    policy: {
      selfHeal: f.spec.policy.selfHeal,
      prune: f.spec.policy.prune,
      approvals: f.spec.policy.approvals.map((a) => {
        const out: FederationSettings['policy']['approvals'][number] = {};
        if (a.digest !== undefined) out.digest = a.digest;
        if (a.commit !== undefined) out.commit = a.commit;
        if (a.guards !== undefined) out.guards = a.guards;
        out.reason = a.reason;
        return out;
      }),
      tenancy: combineTenancy([
        tenancyLayer(
          'repository',
          f.spec.policy.tenancy,
          f.spec.policy.tenancy
            ? { file: d.doc.file, line: d.doc.lineAt(['spec', 'policy', 'tenancy']) }
            : undefined,
        ),
      ]),
    },
    source: { file: d.doc.file, line: d.doc.line },
  };
  if (f.spec.gcp) {
    const gcp: NonNullable<FederationSettings['gcp']> = {};
    if (f.spec.gcp.project) gcp.project = f.spec.gcp.project;
    if (f.spec.gcp.network) gcp.network = f.spec.gcp.network;
    if (f.spec.gcp.ingressClass) gcp.ingressClass = f.spec.gcp.ingressClass;
    settings.gcp = gcp;
  }
  return settings;
}
