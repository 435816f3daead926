// Two registrations of one cluster: the same kubeconfig context, or the same API server where the
// registrations declare one (federation v1 serverAddressByClientCIDRs, kubefed apiEndpoint). Each
// run would then plan the cluster twice, applying what one registration places and pruning what the
// other does not, so objects are created and deleted on alternate runs. Both places are named.
import type { Problem } from '../model/problem.js';
import type { ReadCluster } from './clusters.js';
import { formatPath, problemAt } from './problems.js';
import { normaliseServer } from './servers.js';
import type { PathPart } from './yaml.js';

type Claim = { cluster: ReadCluster; path: PathPart[] };

const at = (c: Claim): string => `${c.cluster.doc.doc.file}:${c.cluster.doc.doc.lineAt(c.path)}`;

export function checkDuplicateRegistrations(clusters: readonly ReadCluster[], problems: Problem[]): void {
  const contexts = new Map<string, Claim>();
  const servers = new Map<string, Claim>();
  for (const cluster of clusters) {
    const { name, kubeconfigContext } = cluster.registration;
    const firstContext = contexts.get(kubeconfigContext);
    if (firstContext) {
      const other = firstContext.cluster.registration.name;
      problems.push(
        problemAt(
          cluster.doc.spot,
          cluster.contextPath,
          'layout.duplicateCluster',
          `cluster "${name}" uses kubeconfig context "${kubeconfigContext}", and so does cluster "${other}" at ${at(firstContext)}: one cluster registered twice would have its objects created and deleted on alternate runs; remove one registration or give it its own context`,
        ),
      );
    } else contexts.set(kubeconfigContext, { cluster, path: cluster.contextPath });

    const seenHere = new Set<string>();
    for (const s of cluster.servers) {
      const key = normaliseServer(s.address);
      if (seenHere.has(key)) continue;
      seenHere.add(key);
      const first = servers.get(key);
      if (first && first.cluster !== cluster) {
        const other = first.cluster.registration.name;
        problems.push(
          problemAt(
            cluster.doc.spot,
            s.path,
            'layout.duplicateCluster',
            `cluster "${name}" declares API server ${key} (${formatPath(s.path)}), and so does cluster "${other}" at ${at(first)}: one cluster registered twice would have its objects created and deleted on alternate runs; remove one registration`,
          ),
        );
      } else if (!first) servers.set(key, { cluster, path: s.path });
    }
  }
}
