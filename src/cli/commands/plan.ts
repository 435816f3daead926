// `fedsync plan --repo <r> [--ref <ref>] (--kubeconfig <file> | --sim <dir>) [-o text|json|markdown]`:
// reads the live clusters read-only and prints the Plan for that commit.
// Exit codes: 0 no changes, 2 changes (held deletes included), 1 error (repository problems, a
// cluster that could not be observed, any error-severity problem).
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import type { Plan } from '../../model/index.js';
import { planOnce } from '../../agent/reconcile-once.js';
import { renderPlanJson } from '../../report/render/plan-json.js';
import { renderPlanMarkdown } from '../../report/render/plan-markdown.js';
import { renderPlanText, totalCounts } from '../../report/render/plan-text.js';
import { addRepoOptions, loadRepoOptionsFrom } from '../git-options.js';
import type { RepoCliOptions } from '../git-options.js';
import { loadRepo } from '../load-repo.js';
import type { LoadedRepo } from '../load-repo.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import type { FleetCliOptions } from '../fleet-options.js';
import type { ClientFactory } from '../../agent/fleet.js';

export type ClusterCommandDeps = {
  createClient: ClientFactory;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  now: () => Date;
};

export type ClusterCommandOptions = RepoCliOptions & FleetCliOptions & { output: string };

export const OUTPUTS = ['text', 'json', 'markdown'] as const;

export function checkOutput(output: string): void {
  if (!(OUTPUTS as readonly string[]).includes(output))
    throw new Error(`-o must be one of ${OUTPUTS.join(', ')} (got ${output})`);
}

/** Reads the repository once; the loaded value is replayed to the reconcile. */
export function readRepo(opts: ClusterCommandOptions): Promise<LoadedRepo> {
  return loadRepo(loadRepoOptionsFrom(opts));
}

export function renderPlan(plan: Plan, output: string): string {
  if (output === 'json') return renderPlanJson(plan);
  if (output === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan);
}

export function hasChanges(plan: Plan): boolean {
  const n = totalCounts(plan);
  return n.add + n.change + n.destroy + n.held > 0;
}

export async function planCommand(opts: ClusterCommandOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output);
  const loaded = await readRepo(opts);
  if (!loaded.ok) {
    deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    deps.stderr(
      `fedsync plan: the repository has problems at ${loaded.revision?.sha ?? '?'}: nothing planned\n`,
    );
    return 1;
  }
  const fleet = await fleetFor({ opts, repo: loaded.value, createClient: deps.createClient });
  try {
    for (const name of fleet.missingContexts)
      deps.stderr(`fedsync plan: cluster ${name}: its kubeconfigContext is not in the kubeconfig\n`);
    const planned = await planOnce({ read: () => Promise.resolve(loaded), fleet, now: deps.now() });
    if (!planned.ok) {
      deps.stderr(planned.problems.map((p) => `${formatProblem(p)}\n`).join(''));
      return 1;
    }
    deps.stdout(renderPlan(planned.plan, opts.output));
    if (planned.plan.problems.some((p) => p.severity === 'error')) return 1;
    return hasChanges(planned.plan) ? 2 : 0;
  } finally {
    await fleet.stop();
  }
}

export const processDeps = (createClient: ClientFactory): ClusterCommandDeps => ({
  createClient,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  now: () => new Date(),
});

export function registerPlan(program: Command, deps: ClusterCommandDeps): void {
  addFleetOptions(addRepoOptions(program.command('plan')))
    .description('show what apply would change in every cluster (read-only); exit 0 none, 2 changes, 1 error')
    .option('-o, --output <format>', 'text, json or markdown', 'text')
    .action(async (opts: ClusterCommandOptions) => {
      process.exitCode = await planCommand(opts, deps);
    });
}
