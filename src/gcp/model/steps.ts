// A load-balancer plan is an ordered list of actions, each one API call (a replace is two: the delete
// and the insert of the same name, or the insert of a successor beside the old one). The types live
// in the shared model (src/model/load-balancer.ts): the plan carries them as they are.
import { WRITING_ACTIONS, type Action, type LoadBalancerAction } from '../../model/index.js';

/** What the diff decides for a resource (the planner may then hold or skip it). */
export type GcpAction = Extract<Action, 'create' | 'update' | 'replace' | 'delete' | 'unchanged'>;

export { GcpCall, GcpDanger } from '../../model/index.js';

export type { LoadBalancerAction, Orphan } from '../../model/index.js';

/** True when applying the action calls the API (not unchanged, held or skipped). */
export function isMutation(step: LoadBalancerAction): boolean {
  return WRITING_ACTIONS.has(step.action);
}
