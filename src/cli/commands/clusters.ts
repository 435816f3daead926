// `fedsync clusters --repo <r> (--kubeconfig <file> | --sim <dir>) [-o text|json]`: each registered
// cluster's health as this machine sees it now — Ready, Unreachable, or Offline where the agent's
// health record says so — with the time of the probe, region, zones and why it is not Ready.
// Read-only and light: one probe per cluster and one read of the agent's record, no object lists.
// Exit 0 when every cluster is Ready, 1 on error, 3 when one is not, 4 when the repository could not
// be read.
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { HEALTH_NAMESPACE, newestRecord, readHealthRecord } from '../../kube/health-record.js';
import type { ClusterClient } from '../../kube/port.js';
import { causeOf, probeReachable } from '../../kube/reachability.js';
import { clustersView, type ClusterProbe } from '../../report/format/clusters-view.js';
import { formatClustersText } from '../../report/format/clusters-text.js';
import { checkOutput, parsedOptions, readRepo } from '../cluster-command.js';
import type { ClusterCommandDeps, ClusterCommandOptions } from '../cluster-command.js';
import { ExitCode } from '../exit-codes.js';
import { addFleetOptions, fleetFor } from '../fleet-options.js';
import { addRepoOptions } from '../git-options.js';

const DESCRIPTION =
  'each registered cluster: Ready, Unreachable or Offline, last probe, region, zones and why it is not Ready';

/**
 * The health endpoints answer anyone, so after them one request with the credentials: refused ones
 * (401/403) make the cluster as unusable as one that does not answer.
 */
async function reachWithCredentials(client: ClusterClient): ReturnType<typeof probeReachable> {
  const reach = await probeReachable(client, { attempts: 2, intervalMs: 200 });
  if (!reach.ok) return reach;
  try {
    await client.get({
      apiVersion: 'v1',
      group: '',
      kind: 'Namespace',
      namespace: '',
      name: HEALTH_NAMESPACE,
    });
    return reach;
  } catch (err) {
    return { ok: false, cause: causeOf(err) };
  }
}

export async function clustersCommand(
  opts: ClusterCommandOptions,
  deps: ClusterCommandDeps,
): Promise<number> {
  checkOutput(opts.output, ['text', 'json']);
  const loaded = await readRepo('clusters', opts, deps);
  if ('exit' in loaded) return loaded.exit;
  if (!loaded.ok) {
    deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    return ExitCode.error;
  }
  const repo = loaded.value;
  const fleet = await fleetFor({ opts, repo, createClient: deps.createClient });
  try {
    const assumed = (opts.assumeOffline ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const contacted = [...fleet.clients].filter(([name]) => !assumed.includes(name));
    const results = await Promise.all(
      contacted.map(async ([name, client]) => {
        const reach = await reachWithCredentials(client);
        const at = deps.clock.now().toISOString();
        const probe: ClusterProbe = reach.ok
          ? { cluster: name, at, ok: true }
          : { cluster: name, at, ok: false, cause: reach.cause };
        // The agent's verdicts are kept in every cluster it reaches; any one we reach will do.
        const record = reach.ok ? await readHealthRecord(client, repo.federation.name) : undefined;
        return { probe, record };
      }),
    );
    const record = newestRecord(results.map((r) => r.record));
    const view = clustersView({
      registrations: repo.clusters,
      probes: results.map((r) => r.probe),
      missingContexts: fleet.missingContexts,
      assumedOffline: assumed,
      ...(record ? { record } : {}),
    });
    if (opts.output === 'json') deps.stdout(`${JSON.stringify(view, null, 2)}\n`);
    else deps.stdout(formatClustersText(view));
    for (const name of fleet.missingContexts)
      deps.stderr(`fedsync clusters: cluster ${name}: its kubeconfigContext is not in the kubeconfig\n`);
    return view.clusters.some((c) => c.health !== 'Ready') ? ExitCode.leftBehind : ExitCode.ok;
  } finally {
    await fleet.stop();
  }
}

export function registerClusters(program: Command, deps: ClusterCommandDeps): void {
  addFleetOptions(addRepoOptions(program.command('clusters')))
    .description(DESCRIPTION)
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: ClusterCommandOptions, cmd: Command) => {
      process.exitCode = await clustersCommand(parsedOptions(opts, cmd), deps);
    });
}
