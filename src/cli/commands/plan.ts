// `fedsync plan --repo <r> [--ref <ref>] (--kubeconfig <file> | --sim <dir>) [-o text|json|markdown]`:
// reads the live clusters and the load balancer (Google Cloud) read-only and prints the Plan for
// that commit.
// With --preview it also publishes the plan as a pull-request preview: `previews/<sha>.md` on the
// status branch and a `fedsync/plan` commit status where a forge is configured (the page is what
// -o markdown prints).
// Exit codes (README): 0 no changes, 1 error (repository problems, any error-severity problem),
// 2 changes (held deletes included), 3 a cluster could not be planned (Unreachable, Offline),
// 4 repository unreadable.
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import type { Plan, Problem } from '../../model/index.js';
import type { LoadedRepo } from '../../source/load-repo.js';
import { planOnce } from '../../agent/reconcile-once.js';
import { formatPlanJson } from '../../report/format/plan-json.js';
import { formatPlanMarkdown } from '../../report/format/plan-markdown.js';
import { formatPlanText } from '../../report/format/plan-text.js';
import { planPreview } from '../../report/format/plan-preview.js';
import { checkOutput, parsedOptions, readRepo } from '../cluster-command.js';
import { ExitCode, planExitCode } from '../exit-codes.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';
import { addRepoOptions, loadRepoOptionsFrom } from '../git-options.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { addLoadBalancerOptions, loadBalancerFor } from '../load-balancer-options.js';
import { addReportOptions, reportEventLine, reporterFor } from '../report-options.js';
import type { ReportCliOptions } from '../report-options.js';

type PlanOptions = ClusterCommandOptions & ReportCliOptions & { preview?: boolean };

const OUTPUTS = ['text', 'json', 'markdown'] as const;

function formatPlan(plan: Plan, output: string): string {
  if (output === 'json') return formatPlanJson(plan);
  if (output === 'markdown') return formatPlanMarkdown(plan);
  return formatPlanText(plan);
}

/** Publishes the preview of the commit read (a plan, or why there is none); failures go to stderr. */
async function publishPreview(
  opts: PlanOptions,
  deps: ClusterCommandDeps,
  loaded: LoadedRepo,
  input: { plan: Plan } | { problems: readonly Problem[] },
): Promise<void> {
  const sha = loaded.revision?.sha;
  const report = await reporterFor({
    opts,
    repo: loadRepoOptionsFrom(opts),
    sha,
    recordHealth: false,
    clock: deps.clock,
    onEvent: (event) => {
      const { line, failure } = reportEventLine(event);
      if (failure) deps.stderr(`fedsync plan: ${line}\n`);
    },
  });
  if (!report.reporter || !sha) {
    deps.stderr(`fedsync plan: no preview published: ${'why' in report ? report.why : 'no commit'}\n`);
    return;
  }
  const page =
    'plan' in input ? planPreview({ plan: input.plan }) : planPreview({ sha, problems: input.problems });
  await report.reporter.previewed({
    sha,
    ref: opts.ref ?? loaded.revision?.ref ?? 'HEAD',
    ...('plan' in input ? { federation: input.plan.federation } : {}),
    ...page,
  });
}

export async function planCommand(opts: PlanOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output, OUTPUTS);
  const loaded = await readRepo('plan', opts, deps);
  if ('exit' in loaded) return loaded.exit;
  if (!loaded.ok) {
    deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    deps.stderr(
      `fedsync plan: the repository has problems at ${loaded.revision?.sha ?? '?'}: nothing planned\n`,
    );
    if (opts.preview) await publishPreview(opts, deps, loaded, { problems: loaded.problems });
    return ExitCode.error;
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
      return ExitCode.error;
    }
    deps.stdout(formatPlan(planned.plan, opts.output));
    if (opts.preview) await publishPreview(opts, deps, loaded, { plan: planned.plan });
    for (const t of planned.plan.targets)
      if (t.kind === 'cluster' && t.health !== 'Ready')
        deps.stderr(
          `fedsync plan: cluster ${t.name} is ${t.health}${t.cause ? ` (${t.cause.reason}: ${t.cause.message})` : ''}: nothing is planned there\n`,
        );
    return planExitCode(planned.plan);
  } finally {
    await lb?.close();
    await fleet.stop();
  }
}

export function registerPlan(program: Command, deps: ClusterCommandDeps): void {
  addReportOptions(addLoadBalancerOptions(addFleetOptions(addRepoOptions(program.command('plan')))))
    .description(
      'show what apply would change in every cluster and the load balancer (read-only); exit 0 none, 1 error, 2 changes, 3 a cluster left out, 4 unreadable',
    )
    .option('-o, --output <format>', 'text, json or markdown', 'text')
    .option('--preview', 'publish the plan as a preview: previews/<sha>.md and a fedsync/plan status')
    .action(async (opts: PlanOptions, cmd: Command) => {
      process.exitCode = await planCommand(parsedOptions(opts, cmd), deps);
    });
}
