// The Plan as JSON: versioned (schemaVersion), stable for the same input, Secret values masked.
import type { KubeAction, Plan } from '../../model/index.js';
import { maskObject } from '../../plan/mask.js';

function maskAction(a: KubeAction): KubeAction {
  switch (a.op) {
    case 'create':
    case 'update':
    case 'adopt':
      return { ...a, object: maskObject(a.object) };
    case 'delete':
    case 'unchanged':
    case 'skip':
      return a;
  }
}

/** A copy of the plan that is safe to print or publish: every Secret value masked. */
export function maskPlan(plan: Plan): Plan {
  return { ...plan, clusters: plan.clusters.map((c) => ({ ...c, actions: c.actions.map(maskAction) })) };
}

/** Pretty JSON with a trailing newline. Field changes are masked already; objects are masked here. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(maskPlan(plan), null, 2)}\n`;
}
