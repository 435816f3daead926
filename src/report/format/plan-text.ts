// The Plan as text, like `terraform plan`: one symbol per action (outcome.ts), per target, with the
// changed fields, then problems and a summary line.
import { ACTION_SYMBOL, actionSubject, changeSummary, formatProblem, planCounts } from '../../model/index.js';
import type { FieldChange, KubeAction, LoadBalancerAction, Plan, TargetPlan } from '../../model/index.js';
import { policyLines } from './plan-policy-text.js';

const MAX_VALUE = 120;

/** One value for a human: JSON, shortened; `(absent)` for a missing field. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function changeLine(c: FieldChange): string {
  return `${c.path}: ${showValue(c.from)} → ${showValue(c.to)}`;
}

function actionLine(a: KubeAction | LoadBalancerAction): string[] {
  const who = actionSubject(a);
  const sym = ACTION_SYMBOL[a.action];
  const changes = ('changes' in a ? (a.changes ?? []) : []).map((c) => `    ${changeLine(c)}`);
  const drift = 'drift' in a && a.drift ? ' (drift: changed outside fedsync, corrected)' : '';
  switch (a.action) {
    case 'create':
    case 'update':
    case 'delete':
      return [`${sym} ${who}${drift}`, ...changes];
    case 'replace':
      return [`${sym} ${who} (replace: ${a.reason ?? 'a field cannot change in place'})`, ...changes];
    case 'adopt':
      return [`${sym} ${who} (adopt: ${a.reason})`, ...changes];
    case 'orphan':
      return [`${sym} ${who} (orphan: ${a.reason ?? 'released, kept running'})`];
    case 'held': {
      const what = 'replaceOrder' in a && a.replaceOrder ? 'replace' : 'delete';
      const using = 'heldWith' in a && a.heldWith?.length ? `; held with ${a.heldWith.join(', ')}` : '';
      return [`${sym} ${who} (${what} held by ${(a.heldBy ?? []).join(', ')}${using})`];
    }
    case 'skip':
      return [`${sym} ${who} skipped: ${a.reason ?? ''}`, ...('drift' in a && a.drift ? changes : [])];
    case 'unchanged':
      return [];
  }
}

/** The lines of one target's actions (unchanged ones summarised), without indentation. */
export function actionLines(target: TargetPlan): string[] {
  const lines = target.actions.flatMap((a: KubeAction | LoadBalancerAction) => actionLine(a));
  const unchanged = planCounts(target).unchanged;
  if (unchanged > 0) lines.push(`  (${unchanged} unchanged)`);
  return lines;
}

/** "N to add, N to change, N to destroy" (+ held), the words every summary uses. */
export function changeWords(plan: Pick<Plan, 'targets'>): string {
  const n = changeSummary(planCounts(plan));
  const held = n.held > 0 ? `, ${n.held} held by safety guards` : '';
  return `${n.add} to add, ${n.change} to change, ${n.destroy} to destroy${held}`;
}

/** The one-line summary: "Plan: N to add, N to change, N to destroy." */
export function summaryLine(plan: Pick<Plan, 'targets'>): string {
  return `Plan: ${changeWords(plan)}.`;
}

/** `cluster gce-europe-west1b` or `load balancer (project fedsync-demo)`. */
export function targetTitle(t: TargetPlan): string {
  return t.kind === 'cluster' ? `cluster ${t.name}` : `load balancer (project ${t.name})`;
}

/** Why the plan asks to be made again: pods about to count as unschedulable, or a drained backend. */
function requeueWhy(plan: Plan): string {
  const draining =
    plan.targets.some((t) => t.kind === 'loadBalancer') && plan.requeueAfterSeconds !== undefined;
  return draining ? 'pending pods, or a drained backend due to be undrained' : 'pending pods';
}

export function formatPlanText(plan: Plan): string {
  const out: string[] = [];
  out.push(`fedsync plan for federation ${plan.federation} at ${plan.revision.sha.slice(0, 12)}`);
  out.push(...policyLines(plan.policy), '');
  for (const t of plan.targets) {
    if (t.kind === 'cluster' && t.health !== 'Ready') {
      const cause = t.cause ? `, ${t.cause.reason}: ${t.cause.message}` : '';
      out.push(`${targetTitle(t)} (${t.health}${cause}): left untouched`, '');
      continue;
    }
    const lines = actionLines(t);
    out.push(`${targetTitle(t)}:`);
    out.push(...(lines.length > 0 ? lines.map((l) => `  ${l}`) : ['  (nothing)']));
    out.push('');
  }
  if (plan.problems.length > 0) {
    out.push('Problems:', ...plan.problems.map((p) => `  ${formatProblem(p)}`), '');
  }
  if (plan.guards) {
    const open = plan.guards.guards.filter((g) => !plan.guards?.released.includes(g));
    if (open.length > 0)
      out.push(
        `Held by ${open.join(', ')}; approve with digest ${plan.guards.digest} (any later commit) or commit ${plan.revision.sha} (in a commit directly on top of it changing only fedsync.yaml)`,
        '',
      );
  }
  out.push(summaryLine(plan));
  if (plan.requeueAfterSeconds !== undefined)
    out.push(`Plan again in ${plan.requeueAfterSeconds} s (${requeueWhy(plan)}).`);
  return `${out.join('\n')}\n`;
}
