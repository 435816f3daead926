// `fedsync plan --repo <r> [--ref <ref>] (--kubeconfig <file> | --sim <dir>) [-o text|json|markdown]`:
// reads the live clusters and the load balancer (Google Cloud) read-only and prints the Plan for
// that commit.
// Exit codes: 0 no changes, 2 changes (held deletes included), 1 error (repository problems, a
// cluster that could not be observed, any error-severity problem).
import type { Command } from 'commander';
import { formatProblem, hasChanges, planCounts } from '../../model/index.js';
import type { Plan } from '../../model/index.js';
import { planOnce } from '../../agent/reconcile-once.js';
import { formatPlanJson } from '../../report/format/plan-json.js';
import { formatPlanMarkdown } from '../../report/format/plan-markdown.js';
import { formatPlanText } from '../../report/format/plan-text.js';
import { checkOutput, readRepo } from '../cluster-command.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';
import { addRepoOptions } from '../git-options.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { addLoadBalancerOptions, loadBalancerFor } from '../load-balancer-options.js';

const OUTPUTS = ['text', 'json', 'markdown'] as const;

function formatPlan(plan: Plan, output: string): string {
  if (output === 'json') return formatPlanJson(plan);
  if (output === 'markdown') return formatPlanMarkdown(plan);
  return formatPlanText(plan);
}

export async function planCommand(opts: ClusterCommandOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output, OUTPUTS);
  const loaded = await readRepo(opts);
  if (!loaded.ok) {
    deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    deps.stderr(
      `fedsync plan: the repository has problems at ${loaded.revision?.sha ?? '?'}: nothing planned\n`,
    );
    return 1;
  }
  const fleet = await fleetFor({ opts, repo: loaded.value, createClient: deps.createClient });
  const lb = await loadBalancerFor({ opts, repo: loaded.value, members: fleet.memberIngresses }).catch(
    async (err: unknown) => {
      await fleet.stop();
      throw err;
    },
  );
  try {
    for (const name of fleet.missingContexts)
      deps.stderr(`fedsync plan: cluster ${name}: its kubeconfigContext is not in the kubeconfig\n`);
    const planned = await planOnce({
      read: () => Promise.resolve(loaded),
      targets: { cluster: fleet, ...(lb ? { loadBalancer: lb } : {}) },
      clock: deps.clock,
    });
    if (!planned.ok) {
      deps.stderr(planned.problems.map((p) => `${formatProblem(p)}\n`).join(''));
      return 1;
    }
    deps.stdout(formatPlan(planned.plan, opts.output));
    if (planned.plan.problems.some((p) => p.severity === 'error')) return 1;
    return hasChanges(planCounts(planned.plan)) ? 2 : 0;
  } finally {
    await lb?.close();
    await fleet.stop();
  }
}

export function registerPlan(program: Command, deps: ClusterCommandDeps): void {
  addLoadBalancerOptions(addFleetOptions(addRepoOptions(program.command('plan'))))
    .description(
      'show what apply would change in every cluster and the load balancer (read-only); exit 0 none, 2 changes, 1 error',
    )
    .option('-o, --output <format>', 'text, json or markdown', 'text')
    .action(async (opts: ClusterCommandOptions) => {
      process.exitCode = await planCommand(opts, deps);
    });
}
