// The Plan as Markdown for a pull-request comment: summary, a table per cluster, details in
// collapsible diff blocks, problems and what needs approval.
import type { Plan } from '../../model/index.js';
import { formatProblem } from '../../model/index.js';
import { actionLines, countActions, summaryLine } from './plan-text.js';

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [];
  out.push(
    `### fedsync plan: federation \`${plan.federation}\` at \`${plan.revision.sha.slice(0, 12)}\``,
    '',
  );
  out.push(`**${summaryLine(plan).replace(/^Plan: /, '')}**`, '');
  out.push(
    '| Cluster | Health | Add | Change | Destroy | Held | Unchanged |',
    '|---|---|--:|--:|--:|--:|--:|',
  );
  for (const c of plan.clusters) {
    const n = countActions(c.actions);
    out.push(
      `| ${escapeCell(c.cluster)} | ${c.health} | ${n.add} | ${n.change} | ${n.destroy} | ${n.held} | ${n.unchanged} |`,
    );
  }
  out.push('');
  for (const c of plan.clusters) {
    const lines = actionLines(c).filter((l) => !l.startsWith('  ('));
    if (c.health !== 'Ready' || lines.length === 0) continue;
    out.push(
      `<details><summary>${c.cluster}</summary>`,
      '',
      '```diff',
      ...lines,
      '```',
      '',
      '</details>',
      '',
    );
  }
  if (plan.problems.length > 0) {
    out.push('#### Problems', '');
    for (const p of plan.problems)
      out.push(
        `- ${p.severity === 'error' ? '**error**' : 'warning'}: ${formatProblem(p).replace(/^warning: /, '')}`,
      );
    out.push('');
  }
  if (plan.guards) {
    const open = plan.guards.guards.filter((g) => !plan.guards?.released.includes(g));
    if (open.length > 0) {
      out.push(
        '#### Approval needed',
        '',
        `Held by ${open.map((g) => `\`${g}\``).join(', ')}. To allow these deletes, add **one** of these approvals to \`fedsync.yaml\`:`,
        '',
        '```yaml',
        'spec:',
        '  policy:',
        '    approvals:',
        '      # these exact deletes, in any later commit',
        `      - digest: ${plan.guards.digest}`,
        `        guards: [${open.join(', ')}]`,
        '        reason: <why>',
        `      # or: only in a commit directly on top of ${plan.revision.sha.slice(0, 12)} that changes only fedsync.yaml`,
        `      - commit: ${plan.revision.sha}`,
        `        guards: [${open.join(', ')}]`,
        '        reason: <why>',
        '```',
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
