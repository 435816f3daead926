// `fedsync apply` (same inputs as `plan`): one reconcile of that ref: reads the repository, observes
// the clusters and the load balancer, plans, applies (the clusters, then the load balancer and its
// write-back to every member Ingress), and prints what it did: one line per object as it finishes
// when stdout is a terminal, failures and problems always, the load balancers' IPs, and always a
// summary line.
// Exit codes: 0 converged, 1 otherwise (repository problems, a failed write, held deletes, errors).
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { reconcileOnce } from '../../agent/reconcile-once.js';
import { outcomeSummary, resultLine } from '../../report/format/outcome-text.js';
import { loadBalancerLine } from '../../report/format/load-balancer-text.js';
import { checkOutput, readRepo } from '../cluster-command.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';
import { addRepoOptions } from '../git-options.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { addLoadBalancerOptions, loadBalancerFor } from '../load-balancer-options.js';

export async function applyCommand(opts: ClusterCommandOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output, ['text', 'json']);
  const json = opts.output === 'json';
  const loaded = await readRepo(opts);
  const fleet = loaded.ok
    ? await fleetFor({ opts, repo: loaded.value, createClient: deps.createClient })
    : undefined;
  const lb =
    loaded.ok && fleet
      ? await loadBalancerFor({ opts, repo: loaded.value, members: fleet.memberIngresses }).catch(
          async (err: unknown) => {
            await fleet.stop();
            throw err;
          },
        )
      : undefined;
  try {
    for (const name of fleet?.missingContexts ?? [])
      deps.stderr(`fedsync apply: cluster ${name}: its kubeconfigContext is not in the kubeconfig\n`);
    const progress = deps.isTTY && !json;
    const outcome = await reconcileOnce({
      read: () => Promise.resolve(loaded),
      // A repository with problems never reaches observe, so an empty target is never used.
      targets: {
        cluster: fleet ?? {
          observe: () => Promise.resolve([]),
          apply: () => Promise.reject(new Error('no clusters')),
        },
        ...(lb ? { loadBalancer: lb } : {}),
      },
      clock: deps.clock,
      ...(progress
        ? {
            observer: {
              actionFinished: (target, r) => {
                if (r.outcome !== 'noop') deps.stdout(`${resultLine(target, r)}\n`);
              },
            },
          }
        : {}),
    });
    const exit = outcome.status === 'converged' ? 0 : 1;
    if (json) {
      deps.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      return exit;
    }
    if (!progress) {
      for (const t of outcome.targets)
        for (const r of t.results) if (r.outcome === 'failed') deps.stdout(`${resultLine(t, r)}\n`);
    }
    for (const p of outcome.problems) deps.stderr(`${formatProblem(p)}\n`);
    for (const t of outcome.targets)
      for (const v of t.loadBalancers ?? []) deps.stdout(`${loadBalancerLine(v)}\n`);
    deps.stdout(`${outcomeSummary(outcome)}\n`);
    return exit;
  } finally {
    await lb?.close();
    await fleet?.stop();
  }
}

export function registerApply(program: Command, deps: ClusterCommandDeps): void {
  addLoadBalancerOptions(addFleetOptions(addRepoOptions(program.command('apply'))))
    .description(
      'reconcile the clusters once to the ref (apply, adopt, prune); exit 0 converged, 1 otherwise',
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: ClusterCommandOptions) => {
      process.exitCode = await applyCommand(opts, deps);
    });
}
