// The Google Cloud target: observe → observed state, apply(steps) → result, plus backend health for
// the write-back. The client library is loaded on the first call that needs it, never at import.
import { WRITING_ACTIONS } from '../../model/index.js';
import type {
  BackendGroupHealth,
  BackendState,
  LoadBalancerAction,
  ObservedLoadBalancer,
} from '../model/index.js';
import type { ComputeApi } from './api.js';
import { applySteps, type GcpApplyResult, type StepResult } from './apply.js';
import { connectCompute, type CallHook, type ComputeConnection } from './connection.js';
import { readBackendHealth, readGroupHealth } from './health.js';
import { observeLoadBalancer, type ObserveScope } from './observe.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import type { Clock } from '../../model/index.js';
import { systemClock } from '../../clock.js';

export type GcpTarget = {
  readonly project: string;
  observe(scope: ObserveScope): Promise<ObservedLoadBalancer>;
  apply(steps: readonly LoadBalancerAction[], onStep?: (r: StepResult) => void): Promise<GcpApplyResult>;
  /** Backend service name → state, for the backend services of this federation. */
  health(observed: ObservedLoadBalancer, uid: string): Promise<Record<string, BackendState>>;
  /** getHealth of every group of those backend services (one call per group). */
  groupHealth(observed: ObservedLoadBalancer, uid: string): Promise<BackendGroupHealth[]>;
  close(): Promise<void>;
};

export type GcpTargetOptions = {
  connection: ComputeConnection;
  /** Longest wait for one operation (default 5 minutes). */
  operationTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Runs before every request (tests simulate a crash by throwing from it). */
  onCall?: CallHook;
  /** Replaces the client library (tests of the adapter's own logic). */
  api?: ComputeApi;
};

export function computeTarget(options: GcpTargetOptions): GcpTarget {
  const retry: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  let api: Promise<ComputeApi> | undefined = options.api ? Promise.resolve(options.api) : undefined;
  // A connection that failed (no credentials yet) is tried again on the next call, not cached.
  const connect = () =>
    (api ??= connectCompute(options.connection, options.onCall).catch((err: unknown) => {
      api = undefined;
      throw err;
    }));
  const ctx = async () => ({
    api: await connect(),
    retry,
    operationTimeoutMs: options.operationTimeoutMs ?? 300_000,
    now: (): number => (options.clock ?? systemClock).now().getTime(),
  });
  return {
    project: options.connection.project,
    async observe(scope) {
      return observeLoadBalancer(await connect(), scope, retry);
    },
    async apply(steps, onStep) {
      // A plan with nothing to do never loads the client library.
      if (steps.every((s) => !WRITING_ACTIONS.has(s.action)))
        return {
          results: steps.map((s) => ({ subject: s.subject, action: s.action, outcome: 'noop' })),
          ok: true,
        };
      return applySteps(await ctx(), steps, onStep);
    },
    async health(observed, uid) {
      return readBackendHealth(await connect(), observed, uid, retry);
    },
    async groupHealth(observed, uid) {
      return readGroupHealth(await connect(), observed, uid, retry);
    },
    async close() {
      if (!api) return;
      const a = api;
      api = undefined;
      await (await a.catch(() => undefined))?.close();
    },
  };
}
