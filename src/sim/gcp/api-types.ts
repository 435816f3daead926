// The parts of a running simulator the request handlers need.
import type { SimContext } from './context.js';
import type { Counters } from './counters.js';
import type { Faults } from './faults.js';
import type { Operations, OperationError } from './operations.js';
import type { ScopeKey } from './names.js';

export type Sim = { ctx: SimContext; ops: Operations; faults: Faults; counters: Counters };

export type ApiRequest = {
  method: string;
  /** Segments after `/compute/v1/projects/{project}/`. */
  segments: string[];
  query: URLSearchParams;
  body: unknown;
};

export type ApiResponse = { status: number; body: unknown };

export function json(body: unknown, status = 200): ApiResponse {
  return { status, body };
}

/**
 * Runs a validated mutation and returns its Operation. Injected faults decide whether the operation
 * fails (the change is then not applied) or never leaves RUNNING (the change is applied).
 */
export function mutate(
  sim: Sim,
  op: {
    scope: ScopeKey;
    operationType: string;
    targetLink: string;
    targetId?: unknown;
    error?: OperationError;
  },
  apply: () => void,
): ApiResponse {
  const injected = op.error ? undefined : sim.faults.takeOperationFailure();
  const error = op.error ?? (injected ? { ...injected, httpStatus: 500 } : undefined);
  const stuck = !error && sim.faults.takeOperationStuck();
  if (!error) apply();
  return json(
    sim.ops.start({
      scope: op.scope,
      operationType: op.operationType,
      targetLink: op.targetLink,
      ...(op.targetId !== undefined
        ? { targetId: typeof op.targetId === 'string' ? op.targetId : JSON.stringify(op.targetId) }
        : {}),
      ...(error ? { error } : {}),
      stuck,
    }),
  );
}

export function bodyObject(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
