// `fedsync apply` (same inputs as `plan`): one reconcile of that ref: takes the federation's writer
// lock in each cluster, reads the repository, observes the clusters and the load balancer, plans,
// applies (the clusters, then the load balancer and its write-back to every member Ingress), and
// prints what it did: one line per object as it finishes when stdout is a terminal, failures and
// problems always, the clusters left behind, the load balancers' IPs, and always a summary line.
// Then it reports the run into Git (status branch, commit statuses where a forge is configured)
// unless --no-report; a report that cannot be written is said on stderr and changes no exit code.
// Exit codes (README): 0 every cluster holds the commit, 1 error, 2 deletes held for approval,
// 3 a cluster left behind (Unreachable, Offline, another writer's lock), 4 repository unreadable.
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { reconcileOnce } from '../../agent/reconcile-once.js';
import { outcomeSummary, resultLine } from '../../report/format/outcome-text.js';
import { loadBalancerLine } from '../../report/format/load-balancer-text.js';
import { checkOutput, parsedOptions, readRepo } from '../cluster-command.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';
import { applyExitCode, leftBehind } from '../exit-codes.js';
import { addRepoOptions, loadRepoOptionsFrom } from '../git-options.js';
import { addFleetOptions, addLockOptions, fleetFor } from '../fleet-options.js';
import { addReportOptions, reportEventLine, reporterFor } from '../report-options.js';
import type { ReportCliOptions } from '../report-options.js';
import { addLoadBalancerOptions, loadBalancerFor } from '../load-balancer-options.js';

export async function applyCommand(
  opts: ClusterCommandOptions & ReportCliOptions,
  deps: ClusterCommandDeps,
): Promise<number> {
  checkOutput(opts.output, ['text', 'json']);
  const json = opts.output === 'json';
  const loaded = await readRepo('apply', opts, deps);
  if ('exit' in loaded) return loaded.exit;
  const reportLines: string[] = [];
  const report = await reporterFor({
    opts,
    repo: loadRepoOptionsFrom(opts),
    sha: loaded.revision?.sha,
    recordHealth: false,
    clock: deps.clock,
    onEvent: (event) => {
      const { line, failure } = reportEventLine(event);
      if (failure) deps.stderr(`fedsync apply: ${line}\n`);
      else reportLines.push(line);
    },
  });
  const fleet = loaded.ok
    ? await fleetFor({
        opts,
        repo: loaded.value,
        createClient: deps.createClient,
        writer: {
          command: 'apply',
          onWait: (cluster, holder) =>
            deps.stderr(`fedsync apply: cluster ${cluster}: waiting for the writer lock held by ${holder}\n`),
        },
      })
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
      ...(report.reporter ? { reporter: report.reporter } : {}),
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
    const exit = applyExitCode(outcome);
    if (json) {
      deps.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      return exit;
    }
    if (!progress) {
      for (const t of outcome.targets)
        for (const r of t.results) if (r.outcome === 'failed') deps.stdout(`${resultLine(t, r)}\n`);
    }
    for (const p of outcome.problems) deps.stderr(`${formatProblem(p)}\n`);
    for (const b of leftBehind(outcome))
      deps.stderr(`fedsync apply: cluster ${b.cluster} does not hold this commit: ${b.why}\n`);
    for (const t of outcome.targets)
      for (const v of t.loadBalancers ?? []) deps.stdout(`${loadBalancerLine(v)}\n`);
    for (const line of reportLines) deps.stdout(`${line}\n`);
    deps.stdout(`${outcomeSummary(outcome)}\n`);
    return exit;
  } finally {
    await lb?.close();
    await fleet?.stop();
  }
}

export function registerApply(program: Command, deps: ClusterCommandDeps): void {
  addLockOptions(
    addReportOptions(addLoadBalancerOptions(addFleetOptions(addRepoOptions(program.command('apply'))))),
  )
    .description(
      'reconcile the clusters once to the ref (apply, adopt, prune); exit 0 every cluster holds it, 1 error, 2 held, 3 a cluster left behind, 4 unreadable',
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: ClusterCommandOptions & ReportCliOptions, cmd: Command) => {
      process.exitCode = await applyCommand(parsedOptions(opts, cmd), deps);
    });
}
