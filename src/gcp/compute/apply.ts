// Applies a load-balancer plan's steps in their order. A failed step stops the steps that refer to
// what it was making (a rule whose proxy could not be created is not tried); the others go on. No
// delete runs after any failure: what a failed switch still needs (an old certificate, an old
// address) stays. Errors that are not GcpErrors are bugs or crashes and end the apply at once.
import { WRITING_ACTIONS, type ActionError, type Outcome } from '../../model/index.js';
import { canonicalLink, refOfLink, subjectOf, type LoadBalancerAction } from '../model/index.js';
import { GcpError, isTransientGcpError } from './errors.js';
import { executeStep, type ExecuteContext } from './execute.js';

/** One step's result, in the one outcome vocabulary (an unchanged step is a noop). */
export type StepResult = {
  subject: string;
  action: LoadBalancerAction['action'];
  call?: LoadBalancerAction['call'];
  outcome: Outcome;
  note?: string;
  error?: ActionError & { transient: boolean };
};

export type GcpApplyResult = {
  results: StepResult[];
  /** Every step done or a noop. */
  ok: boolean;
};

function references(step: LoadBalancerAction): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const ref = refOfLink(canonicalLink(v) ?? '');
      if (ref) out.add(subjectOf(ref));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(step.body);
  out.delete(step.subject);
  return [...out];
}

export async function applySteps(
  ctx: ExecuteContext,
  steps: readonly LoadBalancerAction[],
  onStep?: (result: StepResult) => void,
): Promise<GcpApplyResult> {
  const results: StepResult[] = [];
  const failed = new Set<string>();
  const record = (r: StepResult) => {
    results.push(r);
    onStep?.(r);
  };
  for (const step of steps) {
    const base = { subject: step.subject, action: step.action, ...(step.call ? { call: step.call } : {}) };
    // Unchanged, held (waiting for an approval) and skipped (drift only reported): no call.
    if (!WRITING_ACTIONS.has(step.action) || !step.call) {
      record({ ...base, outcome: 'noop' });
      continue;
    }
    const blockedBy =
      step.action === 'delete' && failed.size > 0
        ? 'an earlier step failed'
        : [step.subject, ...references(step)].find((s) => failed.has(s));
    if (blockedBy) {
      record({ ...base, outcome: 'notRun', note: failed.has(blockedBy) ? `${blockedBy} failed` : blockedBy });
      if (step.action !== 'delete') failed.add(step.subject);
      continue;
    }
    try {
      const note = await executeStep(ctx, step);
      record({ ...base, outcome: 'done', ...(note ? { note } : {}) });
    } catch (err) {
      if (!(err instanceof GcpError)) throw err;
      failed.add(step.subject);
      record({
        ...base,
        outcome: 'failed',
        error: { code: err.code, message: err.message, transient: isTransientGcpError(err) },
      });
    }
  }
  return { results, ok: results.every((r) => r.outcome === 'done' || r.outcome === 'noop') };
}
