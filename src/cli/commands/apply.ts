// `fedsync apply` (same inputs as `plan`): one reconcile of that ref: reads the repository, observes
// the clusters, plans, applies, and prints what it did: one line per object as it finishes when
// stdout is a terminal, failures and problems always, and always a summary line.
// Exit codes: 0 converged, 1 otherwise (repository problems, a failed write, held deletes, errors).
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { reconcileOnce } from '../../agent/reconcile-once.js';
import type { ReconcileOutcome } from '../../agent/reconcile-once.js';
import type { ObjectResult } from '../../kube/apply-plan.js';
import { addRepoOptions } from '../git-options.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { checkOutput, readRepo } from './plan.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from './plan.js';

const SYMBOL: Record<string, string> = { create: '+', update: '~', adopt: '±', delete: '-' };

function objectLine(cluster: string, r: ObjectResult): string {
  const what = `${SYMBOL[r.op] ?? ' '} ${r.subject}@${cluster}`;
  if (r.outcome === 'failed') return `  ! ${what}: ${r.error?.code ?? 'error'}: ${r.error?.message ?? ''}`;
  if (r.outcome === 'notRun') return `  · ${what}: ${r.reason ?? 'not run'}`;
  return `  ${what}`;
}

export function summaryOf(o: ReconcileOutcome): string {
  const at = o.sha.slice(0, 12);
  if (!o.summary) return `Apply ${at}: failed before anything was applied (${o.problems.length} problem(s)).`;
  const s = o.summary;
  const held = s.blocked > 0 ? `, ${s.blocked} held by safety guards` : '';
  const notRun = s.notRun > 0 ? `, ${s.notRun} not run` : '';
  const state = o.converged ? 'converged' : 'NOT converged';
  return (
    `Apply ${at}: ${s.created} created, ${s.updated} updated, ${s.adopted} adopted, ${s.deleted} deleted, ` +
    `${s.unchanged} unchanged, ${s.failed} failed${notRun}${held} in ${o.clusters.length} clusters; ${state}.`
  );
}

export async function applyCommand(opts: ClusterCommandOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output);
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
      // A repository with problems never reaches observe, so an empty fleet is never used.
      fleet: fleet ?? {
        clients: new Map(),
        observe: () => Promise.resolve([]),
        writeInventory: () => Promise.resolve(),
        stop: () => Promise.resolve(),
      },
      now: deps.now,
      listener: progress
        ? {
            objectFinished: (cluster, r) => {
              if (r.outcome !== 'noop') deps.stdout(`${objectLine(cluster, r)}\n`);
            },
          }
        : {},
    });
    if (json) {
      deps.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      return outcome.converged ? 0 : 1;
    }
    if (!progress) {
      for (const c of outcome.clusters)
        for (const r of c.results) if (r.outcome === 'failed') deps.stdout(`${objectLine(c.cluster, r)}\n`);
    }
    for (const p of outcome.problems) deps.stderr(`${formatProblem(p)}\n`);
    deps.stdout(`${summaryOf(outcome)}\n`);
    return outcome.converged ? 0 : 1;
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
