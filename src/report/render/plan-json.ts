// The Plan as JSON: versioned (schemaVersion), stable for the same input, Secret values masked.
import type { ClusterAction, Plan, TargetPlan } from '../../model/index.js';
import { maskObject } from '../../plan/mask.js';

function maskAction(a: ClusterAction): ClusterAction {
  switch (a.action) {
    case 'create':
    case 'update':
    case 'adopt':
      return { ...a, object: maskObject(a.object) };
    case 'delete':
    case 'held':
    case 'unchanged':
    case 'skip':
      return a;
  }
}

function maskTarget(t: TargetPlan): TargetPlan {
  // Load-balancer requests never carry key material (certificates' keys stay out of plans).
  return t.kind === 'cluster' ? { ...t, actions: t.actions.map(maskAction) } : t;
}

/** A copy of the plan that is safe to print or publish: every Secret value masked. */
export function maskPlan(plan: Plan): Plan {
  return { ...plan, targets: plan.targets.map(maskTarget) };
}

/** Pretty JSON with a trailing newline. Field changes are masked already; objects are masked here. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(maskPlan(plan), null, 2)}\n`;
}
