// The one place the CLI picks the ClusterClient adapter.
import type { ClientFactory } from '../agent/fleet.js';

export const createClient: ClientFactory = () => {
  throw new Error('the cluster adapter (src/kube/client-node.ts) is not wired yet');
};
