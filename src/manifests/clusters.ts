// Cluster registrations in three dialects: fedsync's Cluster, federation v1's Cluster (secretRef →
// context) and kubefed's KubeFedCluster (secretRef → context). Credentials never live in Git: the
// registration only names a context of the agent's kubeconfig.
import type { ClusterRegistration } from '../model/federation.js';
import type { Problem } from '../model/problem.js';
import type { ObjectDoc } from './document.js';
import { FEDERATION_V1_API, FEDSYNC_API, KUBEFED_CORE_API } from './kinds.js';
import { check, problemAt } from './problems.js';
import { fedsyncClusterSchema, foreignClusterSchema } from './schemas.js';
import type { PathPart } from './yaml.js';

/** A registration plus where its identity (context, declared API servers) is written. */
export type ReadCluster = {
  registration: ClusterRegistration;
  doc: ObjectDoc;
  /** Path of the field naming the context (metadata.name when the context defaults to the name). */
  contextPath: PathPart[];
  servers: { address: string; path: PathPart[] }[];
};

export function isClusterKind(apiVersion: string, kind: string): boolean {
  return (
    ((apiVersion === FEDSYNC_API || apiVersion === FEDERATION_V1_API) && kind === 'Cluster') ||
    (apiVersion === KUBEFED_CORE_API && kind === 'KubeFedCluster')
  );
}

export function readCluster(d: ObjectDoc, problems: Problem[]): ReadCluster | undefined {
  const { apiVersion, kind } = d.obj;
  const source = { file: d.doc.file, line: d.doc.line };
  if (apiVersion === FEDSYNC_API && kind === 'Cluster') {
    const c = check(fedsyncClusterSchema, d.obj, d.spot, [], `${FEDSYNC_API} Cluster`, problems);
    if (!c) return undefined;
    const reg: ClusterRegistration = {
      name: c.metadata.name,
      labels: c.metadata.labels ?? {},
      kubeconfigContext: c.spec.kubeconfigContext ?? c.metadata.name,
      source,
    };
    if (c.spec.gcp) {
      const gcp: NonNullable<ClusterRegistration['gcp']> = {};
      if (c.spec.gcp.project) gcp.project = c.spec.gcp.project;
      if (c.spec.gcp.network) gcp.network = c.spec.gcp.network;
      if (c.spec.gcp.zones) gcp.zones = c.spec.gcp.zones;
      reg.gcp = gcp;
    }
    if (c.spec.leaving) reg.leaving = true;
    const contextPath = c.spec.kubeconfigContext ? ['spec', 'kubeconfigContext'] : ['metadata', 'name'];
    return { registration: reg, doc: d, contextPath, servers: [] };
  }
  if (isClusterKind(apiVersion, kind)) {
    const c = check(foreignClusterSchema, d.obj, d.spot, [], `${apiVersion} ${kind}`, problems);
    if (!c) return undefined;
    const registration: ClusterRegistration = {
      name: c.metadata.name,
      labels: c.metadata.labels ?? {},
      kubeconfigContext: c.spec?.secretRef?.name ?? c.metadata.name,
      source,
    };
    const servers: ReadCluster['servers'] = (c.spec?.serverAddressByClientCIDRs ?? []).map((a, i) => ({
      address: a.serverAddress,
      path: ['spec', 'serverAddressByClientCIDRs', i, 'serverAddress'],
    }));
    if (c.spec?.apiEndpoint) servers.push({ address: c.spec.apiEndpoint, path: ['spec', 'apiEndpoint'] });
    const contextPath = c.spec?.secretRef ? ['spec', 'secretRef', 'name'] : ['metadata', 'name'];
    return { registration, doc: d, contextPath, servers };
  }
  problems.push(
    problemAt(
      d.spot,
      ['kind'],
      'layout.notACluster',
      `clusters/ holds only cluster registrations (Cluster ${FEDSYNC_API} or ${FEDERATION_V1_API}, KubeFedCluster ${KUBEFED_CORE_API}); move this ${apiVersion} ${kind} to another folder`,
    ),
  );
  return undefined;
}
