// One step, one API call (a deleteFirst replace: two), with the recoveries that make a rerun safe:
// an insert that finds the resource already there (an earlier run crashed after the call) re-reads
// it and goes on — never a second create; a stale fingerprint (412) re-reads and retries once; an
// addInstances that finds members already there adds only the missing ones; a delete of something
// already gone is done.
import type { LoadBalancerAction, Json } from '../model/index.js';
import type { ComputeApi, Operation } from './api.js';
import { GcpError, GcpErrorCode } from './errors.js';
import { waitDone } from './operations.js';
import { withRetry, type RetryPolicy } from './retry.js';

export type ExecuteContext = {
  api: ComputeApi;
  retry: RetryPolicy;
  operationTimeoutMs: number;
  now: () => number;
};

/** What happened, in a few words, when it was not the plain call (`already existed`, …). */
export type StepNote = string | undefined;

const is = (err: unknown, code: GcpError['code']) => err instanceof GcpError && err.code === code;

async function run(
  ctx: ExecuteContext,
  step: LoadBalancerAction,
  call: NonNullable<LoadBalancerAction['call']>,
  body?: Json,
): Promise<void> {
  const what = `${call} ${step.subject}`;
  const op: Operation = await withRetry(ctx.retry, () => ctx.api.mutate(call, step.ref, body));
  await waitDone({
    api: ctx.api,
    op,
    what,
    timeoutMs: ctx.operationTimeoutMs,
    now: ctx.now,
    retry: ctx.retry,
  });
}

async function insert(ctx: ExecuteContext, step: LoadBalancerAction): Promise<StepNote> {
  const body: Json = { ...step.body };
  if (step.privateKey) body.privateKey = step.privateKey.reveal();
  try {
    await run(ctx, step, 'insert', body);
    return undefined;
  } catch (err) {
    if (!is(err, GcpErrorCode.alreadyExists)) throw err;
    const existing = await withRetry(ctx.retry, () => ctx.api.get(step.ref));
    if (!existing) throw err;
    return 'already existed (created by an earlier run); the next cycle compares it';
  }
}

async function del(ctx: ExecuteContext, step: LoadBalancerAction): Promise<StepNote> {
  try {
    await run(ctx, step, 'delete');
    return undefined;
  } catch (err) {
    if (is(err, GcpErrorCode.notFound)) return 'already gone';
    throw err;
  }
}

/** Update or setNamedPorts with the plan's fingerprint; on 412 once more with a fresh one. */
async function guarded(
  ctx: ExecuteContext,
  step: LoadBalancerAction,
  call: 'update' | 'setNamedPorts',
): Promise<StepNote> {
  const send = (fingerprint: string | undefined) =>
    run(ctx, step, call, { ...step.body, ...(fingerprint ? { fingerprint } : {}) });
  let fingerprint = step.fingerprint;
  if (fingerprint === undefined && (step.ref.kind === 'urlMap' || step.ref.kind === 'backendService')) {
    fingerprint = await current(ctx, step);
  }
  try {
    await send(fingerprint);
    return undefined;
  } catch (err) {
    if (!is(err, GcpErrorCode.conditionNotMet)) throw err;
    await send(await current(ctx, step));
    return 'the resource changed since it was planned; sent again with its new fingerprint';
  }
}

async function current(ctx: ExecuteContext, step: LoadBalancerAction): Promise<string | undefined> {
  const fresh = await withRetry(ctx.retry, () => ctx.api.get(step.ref));
  if (!fresh)
    throw new GcpError({
      code: GcpErrorCode.notFound,
      message: `${step.subject} disappeared while it was being updated`,
    });
  return typeof fresh.fingerprint === 'string' ? fresh.fingerprint : undefined;
}

async function addInstances(ctx: ExecuteContext, step: LoadBalancerAction): Promise<StepNote> {
  try {
    await run(ctx, step, 'addInstances', step.body);
    return undefined;
  } catch (err) {
    if (!is(err, GcpErrorCode.memberAlreadyExists)) throw err;
    const members = new Set(await withRetry(ctx.retry, () => ctx.api.listInstances(step.ref)));
    const wanted = ((step.body?.instances ?? []) as { instance: string }[]).filter(
      (i) => !members.has(i.instance),
    );
    if (wanted.length === 0) return 'the instances were already members';
    await run(ctx, step, 'addInstances', { instances: wanted });
    return 'some instances were already members; added the others';
  }
}

export async function executeStep(ctx: ExecuteContext, step: LoadBalancerAction): Promise<StepNote> {
  switch (step.call) {
    case undefined:
      return undefined;
    case 'insert':
      if (step.action === 'replace' && step.replaceOrder === 'deleteFirst') {
        const gone = await del(ctx, { ...step, call: 'delete' });
        const note = await insert(ctx, step);
        return [gone, note].filter(Boolean).join('; ') || undefined;
      }
      return insert(ctx, step);
    case 'delete':
      return del(ctx, step);
    case 'update':
      return step.ref.kind === 'urlMap' || step.ref.kind === 'backendService'
        ? guarded(ctx, step, 'update')
        : run(ctx, step, 'update', step.body).then(() => undefined);
    case 'setNamedPorts':
      return guarded(ctx, step, 'setNamedPorts');
    case 'addInstances':
      return addInstances(ctx, step);
    case 'removeInstances':
    case 'setUrlMap':
    case 'setSslCertificates':
    case 'setTarget':
      await run(ctx, step, step.call, step.body);
      return undefined;
  }
}
