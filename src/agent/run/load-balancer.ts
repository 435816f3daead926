// The agent's load-balancer target, made when a commit first names a Google Cloud project (and made
// again when the project changes): the simulator's Compute Engine with --sim, Application Default
// Credentials otherwise. A federation without a project has no load balancer, and then nothing of
// Google Cloud is loaded. Its write-back to the member Ingresses goes through the current fleet.
import type { LoadBalancerTarget } from '../../gcp/compute/load-balancer.js';
import type { FederationRepo, MemberIngressPort } from '../../model/index.js';
import type { Targets } from '../reconcile-once.js';
import { computeConnection, type Connections } from './connect.js';

export type AgentLoadBalancer = { port: NonNullable<Targets['loadBalancer']>; close(): Promise<void> };

function projectOf(repo: FederationRepo): string | undefined {
  return repo.federation.gcp?.project ?? repo.clusters.find((c) => c.gcp?.project)?.gcp?.project;
}

export function agentLoadBalancer(options: {
  gcp: Connections['gcp'];
  /** The member Ingresses of the fleet as it is now (it is rebuilt when clusters/ changes). */
  members: () => MemberIngressPort | undefined;
}): AgentLoadBalancer {
  let target: LoadBalancerTarget | undefined;
  const members: MemberIngressPort = {
    current: (cluster, ref) => options.members()?.current(cluster, ref),
    write: (cluster, ref, writeBack) => {
      const m = options.members();
      if (!m) return Promise.reject(new Error('no member clusters yet: the write-back waits for the fleet'));
      return m.write(cluster, ref, writeBack);
    },
  };
  const targetFor = async (project: string): Promise<LoadBalancerTarget> => {
    if (target?.project === project) return target;
    await target?.close();
    const connection = computeConnection(options.gcp, project);
    // Loaded on first use: @google-cloud/compute is slow to import.
    const { loadBalancerTarget } = await import('../../gcp/compute/load-balancer.js');
    target = loadBalancerTarget({ connection, members });
    return target;
  };
  return {
    port: {
      async observe(input) {
        const project = projectOf(input.repo);
        return project ? (await targetFor(project)).observe(input) : [];
      },
      apply(plan, opts) {
        if (!target) return Promise.reject(new Error('no load balancer: apply before observe'));
        return target.apply(plan, opts);
      },
    },
    close: async () => target?.close(),
  };
}
