// The Plan as JSON: versioned (schemaVersion), stable for the same input, Secret values masked.
import type { KubeAction, Plan, TargetPlan } from '../../model/index.js';
import { maskObject } from '../../plan/mask.js';

function maskAction(a: KubeAction): KubeAction {
  switch (a.action) {
    case 'create':
    case 'update':
    case 'adopt':
    case 'unchanged':
      return { ...a, object: maskObject(a.object) };
    case 'delete':
    case 'held':
    case 'skip':
      return a;
  }
}

function maskTarget(t: TargetPlan): TargetPlan {
  // Load-balancer actions carry field changes only, masked when the plan was made.
  return t.kind === 'cluster' ? { ...t, actions: t.actions.map(maskAction) } : t;
}

/** A copy of the plan that is safe to print or publish: every Secret value masked. */
export function maskPlan(plan: Plan): Plan {
  return { ...plan, targets: plan.targets.map(maskTarget) };
}

/** Pretty JSON with a trailing newline. Field changes are masked already; objects are masked here. */
export function formatPlanJson(plan: Plan): string {
  return `${JSON.stringify(maskPlan(plan), null, 2)}\n`;
}
