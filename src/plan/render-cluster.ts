// `fedsync render`: the objects one cluster would receive, from the repository alone (no live state).
import type { ClusterName, FederationRepo, KubeObject, Problem } from '../model/index.js';
import { orderForApply } from './order.js';
import { renderDesired } from '../federation/desired.js';

/**
 * Objects destined for `cluster`, in apply order, assuming every registered cluster is Ready and
 * nothing runs yet (replicas spread by the preferences alone, nodePorts from Git or chosen).
 */
export function renderCluster(
  repo: FederationRepo,
  cluster: ClusterName,
  options: { sha?: string; now?: string } = {},
): { objects: KubeObject[]; problems: Problem[] } {
  if (!repo.clusters.some((c) => c.name === cluster)) {
    return {
      objects: [],
      problems: [
        {
          code: 'cluster.unknown',
          severity: 'error',
          message: `cluster ${cluster} is not registered in the repository`,
          cluster,
        },
      ],
    };
  }
  const state = renderDesired({
    repo,
    sha: options.sha ?? 'HEAD',
    ready: repo.clusters.map((c) => c.name),
    observed: [],
    now: options.now ?? '1970-01-01T00:00:00Z',
  });
  const mine = state.byCluster.get(cluster) ?? [];
  const problems = state.problems.filter((p) => p.cluster === undefined || p.cluster === cluster);
  return {
    objects: orderForApply(mine.map((d) => ({ ref: d.ref, value: d.object }))).map((e) => e.value),
    problems,
  };
}
