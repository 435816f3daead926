// A reconcile's outcome as text: one line per finished action, the summary line, and the demo's
// per-reconcile and per-drift lines. The only place apply output is worded.
import { ACTION_SYMBOL, driftHandling, subject } from '../../model/index.js';
import type { ActionResult, Drift, ReconcileOutcome, TargetKind } from '../../model/index.js';

/** `  + Ingress/default/myingress@gce-asia-east1a`, or with the failure or why it did not run. */
export function resultLine(target: { kind: TargetKind; name: string }, r: ActionResult): string {
  const at = target.kind === 'cluster' ? `@${target.name}` : ` (load balancer ${target.name})`;
  const what = `${ACTION_SYMBOL[r.action]} ${r.subject}${at}`;
  if (r.outcome === 'failed') return `  ! ${what}: ${r.error?.code ?? 'error'}: ${r.error?.message ?? ''}`;
  if (r.outcome === 'notRun') return `  · ${what}: ${r.reason ?? 'not run'}`;
  return `  ${what}`;
}

function targetsPhrase(o: ReconcileOutcome): string {
  const clusters = o.targets.filter((t) => t.kind === 'cluster').length;
  const lbs = o.targets.length - clusters;
  const lbPart = lbs > 0 ? ` and ${lbs} load balancer${lbs === 1 ? '' : 's'}` : '';
  return `${clusters} clusters${lbPart}`;
}

/** `Apply <sha>: 3 created, … in 3 clusters; converged.` */
export function outcomeSummary(o: ReconcileOutcome): string {
  const at = o.sha.slice(0, 12);
  if (!o.counts) return `Apply ${at}: failed before anything was applied (${o.problems.length} problem(s)).`;
  const c = o.counts;
  const held = c.held > 0 ? `, ${c.held} held by safety guards` : '';
  const notRun = c.notRun > 0 ? `, ${c.notRun} not run` : '';
  const replaced = c.replace > 0 ? `, ${c.replace} replaced` : '';
  const state = o.status === 'converged' ? 'converged' : 'NOT converged';
  return (
    `Apply ${at}: ${c.create} created, ${c.update} updated, ${c.adopt} adopted${replaced}, ${c.delete} deleted, ` +
    `${c.unchanged} unchanged, ${c.failed} failed${notRun}${held} in ${targetsPhrase(o)}; ${state}.`
  );
}

/** `13:30:54 [start] Apply …` */
export function outcomeLine(o: ReconcileOutcome, reasons: readonly string[], at: Date): string {
  return `${at.toISOString().slice(11, 19)} [${reasons.join(',')}] ${outcomeSummary(o)}`;
}

/** The word people read for what became of a drift. */
export function correctionWord(d: Drift): string {
  const handling = driftHandling(d.correction);
  return handling === 'failed' ? 'correction failed' : handling;
}

/** `13:31:02 drift ReplicaSet/default/nginx@gce-us-central1c (spec.replicas) by kubectl: corrected` */
export function driftLine(d: Drift, at: Date): string {
  const fields = d.fields.map((f) => f.path).join(', ');
  const reason = d.reason ? ` (${d.reason})` : '';
  return `${at.toISOString().slice(11, 19)} drift ${subject(d.ref, d.cluster)} (${fields}) by ${d.manager ?? 'an unknown manager'}: ${correctionWord(d)}${reason}`;
}

/** One workload's replicas per cluster as read from the clusters. */
export type WorkloadReading =
  | { cluster: string; state: 'unreachable' | 'absent' }
  | { cluster: string; state: 'present'; specReplicas: number; readyReplicas: number };

/** `  ReplicaSet/default/nginx (9 placed): gce-asia-east1a 4/4 ready · gce-europe-west1b 2/2 ready · …` */
export function workloadLine(workload: string, readings: readonly WorkloadReading[]): string {
  let total = 0;
  const parts = readings.map((r) => {
    if (r.state !== 'present') return r.state === 'absent' ? `${r.cluster} -` : `${r.cluster} unreachable`;
    total += r.specReplicas;
    return `${r.cluster} ${r.readyReplicas}/${r.specReplicas} ready`;
  });
  return `  ${workload} (${total} placed): ${parts.join(' · ')}`;
}
