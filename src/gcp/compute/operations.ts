// Waiting for an operation, with a bound: `wait` calls until DONE, never past the deadline. An
// operation that ends with errors is a GcpError; one still running at the deadline is
// operationTimeout (transient: the next cycle sees whether it landed).
import type { ComputeApi, Operation } from './api.js';
import { GcpError, GcpErrorCode, operationError } from './errors.js';
import { withRetry, type RetryPolicy } from './retry.js';

export async function waitDone(options: {
  api: ComputeApi;
  op: Operation;
  what: string;
  timeoutMs: number;
  now: () => number;
  retry: RetryPolicy;
}): Promise<Operation> {
  const deadline = options.now() + options.timeoutMs;
  let op = options.op;
  while (op.status !== 'DONE') {
    if (options.now() >= deadline)
      throw new GcpError({
        code: GcpErrorCode.operationTimeout,
        message: `${options.what}: operation ${op.name} not done after ${options.timeoutMs} ms`,
      });
    const current = op;
    op = await withRetry(options.retry, () => options.api.wait(current));
  }
  if (op.errors && op.errors.length > 0) throw operationError(options.what, op.errors);
  return op;
}
