// The delete verb: one planned delete in one member cluster. An object already gone counts as done
// (the plan's intent holds); the result is a value, never a throw.
import { actionKey, actionSubject } from '../model/index.js';
import type { ActionResult, ClusterName, KubeAction } from '../model/index.js';
import { errorOf } from './errors.js';
import type { ClusterClient } from './port.js';

export type DeleteAction = Extract<KubeAction, { action: 'delete' }>;

export async function deleteObject(options: {
  client: ClusterClient;
  action: DeleteAction;
  onDeleted?: (cluster: ClusterName, action: DeleteAction) => void;
}): Promise<ActionResult> {
  const { client, action } = options;
  const base = { key: actionKey(action), subject: actionSubject(action), action: action.action };
  try {
    await client.remove({ ...action.ref, apiVersion: action.apiVersion });
    options.onDeleted?.(client.name, action);
    return { ...base, outcome: 'done' };
  } catch (err) {
    return { ...base, outcome: 'failed', error: errorOf(err) };
  }
}
