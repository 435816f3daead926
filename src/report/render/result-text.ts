// A reconcile's result as text: one line per action as it finishes (what `fedsync apply` prints on
// a terminal), the summary line, the demo's line per reconcile and per drift, and a workload's
// spread over the clusters.
import { subject } from '../../model/index.js';
import type { ActionResult, Drift } from '../../model/index.js';
import type { ReconcileResult } from '../../reconcile/result.js';
import { SYMBOL } from './plan-text.js';

function symbolOf(action: ActionResult['action']): string {
  return action in SYMBOL ? SYMBOL[action as keyof typeof SYMBOL] : ' ';
}

/** `  + ConfigMap/shop/settings@gce-asia-east1a`, `  ! …: code: message`, `  · …: why not run`. */
export function actionResultLine(target: string, r: ActionResult): string {
  const what = `${symbolOf(r.action)} ${r.subject}@${target}`;
  if (r.outcome === 'failed') return `  ! ${what}: ${r.error?.code ?? 'error'}: ${r.error?.message ?? ''}`;
  if (r.outcome === 'notRun' || r.action === 'held') return `  · ${what}: ${r.reason ?? 'not run'}`;
  return `  ${what}`;
}

/** Whether a result line is worth printing as progress (something was written, failed or held). */
export function worthPrinting(r: ActionResult): boolean {
  return r.outcome !== 'noop' || r.action === 'held';
}

function where(o: ReconcileResult): string {
  const clusters = o.targets.filter((t) => t.kind === 'cluster').length;
  const lb = o.targets.some((t) => t.kind === 'loadBalancer') ? ' and the load balancer' : '';
  return `in ${clusters} clusters${lb}`;
}

/** `Apply <sha>: 12 created, 0 updated, … in 3 clusters; converged.` */
export function reconcileSummary(o: ReconcileResult): string {
  const at = o.revision.sha.slice(0, 12);
  if (!o.counts) return `Apply ${at}: failed before anything was applied (${o.problems.length} problem(s)).`;
  const n = o.counts;
  const replaced = n.replace > 0 ? `, ${n.replace} replaced` : '';
  const held = n.held > 0 ? `, ${n.held} held by safety guards` : '';
  const notRun = n.notRun > 0 ? `, ${n.notRun} not run` : '';
  const state = o.status === 'converged' ? 'converged' : 'NOT converged';
  return (
    `Apply ${at}: ${n.create} created, ${n.update} updated, ${n.adopt} adopted${replaced}, ${n.delete} deleted, ` +
    `${n.unchanged} unchanged, ${n.failed} failed${notRun}${held} ${where(o)}; ${state}.`
  );
}

/** `12:00:01 [start,watch] Apply …` */
export function reconcileLine(o: ReconcileResult, reasons: readonly string[], at: Date): string {
  return `${clockTime(at)} [${reasons.join(',')}] ${reconcileSummary(o)}`;
}

const clockTime = (at: Date): string => at.toISOString().slice(11, 19);

function driftVerdict(d: Drift): string {
  if (d.outcome === 'done') return 'corrected';
  if (d.outcome === 'failed') return `correction failed (${d.error?.message ?? 'error'})`;
  if (d.outcome === 'notRun') return `not corrected (${d.reason ?? 'not run'})`;
  return `reported${d.reason ? ` (${d.reason})` : ''}`;
}

/** `12:00:01 drift ReplicaSet/default/nginx@gce-us-central1c (spec.replicas) by kubectl: corrected` */
export function driftLine(d: Drift, at: Date): string {
  return (
    `${clockTime(at)} drift ${subject(d.ref, d.cluster)} (${d.fields.map((f) => f.path).join(', ')}) ` +
    `by ${d.manager ?? 'an unknown manager'}: ${driftVerdict(d)}`
  );
}

/** `12:00:01 cluster gce-europe-west1b is Offline` */
export function healthLine(cluster: string, health: string, at: Date): string {
  return `${clockTime(at)} cluster ${cluster} is ${health}`;
}

/** A workload's copy in one cluster, as read from it. */
export type WorkloadCopy =
  | { cluster: string; state: 'unreachable' }
  | { cluster: string; state: 'absent' }
  | { cluster: string; state: 'present'; replicas: number; ready: number };

/** `  ReplicaSet/default/nginx (6 placed): gce-asia-east1a 4/4 ready · gce-europe-west1b - · …` */
export function workloadLine(name: string, copies: readonly WorkloadCopy[]): string {
  let total = 0;
  const parts = copies.map((c) => {
    if (c.state === 'unreachable') return `${c.cluster} unreachable`;
    if (c.state === 'absent') return `${c.cluster} -`;
    total += c.replicas;
    return `${c.cluster} ${c.ready}/${c.replicas} ready`;
  });
  return `  ${name} (${total} placed): ${parts.join(' · ')}`;
}
