// The Plan as text, like `terraform plan`: `+` create, `~` update, `±` adopt, `-` delete, per
// cluster, with the changed fields, then problems and a summary line.
import { formatProblem, tally } from '../../model/index.js';
import type { AnyAction, Counts, FieldChange, Plan, TargetPlan } from '../../model/index.js';

/** Counts of the whole plan, every target. */
export function totalCounts(plan: Plan): Counts {
  return tally(plan.targets.flatMap((t): AnyAction[] => t.actions));
}

/** Terraform's three numbers: a replace both adds and destroys. */
export function terraformCounts(n: Counts): { add: number; change: number; destroy: number } {
  return { add: n.create + n.replace, change: n.update + n.adopt, destroy: n.delete + n.replace };
}

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

/** The symbol of an action in a diff-like listing. */
export const SYMBOL: Record<'create' | 'update' | 'adopt' | 'replace' | 'delete', string> = {
  create: '+',
  update: '~',
  adopt: '±',
  replace: '-/+',
  delete: '-',
};

/** The lines of one target's actions (unchanged ones summarised), without indentation. */
export function actionLines(target: TargetPlan): string[] {
  const lines: string[] = [];
  const actions: AnyAction[] = target.actions;
  for (const a of actions) {
    const who = a.subject;
    switch (a.action) {
      case 'create':
        lines.push(`${SYMBOL.create} ${who}`);
        break;
      case 'update':
        lines.push(`${SYMBOL.update} ${who}`, ...a.changes.map((c) => `    ${changeLine(c)}`));
        break;
      case 'adopt':
        lines.push(
          `${SYMBOL.adopt} ${who} (adopt: ${a.reason})`,
          ...a.changes.map((c) => `    ${changeLine(c)}`),
        );
        break;
      case 'replace':
        lines.push(
          `${SYMBOL.replace} ${who} (replace: ${a.reason})`,
          ...a.changes.map((c) => `    ${changeLine(c)}`),
        );
        break;
      case 'delete':
        lines.push(`${SYMBOL.delete} ${who}`);
        break;
      case 'held':
        lines.push(`${SYMBOL[a.would]} ${who} (held by ${a.guards.join(', ')})`);
        break;
      case 'skip':
        lines.push(`# ${who} skipped: ${a.reason}`);
        break;
      case 'unchanged':
        break;
    }
  }
  const unchanged = tally(actions).unchanged;
  if (unchanged > 0) lines.push(`  (${unchanged} unchanged)`);
  return lines;
}

/** How a target is titled in reports: `cluster gce-asia-east1a`, `load balancer`. */
export function targetTitle(t: TargetPlan): string {
  return t.kind === 'cluster' ? `cluster ${t.target}` : `load balancer ${t.target}`;
}

/** The one-line summary: "N to add, N to change, N to destroy" (+ held and unchanged counts). */
export function summaryLine(plan: Plan): string {
  const n = totalCounts(plan);
  const t = terraformCounts(n);
  const held = n.held > 0 ? `, ${n.held} held by safety guards` : '';
  return `Plan: ${t.add} to add, ${t.change} to change, ${t.destroy} to destroy${held}.`;
}

export function renderPlanText(plan: Plan): string {
  const out: string[] = [];
  out.push(`fedsync plan for federation ${plan.federation} at ${plan.revision.sha.slice(0, 12)}`, '');
  for (const t of plan.targets) {
    if (t.kind === 'cluster' && t.health !== 'Ready') {
      out.push(`${targetTitle(t)} (${t.health}): left untouched`, '');
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
    out.push(`Plan again in ${plan.requeueAfterSeconds} s (pending pods).`);
  return `${out.join('\n')}\n`;
}
