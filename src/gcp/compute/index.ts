// The Google Cloud adapter: @google-cloud/compute behind the load-balancer target (observe, apply,
// health). Importing this file loads nothing heavy; the client library is loaded on first use.
export { computeTarget, type GcpTarget, type GcpTargetOptions } from './target.js';
export {
  loadBalancerTarget,
  type LoadBalancerTarget,
  type LoadBalancerTargetOptions,
} from './load-balancer.js';
export type { ComputeConnection, CallHook } from './connection.js';
export type { ObserveScope } from './observe.js';
export type { StepResult, GcpApplyResult } from './apply.js';
export { GcpError, GcpErrorCode, isTransientGcpError, toGcpError } from './errors.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry.js';
export type { ComputeApi, Operation } from './api.js';
