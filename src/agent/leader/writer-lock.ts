// The per-federation writer lock lives in the cluster adapter, which takes it around every write.
export * from '../../kube/writer-lock.js';
