// Public entry points of the simulated Google Cloud (Compute Engine API + load-balancer data plane).
export { startComputeSim, type ComputeSim, type ComputeSimOptions } from './server.js';
export type { FaultSpec, FaultKind } from './faults.js';
export type { ComputeCounters } from './counters.js';
export type { RouteQuery, RouteAnswer, RouteError } from './routing.js';
export { gcloudEnv, gcloudEnvFile, type GcloudEnvOptions } from './gcloud-env.js';
export { computeSimOptionsFromWorld, gcloudTokenFile, writeGcloudEnv } from './world.js';
export { gcpControlHandler, faultSpecSchema, routeQuerySchema } from './control.js';
