// What `fedsync clusters` shows of each registered cluster: Ready, Unreachable or Offline, when it
// was probed, where it runs (region, zones) and why it is not Ready. Pure: built from the
// registrations, the probes this run made and the agent's recorded health verdicts. A cluster this
// run cannot reach is Offline only when the agent says so (the same rule the one-shot fleet
// applies); otherwise it is merely Unreachable, with the cause the probe saw.
import { ClusterHealth } from '../../model/index.js';
import type { ClusterName, ClusterRegistration, HealthCause } from '../../model/index.js';

/** One probe of one cluster: when it finished, and why it failed. */
export type ClusterProbe =
  | { cluster: ClusterName; at: string; ok: true }
  | { cluster: ClusterName; at: string; ok: false; cause: HealthCause };

/** The agent's verdicts as its health record keeps them in the member clusters. */
export type AgentVerdicts = {
  observer: string;
  updatedAt: string;
  offline: Record<ClusterName, { since: string; cause?: string }>;
};

/** Why a cluster is not Ready: a stable reason and a message for people. */
export type NotReadyCause = {
  reason: HealthCause['reason'] | 'noContext';
  message: string;
};

export type ClusterView = {
  name: ClusterName;
  health: ClusterHealth;
  context: string;
  region?: string;
  zones: string[];
  /** ISO time of this run's probe; absent when it was not probed (no context, assumed Offline). */
  lastProbeAt?: string;
  /** Absent when Ready. */
  cause?: NotReadyCause;
  /** The agent's own verdict, when its record lists the cluster as Offline. */
  agent?: { observer: string; offlineSince: string; cause?: string };
  leaving?: true;
};

export type ClustersView = {
  clusters: ClusterView[];
  /** Registered clusters whose kubeconfigContext the kubeconfig lacks. */
  missingContexts: ClusterName[];
  /** Whose health record was read, and when it was written (absent when none was found). */
  record?: { observer: string; updatedAt: string };
};

const REGION_LABELS = ['topology.kubernetes.io/region', 'region', 'failure-domain.beta.kubernetes.io/region'];
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'zone', 'failure-domain.beta.kubernetes.io/zone'];

const firstLabel = (labels: Record<string, string>, keys: readonly string[]): string | undefined =>
  keys.map((k) => labels[k]).find((v) => v !== undefined && v !== '');

/** The zones of a registration: spec.gcp.zones, else its zone label. */
function zonesOf(reg: ClusterRegistration): string[] {
  if (reg.gcp?.zones && reg.gcp.zones.length > 0) return [...reg.gcp.zones];
  const zone = firstLabel(reg.labels, ZONE_LABELS);
  return zone ? [zone] : [];
}

/** A region named by a label, else the one the zones lie in (`europe-west1-b` → `europe-west1`). */
function regionOf(reg: ClusterRegistration, zones: readonly string[]): string | undefined {
  const label = firstLabel(reg.labels, REGION_LABELS);
  if (label) return label;
  const regions = [...new Set(zones.map((z) => z.replace(/-[a-z]$/, '')))];
  return regions.length === 1 ? regions[0] : undefined;
}

export function clustersView(input: {
  registrations: readonly ClusterRegistration[];
  probes: readonly ClusterProbe[];
  missingContexts: readonly ClusterName[];
  /** Clusters the user said are Offline: not probed. */
  assumedOffline?: readonly ClusterName[];
  record?: AgentVerdicts;
}): ClustersView {
  const { record } = input;
  const probes = new Map(input.probes.map((p) => [p.cluster, p]));
  const missing = new Set(input.missingContexts);
  const assumed = new Set(input.assumedOffline ?? []);
  const clusters = [...input.registrations]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((reg): ClusterView => {
      const zones = zonesOf(reg);
      const region = regionOf(reg, zones);
      const verdict = record?.offline[reg.name];
      const probe = probes.get(reg.name);
      const base = {
        name: reg.name,
        context: reg.kubeconfigContext,
        ...(region ? { region } : {}),
        zones,
        ...(probe ? { lastProbeAt: probe.at } : {}),
        ...(verdict && record
          ? {
              agent: {
                observer: record.observer,
                offlineSince: verdict.since,
                ...(verdict.cause ? { cause: verdict.cause } : {}),
              },
            }
          : {}),
        ...(reg.leaving ? { leaving: true as const } : {}),
      };
      if (assumed.has(reg.name))
        return {
          ...base,
          health: ClusterHealth.Offline,
          cause: { reason: 'assumed', message: 'named by --assume-offline: not contacted' },
        };
      let unreachable: NotReadyCause;
      if (probe?.ok) return { ...base, health: ClusterHealth.Ready };
      else if (probe) unreachable = probe.cause;
      else if (missing.has(reg.name))
        unreachable = {
          reason: 'noContext',
          message: `the kubeconfig has no context ${reg.kubeconfigContext}`,
        };
      else unreachable = { reason: 'network', message: 'not probed' };
      if (!verdict || !record) return { ...base, health: ClusterHealth.Unreachable, cause: unreachable };
      return {
        ...base,
        health: ClusterHealth.Offline,
        cause: {
          reason: 'agentProbes',
          message:
            `the agent ${record.observer} has seen it fail its health probes since ${verdict.since}` +
            `${verdict.cause ? ` (last: ${verdict.cause})` : ''}; this run: ${unreachable.reason}: ${unreachable.message}`,
        },
      };
    });
  return {
    clusters,
    missingContexts: [...input.missingContexts],
    ...(record ? { record: { observer: record.observer, updatedAt: record.updatedAt } } : {}),
  };
}
