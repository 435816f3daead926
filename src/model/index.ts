// Shared vocabulary. Imports nothing outside this folder.
export * from './kube.js';
export * from './labels.js';
export * from './problem.js';
export * from './federation.js';
export * from './observed.js';
export * from './outcome.js';
export * from './plan.js';
export * from './load-balancer.js';
export * from './drift.js';
export * from './clock.js';
export * from './target.js';
export * from './reconcile.js';
export * from './tenancy.js';
