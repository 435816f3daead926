// Shared vocabulary. Imports nothing outside this folder.
export * from './kube.js';
export * from './labels.js';
export * from './problem.js';
export * from './federation.js';
export * from './revision.js';
export * from './clock.js';
export * from './outcome.js';
export * from './observed.js';
export * from './plan.js';
export * from './drift.js';
