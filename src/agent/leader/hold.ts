// Holding a Lease lives with the Lease lock in the cluster adapter (the writer locks of member
// clusters use it too); the leader elector and the agent's config import it from here.
export * from '../../kube/lease-hold.js';
