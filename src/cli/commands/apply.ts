// `fedsync apply` (same inputs as `plan`): one reconcile of that ref: reads the repository, observes
// the clusters, plans, applies, and prints what it did: one line per object as it finishes when
// stdout is a terminal, failures and problems always, and always a summary line.
// Exit codes: 0 converged, 1 otherwise (repository problems, a failed write, held deletes, errors).
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { reconcileOnce } from '../../reconcile/reconcile.js';
import { PLAN_FORMATS, renderResultJson } from '../../report/render/formats.js';
import { actionResultLine, reconcileSummary, worthPrinting } from '../../report/render/result-text.js';
import { addRepoOptions } from '../git-options.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { checkOutput, readRepo } from '../cluster-command.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';

export async function applyCommand(opts: ClusterCommandOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output, PLAN_FORMATS);
  const json = opts.output === 'json';
  const loaded = await readRepo(opts);
  const fleet = loaded.ok
    ? await fleetFor({ opts, repo: loaded.value, createClient: deps.createClient })
    : undefined;
  try {
    for (const name of fleet?.missingContexts ?? [])
      deps.stderr(`fedsync apply: cluster ${name}: its kubeconfigContext is not in the kubeconfig\n`);
    const progress = deps.isTTY && !json;
    const outcome = await reconcileOnce({
      read: () => Promise.resolve(loaded),
      // A repository with problems never reaches observe, so an empty set of targets is never used.
      fleet: fleet ?? { targets: [] },
      clock: deps.clock,
      ...(progress
        ? {
            progress: {
              actionFinished: (target, r) => {
                if (worthPrinting(r)) deps.stdout(`${actionResultLine(target, r)}\n`);
              },
            },
          }
        : {}),
    });
    const converged = outcome.status === 'converged';
    if (json) {
      deps.stdout(renderResultJson(outcome));
      return converged ? 0 : 1;
    }
    if (!progress) {
      for (const t of outcome.targets)
        for (const r of t.results)
          if (r.outcome === 'failed') deps.stdout(`${actionResultLine(t.target, r)}\n`);
    }
    for (const p of outcome.problems) deps.stderr(`${formatProblem(p)}\n`);
    deps.stdout(`${reconcileSummary(outcome)}\n`);
    return converged ? 0 : 1;
  } finally {
    await fleet?.stop();
  }
}

export function registerApply(program: Command, deps: ClusterCommandDeps): void {
  addFleetOptions(addRepoOptions(program.command('apply')))
    .description(
      'reconcile the clusters once to the ref (apply, adopt, prune); exit 0 converged, 1 otherwise',
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: ClusterCommandOptions) => {
      process.exitCode = await applyCommand(opts, deps);
    });
}
