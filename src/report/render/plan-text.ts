// The Plan as text, like `terraform plan`: `+` create, `~` update, `±` adopt, `-` delete, per
// cluster, with the changed fields, then problems and a summary line.
import { formatProblem, subject } from '../../model/index.js';
import type { ClusterPlan, FieldChange, KubeAction, Plan } from '../../model/index.js';

export type PlanCounts = {
  add: number;
  change: number;
  destroy: number;
  held: number;
  unchanged: number;
  skipped: number;
};

export function countActions(actions: KubeAction[]): PlanCounts {
  const n: PlanCounts = { add: 0, change: 0, destroy: 0, held: 0, unchanged: 0, skipped: 0 };
  for (const a of actions) {
    switch (a.op) {
      case 'create':
        n.add++;
        break;
      case 'update':
      case 'adopt':
        n.change++;
        break;
      case 'delete':
        if (a.blockedBy.length > 0) n.held++;
        else n.destroy++;
        break;
      case 'unchanged':
        n.unchanged++;
        break;
      case 'skip':
        n.skipped++;
        break;
    }
  }
  return n;
}

export function totalCounts(plan: Plan): PlanCounts {
  return countActions(plan.clusters.flatMap((c) => c.actions));
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

/** The lines of one cluster's actions (unchanged ones summarised), without indentation. */
export function actionLines(cluster: ClusterPlan): string[] {
  const lines: string[] = [];
  for (const a of cluster.actions) {
    const who = subject(a.ref);
    switch (a.op) {
      case 'create':
        lines.push(`+ ${who}`);
        break;
      case 'update':
        lines.push(`~ ${who}`, ...a.changes.map((c) => `    ${changeLine(c)}`));
        break;
      case 'adopt':
        lines.push(`± ${who} (adopt: ${a.reason})`, ...a.changes.map((c) => `    ${changeLine(c)}`));
        break;
      case 'delete':
        lines.push(a.blockedBy.length > 0 ? `- ${who} (held by ${a.blockedBy.join(', ')})` : `- ${who}`);
        break;
      case 'skip':
        lines.push(`# ${who} skipped: ${a.reason}`);
        break;
      case 'unchanged':
        break;
    }
  }
  const unchanged = countActions(cluster.actions).unchanged;
  if (unchanged > 0) lines.push(`  (${unchanged} unchanged)`);
  return lines;
}

/** The one-line summary: "N to add, N to change, N to destroy" (+ held and unchanged counts). */
export function summaryLine(plan: Plan): string {
  const n = totalCounts(plan);
  const held = n.held > 0 ? `, ${n.held} held by safety guards` : '';
  return `Plan: ${n.add} to add, ${n.change} to change, ${n.destroy} to destroy${held}.`;
}

export function renderPlanText(plan: Plan): string {
  const out: string[] = [];
  out.push(`fedsync plan for federation ${plan.federation} at ${plan.revision.sha.slice(0, 12)}`, '');
  for (const c of plan.clusters) {
    if (c.health !== 'Ready') {
      out.push(`cluster ${c.cluster} (${c.health}): left untouched`, '');
      continue;
    }
    const lines = actionLines(c);
    out.push(`cluster ${c.cluster}:`);
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
