// Full or incremental: the one place the agent decides how a cycle is planned. It keeps the last
// converged plan as the basis of the next one (src/plan/incremental.ts plans from it, purely) and
// the drift the watch reported, and plans in full when there is no basis (the first cycle, after any
// failure or unfinished apply), when a run asks for it (an operator's manual run, a new leader), at
// the periodic full resync, and whenever the incremental planner declines (something that shapes
// the whole federation changed).
import { systemClock } from '../clock.js';
import type { Clock, Drift, Plan } from '../model/index.js';
import { planIncremental, settlePlan } from '../plan/incremental.js';
import type { BasisCarry, DirtyObject, PlanBasis } from '../plan/incremental.js';
import { planRevision } from '../plan/plan-revision.js';
import type { PlanInput } from '../plan/plan-revision.js';

/** A full plan at least this often, however many incremental ones went well. */
export type FullResync = {
  /** Milliseconds since the last full plan (default 10 minutes). */
  everyMs: number;
  /** Incremental plans in a row (default 100). */
  everyCycles: number;
};

export const defaultFullResync: FullResync = { everyMs: 10 * 60_000, everyCycles: 100 };

/** How one cycle was planned, and why it was planned in full. */
export type PlanMode =
  { mode: 'incremental'; /** Objects planned again. */ replanned: number } | { mode: 'full'; why: string };

export type CyclePlanner = {
  /** Plans one cycle. `drift`: what the watch reported since the last plan; `full`: why a run wants a full plan. */
  plan(input: PlanInput, options: { drift: readonly Drift[]; full?: string }): { plan: Plan; mode: PlanMode };
  /**
   * How the cycle ended: a plan whose apply converged becomes the next basis (with the drift found
   * after its apply, planned again next time); anything else (a failure, an unfinished apply, no
   * plan at all) leaves no basis, so the next cycle is planned in full.
   */
  finished(
    end: { input: PlanInput; plan: Plan; converged: boolean; driftAfter: readonly Drift[] } | undefined,
  ): void;
};

const dirtyOf = (drift: readonly Drift[]): DirtyObject[] =>
  drift.map((d) => ({ cluster: d.cluster, ref: d.ref }));

export function createCyclePlanner(
  options: { resync?: Partial<FullResync>; clock?: Clock } = {},
): CyclePlanner {
  const resync = { ...defaultFullResync, ...options.resync };
  const clock = options.clock ?? systemClock;
  let basis: PlanBasis | undefined;
  // The last incremental plan with what it keeps for the next one (the basis made from it holds it).
  let last: { plan: Plan; carry: BasisCarry } | undefined;
  let carried: DirtyObject[] = [];
  let lastFullAt = 0;
  let sinceFull = 0;

  const fullReason = (full: string | undefined): string | undefined => {
    if (full) return full;
    if (!basis) return 'no converged plan to build on';
    if (sinceFull >= resync.everyCycles)
      return `periodic full resync (${resync.everyCycles} incremental plans)`;
    if (clock.now().getTime() - lastFullAt >= resync.everyMs) return 'periodic full resync (interval)';
    return undefined;
  };

  return {
    plan(input, { drift, full }) {
      const dirty = [...carried, ...dirtyOf(drift)];
      carried = [];
      let why = fullReason(full);
      if (!why && basis) {
        const inc = planIncremental({ basis, input, dirty });
        if (inc.ok) {
          sinceFull++;
          last = { plan: inc.plan, carry: inc.carry };
          return { plan: inc.plan, mode: { mode: 'incremental', replanned: inc.replanned } };
        }
        why = inc.why;
      }
      sinceFull = 0;
      lastFullAt = clock.now().getTime();
      return {
        plan: planRevision(input),
        mode: { mode: 'full', why: why ?? 'no converged plan to build on' },
      };
    },
    finished(end) {
      const carry = last && last.plan === end?.plan ? { carry: last.carry } : {};
      last = undefined;
      basis = end?.converged ? settlePlan(end.input, end.plan, carry) : undefined;
      carried = end?.converged ? dirtyOf(end.driftAfter) : [];
    },
  };
}
