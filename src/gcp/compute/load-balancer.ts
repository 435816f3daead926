// The load balancer as the reconciler's target port: observe the federation's resources in its
// project, apply a LoadBalancerPlan through @google-cloud/compute, then tell every member Ingress
// about it (IP, annotations, events) through the cluster adapter's MemberIngressPort. Reads per
// cycle: one observe (one list per resource type); getHealth once per instance group; and, only
// after an apply that changed something, one observe more so the write-back names what now exists.
import type {
  ActionResult,
  ClusterName,
  FederationRepo,
  LoadBalancerPlan,
  LoadBalancerView,
  MemberIngressPort,
  ObservedCluster,
  ObservedLoadBalancer,
  TargetPort,
  TargetResult,
} from '../../model/index.js';
import {
  desiredLoadBalancer,
  foldBackendHealth,
  hasFederationUid,
  ingressStatus,
  loadBalancerInputFrom,
  loadBalancerView,
  memberWriteBack,
  nodeFactsOf,
  observeNeeds,
  type BackendGroupHealth,
} from '../model/index.js';
import { GcpError, GcpErrorCode } from './errors.js';
import type { ObserveScope } from './observe.js';
import { computeTarget, type GcpTarget, type GcpTargetOptions } from './target.js';

export type LoadBalancerTarget = TargetPort<ObservedLoadBalancer, LoadBalancerPlan> & {
  readonly project: string;
  /** Each federated Ingress's load balancer as it is now (read-only: an observe and getHealth). */
  views(input: { repo: FederationRepo; clusters: readonly ObservedCluster[] }): Promise<LoadBalancerView[]>;
  close(): Promise<void>;
};

export type LoadBalancerTargetOptions = GcpTargetOptions & {
  members: MemberIngressPort;
  /** Replaces the Compute target (tests). */
  gcp?: GcpTarget;
};

/** What a re-read after the apply needs: the federation's resources and the user's it references. */
function scopeOf(plan: LoadBalancerPlan): ObserveScope {
  const addresses = plan.ingresses.filter((d) => d.address.userManaged).map((d) => d.address.name);
  const certificates = plan.ingresses
    .flatMap((d) => d.certificates)
    .filter((c) => !hasFederationUid(c, plan.uid));
  return {
    uid: plan.uid,
    addresses: [...new Set(addresses)].sort(),
    sslCertificates: [...new Set(certificates)].sort(),
    quotas: false,
  };
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function loadBalancerTarget(options: LoadBalancerTargetOptions): LoadBalancerTarget {
  const gcp = options.gcp ?? computeTarget(options);
  const project = gcp.project;

  const inputOf = (repo: FederationRepo, clusters: readonly ObservedCluster[]) => {
    const input = loadBalancerInputFrom({ repo, observed: clusters, nodes: nodeFactsOf(clusters) });
    if (input && input.project !== project)
      throw new GcpError({
        code: GcpErrorCode.invalid,
        message: `the federation's Google Cloud project is ${input.project}, but fedsync was given access to project ${project}`,
      });
    return input;
  };

  const observe = async (repo: FederationRepo, clusters: readonly ObservedCluster[]) => {
    const input = inputOf(repo, clusters);
    return input ? { input, observed: await gcp.observe(observeNeeds(input)) } : undefined;
  };

  /** Tells every member Ingress what exists now; a failure in one cluster does not stop the others. */
  const writeBack = async (
    plan: LoadBalancerPlan,
    observed: ObservedLoadBalancer,
    groups: readonly BackendGroupHealth[],
  ): Promise<{ writes: number; failures: string[] }> => {
    const health = foldBackendHealth(groups);
    let writes = 0;
    const failures: string[] = [];
    for (const design of plan.ingresses) {
      const status = ingressStatus({ design, observed, health });
      const [namespace = 'default', name = ''] = design.key.split('/');
      const ref = { group: 'networking.k8s.io', kind: 'Ingress', namespace, name };
      await Promise.all(
        design.clusters.map(async (cluster: ClusterName) => {
          const current = options.members.current(cluster, ref) ?? {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'Ingress',
            metadata: { name, namespace },
          };
          const wb = memberWriteBack(status, current);
          if (!wb) return;
          try {
            writes += await options.members.write(cluster, ref, wb);
          } catch (err) {
            failures.push(`${design.subject}@${cluster}: ${errorMessage(err)}`);
          }
        }),
      );
    }
    return { writes, failures: failures.sort() };
  };

  return {
    project,
    async observe({ repo, clusters }) {
      const found = await observe(repo, clusters ?? []);
      return found ? [found.observed] : [];
    },

    async apply(plan, { observed, observer }) {
      const target = { kind: 'loadBalancer' as const, name: plan.name };
      observer?.targetStarted?.(target);
      const results: ActionResult[] = [];
      const result: TargetResult = { ...target, results, bookkeepingWrites: 0 };
      try {
        const applied = await gcp.apply(plan.actions, (r) => {
          const action = plan.actions[results.length]!;
          const out: ActionResult = {
            key: r.subject,
            subject: r.subject,
            action: action.action,
            outcome: r.outcome,
            ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
            ...(r.note
              ? { reason: r.note }
              : action.action === 'held'
                ? { reason: `held by ${(action.heldBy ?? []).join(', ')}` }
                : action.action === 'skip'
                  ? { reason: action.reason }
                  : {}),
          };
          results.push(out);
          observer?.actionFinished?.(target, out);
        });
        // A plan with nothing to do reports without the per-step callback.
        if (results.length === 0)
          for (const [i, r] of applied.results.entries()) {
            const out: ActionResult = {
              key: r.subject,
              subject: r.subject,
              action: plan.actions[i]!.action,
              outcome: r.outcome,
            };
            results.push(out);
            observer?.actionFinished?.(target, out);
          }
        const changed = applied.results.some((r) => r.outcome === 'done');
        const now = changed || !observed ? await gcp.observe(scopeOf(plan)) : observed;
        const groups = await gcp.groupHealth(now, plan.uid);
        const back = await writeBack(plan, now, groups);
        result.bookkeepingWrites = back.writes;
        result.loadBalancers = plan.ingresses.map((design) =>
          loadBalancerView({ design, observed: now, uid: plan.uid, groups }),
        );
        if (back.failures.length > 0)
          result.error = {
            code: 'loadBalancer.writeBackFailed',
            message: `the load balancer could not be written back to ${back.failures.join('; ')}`,
          };
      } catch (err) {
        // Only GcpErrors are expected failures; anything else is a bug or a crash.
        if (!(err instanceof GcpError)) throw err;
        result.error = { code: err.code, message: err.message };
        for (const a of plan.actions.slice(results.length))
          results.push({
            key: a.subject,
            subject: a.subject,
            action: a.action,
            outcome:
              a.action === 'unchanged' || a.action === 'held' || a.action === 'skip' ? 'noop' : 'notRun',
            reason: err.message,
          });
      }
      observer?.targetFinished?.(result);
      return result;
    },

    async views({ repo, clusters }) {
      const found = await observe(repo, clusters);
      if (!found) return [];
      const designs = desiredLoadBalancer(found.input, found.observed).ingresses;
      const groups = await gcp.groupHealth(found.observed, found.input.uid);
      return designs.map((design) =>
        loadBalancerView({ design, observed: found.observed, uid: found.input.uid, groups }),
      );
    },

    close: () => gcp.close(),
  };
}
