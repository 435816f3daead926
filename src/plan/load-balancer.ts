// The load-balancer part of a plan: the federation's Ingresses, Services and the clusters' nodes and
// health (from the cluster observe) plus what the load-balancer observe found in Google Cloud → one
// LoadBalancerPlan in the one vocabulary. Dangerous actions (deleting or replacing a forwarding
// rule, releasing an address) are held for the guards, and so is every delete that has to wait for
// them. Pure: the drain state and the drift digests come from the observed resources themselves.
import type {
  ClusterName,
  FederationRepo,
  GcpDanger,
  KubeObject,
  LoadBalancerAction,
  LoadBalancerPlan,
  ObservedCluster,
  ObservedLoadBalancer,
  Problem,
} from '../model/index.js';
import {
  drainStateOf,
  loadBalancerInputFrom,
  nodeFactsOf,
  planLoadBalancer,
  withNetworkTags,
} from '../gcp/model/index.js';
import { GuardCode } from './guards.js';
import type { GuardedDelete } from './guards.js';

/** The guard that holds each kind of dangerous action. */
export const GUARD_OF_DANGER: Record<GcpDanger, GuardCode> = {
  'gcp.deleteForwardingRule': GuardCode.lbForwardingRuleDelete,
  'gcp.replaceForwardingRule': GuardCode.lbForwardingRuleReplace,
  'gcp.releaseAddress': GuardCode.lbAddressRelease,
};

export type LoadBalancerDraft = {
  /** Absent when there is nothing to plan (no Ingress, nothing of the federation in the project). */
  plan?: LoadBalancerPlan;
  /** Actions the guards hold, before approvals (they decide which ones are released). */
  held: GuardedDelete[];
  problems: Problem[];
  requeueAfterSeconds?: number;
};

/**
 * Holds the dangerous actions, and the deletes that must wait for them: later deletes of the same
 * Ingress's resources and of shared ones (something held may still refer to them).
 */
function holdDangerous(actions: LoadBalancerAction[]): {
  actions: LoadBalancerAction[];
  held: Map<string, GuardCode[]>;
} {
  const held = new Map<string, GuardCode[]>();
  const waiting = new Map<string, GuardCode[]>();
  const out = actions.map((a): LoadBalancerAction => {
    const direct =
      a.danger && (a.action === 'delete' || a.action === 'replace') ? [GUARD_OF_DANGER[a.danger]] : [];
    const inherited =
      a.action === 'delete' ? [...(waiting.get(a.ingress ?? '') ?? []), ...(waiting.get('') ?? [])] : [];
    const guards = [...new Set([...direct, ...inherited])].sort();
    if (guards.length === 0) return a;
    held.set(a.subject, guards);
    const scope = a.ingress ?? '';
    waiting.set(scope, [...new Set([...(waiting.get(scope) ?? []), ...guards])]);
    if (scope !== '') waiting.set('', [...new Set([...(waiting.get('') ?? []), ...guards])]);
    return {
      ...a,
      action: 'held',
      heldBy: guards,
      reason: direct.length > 0 ? a.reason : `${a.reason}; waits for a held delete`,
    };
  });
  return { actions: out, held };
}

export function draftLoadBalancer(options: {
  repo: FederationRepo;
  clusters: readonly ObservedCluster[];
  observed: readonly ObservedLoadBalancer[];
  /** The desired member objects of each Ready cluster (health-check paths, write-back targets). */
  desired: ReadonlyMap<ClusterName, readonly KubeObject[]>;
  now: string;
}): LoadBalancerDraft | undefined {
  const input = loadBalancerInputFrom({
    repo: options.repo,
    observed: options.clusters,
    nodes: nodeFactsOf(options.clusters),
    desired: options.desired,
  });
  if (!input) return undefined;
  const observed = options.observed.find((o) => o.project === input.project);
  if (!observed)
    return {
      held: [],
      problems: [
        {
          code: 'loadBalancer.notObserved',
          severity: 'error',
          message: `the load balancer in Google Cloud project ${input.project} was not observed: nothing of it is planned`,
        },
      ],
    };
  const data = planLoadBalancer({
    input: withNetworkTags(input, observed),
    observed,
    drain: drainStateOf(observed, input.uid),
    now: options.now,
  });
  const { actions, held } = holdDangerous(data.steps);
  const problems: Problem[] = [
    ...data.problems,
    ...data.orphans.map((o): Problem => ({
      code: 'gcp.orphan',
      severity: 'warning',
      message: o.reason,
      object: o.subject,
    })),
  ];
  const requeue =
    data.requeueAfterSeconds !== undefined ? { requeueAfterSeconds: data.requeueAfterSeconds } : {};
  if (actions.length === 0 && data.ingresses.length === 0 && data.orphans.length === 0)
    return { held: [], problems, ...requeue };
  const memberOf = (key: string): ClusterName[] =>
    [...options.desired.entries()]
      .filter(([, objects]) =>
        objects.some(
          (o) => o.kind === 'Ingress' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` === key,
        ),
      )
      .map(([cluster]) => cluster)
      .sort();
  const plan: LoadBalancerPlan = {
    kind: 'loadBalancer',
    name: input.project,
    uid: input.uid,
    actions,
    ingresses: data.ingresses.map((d) => ({ ...d, clusters: memberOf(d.key) })),
    orphans: data.orphans,
  };
  return {
    plan,
    held: [...held.entries()].map(([subject, guards]) => ({
      target: plan.name,
      targetKind: 'loadBalancer',
      key: subject,
      subject,
      guards,
    })),
    problems,
    ...requeue,
  };
}

/** The plan's actions once the approvals are known: a held action whose guards are all released runs. */
export function releaseHeld(plan: LoadBalancerPlan, released: ReadonlySet<string>): LoadBalancerPlan {
  return {
    ...plan,
    actions: plan.actions.map((a): LoadBalancerAction => {
      if (a.action !== 'held') return a;
      const heldBy = (a.heldBy ?? []).filter((g) => !released.has(g));
      if (heldBy.length > 0) return { ...a, heldBy };
      const { heldBy: _held, ...rest } = a;
      return { ...rest, action: a.replaceOrder ? 'replace' : 'delete' };
    }),
  };
}
