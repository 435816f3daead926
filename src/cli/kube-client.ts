// The one place the CLI picks the ClusterClient adapter: @kubernetes/client-node (src/kube).
import type { ClientFactory } from '../kube/fleet.js';
import { createClusterClient } from '../kube/client-node.js';

export const createClient: ClientFactory = ({ name, kubeconfigPath, context }) =>
  createClusterClient({ name, kubeconfigPath, context });
