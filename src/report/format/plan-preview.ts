// A pull-request preview in one place: what the `<prefix>/plan` status says about a head and the
// Markdown page written for it. `fedsync plan -o markdown` prints the same page, so a CI job that
// comments plans itself and the agent's previews never disagree.
import { changeSummary, formatProblem, planCounts } from '../../model/index.js';
import type { Plan, Problem } from '../../model/index.js';
import type { PreviewOutcome } from './commit-statuses.js';
import { formatInvalidMarkdown, formatPlanMarkdown } from './plan-markdown.js';

export type PlanPreview = { outcome: PreviewOutcome; summary: string; markdown: string };

function problemSummary(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const [first] = errors.length > 0 ? errors : problems;
  if (!first) return 'the commit could not be planned';
  return `${formatProblem(first)}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
}

/** "3 to add, 1 to change, 0 to destroy" (the status adds "held: needs approval" itself). */
export function planSummary(plan: Pick<Plan, 'targets'>): string {
  const n = changeSummary(planCounts(plan));
  const held = n.held > 0 ? `, ${n.held} held` : '';
  return `${n.add} to add, ${n.change} to change, ${n.destroy} to destroy${held}`;
}

export function planPreview(
  input: { plan: Plan } | { sha: string; problems: readonly Problem[] },
): PlanPreview {
  if (!('plan' in input))
    return {
      outcome: 'invalid',
      summary: problemSummary(input.problems),
      markdown: formatInvalidMarkdown(input),
    };
  const { plan } = input;
  const markdown = formatPlanMarkdown(plan);
  if (plan.problems.some((p) => p.severity === 'error'))
    return { outcome: 'invalid', summary: problemSummary(plan.problems), markdown };
  if (changeSummary(planCounts(plan)).held > 0)
    return { outcome: 'held', summary: planSummary(plan), markdown };
  return { outcome: 'planned', summary: planSummary(plan), markdown };
}
