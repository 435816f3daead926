// The Plan as Markdown for a pull-request comment: summary, a table of targets, details in
// collapsible diff blocks, problems and what needs approval.
import type { Plan, Problem } from '../../model/index.js';
import { changeSummary, formatProblem, planCounts } from '../../model/index.js';
import { actionLines, changeWords, targetTitle } from './plan-text.js';
import { policyText } from './plan-policy-text.js';

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function formatPlanMarkdown(plan: Plan): string {
  const out: string[] = [];
  out.push(
    `### fedsync plan: federation \`${plan.federation}\` at \`${plan.revision.sha.slice(0, 12)}\``,
    '',
  );
  if (plan.policy) {
    // Rules hold `*` patterns: code spans keep Markdown from reading them as emphasis.
    const p = policyText(plan.policy);
    out.push(`**Policy:** ${p.summary}.`, '');
    if (p.tenancy)
      out.push(`**Tenancy** (${p.tenancy.from}): ${p.tenancy.rules.map((r) => `\`${r}\``).join(' · ')}`, '');
  }
  out.push(`**${changeWords(plan)}.**`, '');
  out.push('| Target | State | Add | Change | Destroy | Held | Unchanged |', '|---|---|--:|--:|--:|--:|--:|');
  for (const t of plan.targets) {
    const counts = planCounts(t);
    const n = changeSummary(counts);
    const state = t.kind === 'cluster' ? t.health : '';
    out.push(
      `| ${escapeCell(targetTitle(t))} | ${state} | ${n.add} | ${n.change} | ${n.destroy} | ${n.held} | ${counts.unchanged} |`,
    );
  }
  out.push('');
  for (const t of plan.targets) {
    const lines = actionLines(t).filter((l) => !l.startsWith('  ('));
    if ((t.kind === 'cluster' && t.health !== 'Ready') || lines.length === 0) continue;
    out.push(
      `<details><summary>${targetTitle(t)}</summary>`,
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

/** A commit that could not be planned (it does not validate), as the same kind of comment. */
export function formatInvalidMarkdown(input: { sha: string; problems: readonly Problem[] }): string {
  const out = [
    `### fedsync plan: \`${input.sha.slice(0, 12)}\` does not validate`,
    '',
    '**Nothing is planned or applied for this commit until these problems are fixed.**',
    '',
  ];
  for (const p of input.problems)
    out.push(
      `- ${p.severity === 'error' ? '**error**' : 'warning'}: ${formatProblem(p).replace(/^warning: /, '')}`,
    );
  return `${out.join('\n').trimEnd()}\n`;
}
