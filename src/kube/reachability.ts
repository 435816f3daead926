// Whether this run can reach a member cluster, and if not, why — in the words of the one health
// vocabulary (model/observed.ts). A run that cannot reach a cluster calls it Unreachable with the
// cause; only the agent's probes (or the user) make a cluster Offline.
import { UnreachableReason } from '../model/index.js';
import type { HealthCause } from '../model/index.js';
import { KubeError, KubeErrorCode } from './port.js';
import type { ClusterClient } from './port.js';

const REASON_OF: Partial<Record<string, UnreachableReason>> = {
  [KubeErrorCode.timeout]: UnreachableReason.timeout,
  [KubeErrorCode.unreachable]: UnreachableReason.network,
  [KubeErrorCode.tls]: UnreachableReason.tls,
  [KubeErrorCode.unauthorized]: UnreachableReason.unauthorized,
  [KubeErrorCode.serverError]: UnreachableReason.unhealthy,
  [KubeErrorCode.throttled]: UnreachableReason.unhealthy,
  [KubeErrorCode.circuitOpen]: UnreachableReason.circuitOpen,
};

/** The cause a failed request gives for calling its cluster Unreachable. */
export function causeOf(err: unknown): HealthCause {
  if (err instanceof KubeError)
    return { reason: REASON_OF[err.code] ?? UnreachableReason.unhealthy, message: err.message };
  return { reason: UnreachableReason.network, message: err instanceof Error ? err.message : String(err) };
}

/** A failure that a second probe right away would only repeat more slowly. */
function isSlowOrFinal(err: unknown): boolean {
  return (
    err instanceof KubeError &&
    (err.code === KubeErrorCode.timeout ||
      err.code === KubeErrorCode.circuitOpen ||
      err.code === KubeErrorCode.tls ||
      err.code === KubeErrorCode.unauthorized)
  );
}

/**
 * One-shot reachability: up to `attempts` probes `intervalMs` apart, but never a second one after a
 * timeout (a hung cluster costs one request timeout, not three) or an answer that will not change
 * (TLS, credentials, an open circuit).
 */
export async function probeReachable(
  client: Pick<ClusterClient, 'probe'>,
  options: { attempts: number; intervalMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<{ ok: true } | { ok: false; cause: HealthCause }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: unknown;
  for (let i = 0; i < options.attempts; i++) {
    if (i > 0) await sleep(options.intervalMs);
    try {
      await client.probe();
      return { ok: true };
    } catch (err) {
      last = err;
      if (isSlowOrFinal(err)) break;
    }
  }
  return { ok: false, cause: causeOf(last) };
}
