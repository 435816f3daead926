// What the demo prints besides the reconcile lines: the route to try once a load balancer has an IP,
// each cluster's state after the first run, and where to look while it runs. Text only.
import { resolve } from 'node:path';
import type { HealthDetail } from '../../kube/health.js';
import type { ReconcileOutcome } from '../../model/index.js';
import { objectState } from '../../agent/run/record.js';

/** Where `fedsync sim …` looks for a running world by default (and where the demo writes it). */
export const SIM_OUT = '.fedsync/sim';

/** `--out <dir>` when the world's files are not where `fedsync sim` looks by default. */
export function outFlag(out: string): string {
  return resolve(out) === resolve(SIM_OUT) ? '' : ` --out ${out}`;
}

/** The lines printed once a load balancer has its IP: where it is, and a request to route. */
export function ipLines(line: string, ip: string, out: string): string[] {
  return [
    line,
    `  Try: node bin/fedsync.js sim route --from europe-west1 --ip ${ip}${outFlag(out)}   # which cluster serves a client in Europe`,
  ];
}

/** `  gce-asia-east1a    Ready    4 applied · the API server answered its health check` per cluster. */
export function clusterLines(
  health: readonly HealthDetail[],
  outcome: ReconcileOutcome | undefined,
): string[] {
  const width = Math.max(0, ...health.map((h) => h.cluster.length));
  return health.map((h) => {
    const target = outcome?.targets.find((t) => t.kind === 'cluster' && t.name === h.cluster);
    let objects = 'not reconciled yet';
    if (target?.skipped) objects = `left out (${target.skipped})`;
    else if (target) {
      const byState = new Map<string, number>();
      for (const r of target.results) byState.set(objectState(r), (byState.get(objectState(r)) ?? 0) + 1);
      objects = [...byState].map(([state, n]) => `${n} ${state}`).join(', ') || 'nothing to apply';
    }
    return `  ${h.cluster.padEnd(width)}  ${h.health.padEnd(7)}  ${objects} · ${h.message}`;
  });
}

export type GuideInput = {
  /** The world's directory (kubeconfig, sim.json), as the user gave it. */
  out: string;
  repoDir: string;
  agentUrl: string;
  gcloudEnv?: string;
  /** The load balancer's IP, once it has one. */
  ip?: string;
};

export function guideText(g: GuideInput): string {
  const fedsync = 'npx fedsync';
  return [
    '',
    'Where to look (in another shell):',
    `  git -C ${g.repoDir} show fedsync/status:README.md   # what the agent reported into Git`,
    `  ${fedsync} status --agent ${g.agentUrl}      # the running agent's view (also ${g.agentUrl}/metrics)`,
    `  export KUBECONFIG=${g.out}/kubeconfig`,
    '  kubectl --context=gce-asia-east1a get replicasets,services,ingresses',
    '  kubectl --context=gce-europe-west1b describe ingress myingress          # the IP, the resources, the events',
    ...(g.gcloudEnv
      ? [`  (. ${g.gcloudEnv} && gcloud compute url-maps list --global)   # the load balancer, by its names`]
      : []),
    ...(g.ip
      ? [
          `  ${fedsync} sim route --from asia-east1 --ip ${g.ip}${outFlag(g.out)}   # which cluster serves a client in Asia`,
        ]
      : []),
    `  ${fedsync} sim ctl --out ${g.out} gce-europe-west1b down      # its replicas move; \`up\` brings it back`,
    '  kubectl --context=gce-us-central1c scale replicaset nginx --replicas=1   # drift: corrected at once',
    `  ${fedsync} plan --repo ${g.repoDir} --sim ${g.out}                  # exit 0: nothing to do`,
    `Edit ${g.repoDir}/myreplicaset.yaml and commit to see it flow:`,
    `  cd ${g.repoDir} && $EDITOR myreplicaset.yaml && git commit -am "scale"   # applied within seconds`,
    'Ctrl-C stops the demo: the agent, its port and the simulated world.',
    '',
  ].join('\n');
}
