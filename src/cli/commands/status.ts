// `fedsync status --repo <r> [--ref <ref>] (--kubeconfig <file> | --sim <dir>) [-o text|json]`: the
// federated view of every object in Git (read-only): its state in each cluster and the summed
// replicas; then each federated Ingress's load balancer (IP, resources, backend health per cluster).
// Exit 0 when the clusters and Google Cloud were read, 1 on error, 3 when a cluster could not be
// read, 4 when the repository could not be.
import type { Command } from 'commander';
import { formatProblem, refKey, refOf } from '../../model/index.js';
import { federatedView } from '../../report/format/federated-view.js';
import { formatFederatedViewText } from '../../report/format/federated-view-text.js';
import { addRepoOptions } from '../git-options.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { addLoadBalancerOptions, loadBalancerFor } from '../load-balancer-options.js';
import { formatLoadBalancersText } from '../../report/format/load-balancer-text.js';
import { checkOutput, readRepo } from '../cluster-command.js';
import { ExitCode } from '../exit-codes.js';
import { departureProblems } from '../../plan/membership.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';
import type { AgentStatus } from '../../agent/run/record.js';
import { formatAgentStatusText, type AgentStatusView } from '../../report/format/agent-status-text.js';
import {
  addAgentOptions,
  agentCommand,
  agentAddress,
  badAnswer,
  callAgent,
  type AgentCliOptions,
  type Env,
} from '../agent-client.js';

export async function statusCommand(opts: ClusterCommandOptions, deps: ClusterCommandDeps): Promise<number> {
  checkOutput(opts.output, ['text', 'json']);
  const loaded = await readRepo('status', opts, deps);
  if ('exit' in loaded) return loaded.exit;
  if (!loaded.ok) {
    deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
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
    const observed = await fleet.observe({ repo: loaded.value });
    const keys = loaded.value.objects.map((o) => refKey(refOf(o.template)));
    const objects = federatedView(observed, keys);
    const loadBalancers = lb ? await lb.views({ repo: loaded.value, clusters: observed }) : [];
    if (opts.output === 'json') deps.stdout(`${JSON.stringify({ objects, loadBalancers }, null, 2)}\n`);
    else {
      const lbText = formatLoadBalancersText(loadBalancers);
      deps.stdout(`${formatFederatedViewText(objects)}${lbText ? `\n${lbText}` : ''}`);
    }
    // A cluster removed from clusters/ that still runs managed objects is not part of the view.
    for (const p of departureProblems(fleet.departed())) deps.stderr(`fedsync status: ${formatProblem(p)}\n`);
    const unread = observed.filter((o) => o.health !== 'Ready');
    for (const o of unread)
      deps.stderr(
        `fedsync status: cluster ${o.name} is ${o.health}${o.cause ? ` (${o.cause.reason}: ${o.cause.message})` : ''}\n`,
      );
    return unread.length > 0 ? ExitCode.leftBehind : ExitCode.ok;
  } finally {
    await lb?.close();
    await fleet.stop();
  }
}

/** The agent's status fits the view printed of it (checked by the compiler, nothing at run time). */
const _statusFitsView = (s: AgentStatus): AgentStatusView => s;

/** `status --agent <url>`: the status a running agent serves on /status, as it reports it. */
export async function agentStatusCommand(
  opts: ClusterCommandOptions & AgentCliOptions,
  deps: Pick<ClusterCommandDeps, 'stdout' | 'stderr'> & { env?: Env },
): Promise<number> {
  checkOutput(opts.output, ['text', 'json']);
  if (opts.sim || opts.kubeconfig)
    throw new Error('give --agent (a running agent) or --sim/--kubeconfig (the clusters), not both');
  return agentCommand('status', deps, async () => {
    const answer = await callAgent(opts, deps.env ?? process.env, {
      method: 'GET',
      path: '/status',
      timeoutMs: 10_000,
    });
    const body = answer.body as Partial<AgentStatusView> | undefined;
    if (
      answer.status !== 200 ||
      typeof body?.identity !== 'string' ||
      !body.state ||
      !Array.isArray(body.clusters)
    )
      throw badAnswer(opts, '/status', answer);
    const status = body as AgentStatusView;
    if (opts.output === 'json') deps.stdout(`${JSON.stringify(status, null, 2)}\n`);
    else deps.stdout(formatAgentStatusText(status, agentAddress(opts)));
    return ExitCode.ok;
  });
}

/** What `status` needs: its streams, and the cluster adapter, loaded only when the clusters are read. */
export type StatusDeps = Pick<ClusterCommandDeps, 'stdout' | 'stderr'> & {
  env?: Env;
  clusterDeps: () => Promise<ClusterCommandDeps>;
};

export function registerStatus(program: Command, deps: StatusDeps): void {
  addAgentOptions(addLoadBalancerOptions(addFleetOptions(addRepoOptions(program.command('status')))), {
    optional: true,
  })
    .description(
      'the federated view: each object of the repository in every cluster, replicas summed, and each load balancer; with --agent, what a running agent reports',
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: ClusterCommandOptions & AgentCliOptions) => {
      process.exitCode = opts.agent
        ? await agentStatusCommand(opts, deps)
        : await statusCommand(opts, await deps.clusterDeps());
    });
}
