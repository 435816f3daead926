// The formats plans and results are printed in, and the dispatch from a format name to its renderer.
import type { Plan } from '../../model/index.js';
import type { ReconcileResult } from '../../reconcile/result.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

export const PLAN_FORMATS = ['text', 'json', 'markdown'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function renderPlan(plan: Plan, format: PlanFormat): string {
  switch (format) {
    case 'json':
      return renderPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'text':
      return renderPlanText(plan);
  }
}

/** A reconcile result as JSON (`fedsync apply -o json`): the ReconcileResult as it is. */
export function renderResultJson(result: ReconcileResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
