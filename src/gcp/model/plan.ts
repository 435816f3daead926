// One load-balancer plan: translate → check what the user must provide and the quotas → drain →
// diff. Everything the reconciler needs to carry into a LoadBalancerPlan target, as plain data.
import type { Problem } from '../../model/index.js';
import { DEFAULT_SETTINGS, type LoadBalancerInput } from './input.js';
import type { DesiredLoadBalancer, IngressDesign } from './design.js';
import { diffLoadBalancer } from './diff.js';
import { decideDraining, withDraining, type DrainState } from './drain.js';
import { judgeDrift, withSpecDigests } from './drift.js';
import { checkQuotas } from './limits.js';
import { subjectOf, type ObservedLoadBalancer } from './resources.js';
import type { LoadBalancerAction, Orphan } from './steps.js';
import { desiredLoadBalancer } from './translate.js';

export type LoadBalancerPlanData = {
  federation: string;
  project: string;
  uid: string;
  /** In apply order; `unchanged` and `skip` steps included (apply skips them). */
  steps: LoadBalancerAction[];
  orphans: Orphan[];
  problems: Problem[];
  ingresses: IngressDesign[];
  /** Keep for the next cycle. */
  drain: DrainState;
  /** A quota or shared limit would be exceeded: steps is empty. */
  blocked: boolean;
  requeueAfterSeconds?: number;
};

/** Holds every Ingress whose user-provided address or certificate does not exist. */
function checkRequirements(
  desired: DesiredLoadBalancer,
  observed: ObservedLoadBalancer,
): DesiredLoadBalancer {
  const have = new Set(observed.resources.map((r) => subjectOf(r.ref)));
  const missing = desired.required.filter((r) => !have.has(subjectOf(r.ref)));
  if (missing.length === 0) return desired;
  const held = new Set(missing.map((m) => m.by));
  const problems: Problem[] = missing.map((m) => ({
    code: 'gcp.requiredMissing',
    severity: 'error',
    message: `${m.ref.kind === 'address' ? 'global address' : 'SSL certificate'} ${m.ref.name} does not exist in project ${desired.project}: ${m.hint}; its load balancer is left as it is`,
    object: m.by,
  }));
  const heldKeys = new Set(desired.ingresses.filter((i) => held.has(i.subject)).map((i) => i.key));
  return {
    ...desired,
    resources: desired.resources.filter((r) => !r.owner.ingress || !heldKeys.has(r.owner.ingress)),
    required: desired.required.filter((r) => !held.has(r.by)),
    ingresses: desired.ingresses.map((i) => (heldKeys.has(i.key) ? { ...i, held: true } : i)),
    problems: [...desired.problems, ...problems],
    anyHeld: true,
  };
}

export function planLoadBalancer(options: {
  input: LoadBalancerInput;
  observed: ObservedLoadBalancer;
  drain: DrainState;
  /** ISO-8601 */
  now: string;
}): LoadBalancerPlanData {
  const { input, observed } = options;
  const settings = { ...DEFAULT_SETTINGS, ...input.settings };
  const translated = checkRequirements(desiredLoadBalancer(input, observed), observed);
  const quota = checkQuotas(translated.resources, observed);
  const decision = decideDraining({
    backends: translated.backends,
    clusters: input.clusters,
    previous: options.drain,
    now: options.now,
    undrainAfterSeconds: settings.undrainAfterSeconds,
  });
  const desired = withSpecDigests(withDraining(translated, decision));
  const blocked = translated.blocked || quota.length > 0;
  const diff = blocked
    ? { steps: [], orphans: [], problems: [] }
    : diffLoadBalancer({ desired, observed, prune: input.prune });
  return {
    federation: input.federation,
    project: input.project,
    uid: input.uid,
    steps: judgeDrift(diff.steps, { desired, observed, selfHeal: input.selfHeal ?? true }),
    orphans: diff.orphans,
    problems: [...desired.problems, ...quota, ...decision.problems, ...diff.problems],
    ingresses: desired.ingresses,
    drain: decision.state,
    blocked,
    ...(decision.requeueAfterSeconds !== undefined
      ? { requeueAfterSeconds: decision.requeueAfterSeconds }
      : {}),
  };
}
