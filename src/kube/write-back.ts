// The load balancer's write-back to the member Ingresses, as the cluster adapter does it: the
// `ingress.kubernetes.io/*` annotations by JSON merge patch (only the keys that change), the IP on
// the status subresource, and the Events, all as their own field manager — so the plan's
// server-side apply (field manager `fedsync`) never owns, compares or removes any of it.
import { refKey, refOf } from '../model/index.js';
import type {
  Clock,
  ClusterName,
  KubeObject,
  MemberIngressPort,
  MemberWriteBack,
  ObjectRef,
} from '../model/index.js';
import type { ClusterCache } from './cache.js';
import { writesUnder } from './member-lock.js';
import type { LockGrant } from './member-lock.js';
import { KubeError, KubeErrorCode, type ClusterClient } from './port.js';

export const WRITE_BACK_MANAGER = 'fedsync-loadbalancer';
const INGRESS_API = 'networking.k8s.io/v1';

/** Event names must be unique in their namespace: `<ingress>.<hex time>` (as client-go does) plus a counter. */
function eventName(ingress: string, ms: number, n: number): string {
  return `${ingress}.${(BigInt(ms) * 1_000_000n + BigInt(n)).toString(16)}`;
}

export function memberIngressPort(options: {
  clients: ReadonlyMap<ClusterName, ClusterClient>;
  caches: ReadonlyMap<ClusterName, ClusterCache>;
  clock: Clock;
  /** The writer lock of the cluster written to (joined when a reconcile holds it; undefined: none). */
  lock?: (cluster: ClusterName) => Promise<LockGrant> | undefined;
}): MemberIngressPort {
  return {
    current(cluster, ref) {
      const cache = options.caches.get(cluster);
      return cache?.objectsOf(INGRESS_API, 'Ingress').find((o) => refKey(refOf(o)) === refKey(ref));
    },
    async write(cluster, ref, wb) {
      const raw = options.clients.get(cluster);
      if (!raw)
        throw new KubeError({
          code: KubeErrorCode.unreachable,
          cluster,
          message: `no client for cluster ${cluster}`,
        });
      const grant = await options.lock?.(cluster);
      if (grant && !grant.held) throw new Error(`not written: ${grant.message}`);
      try {
        return await writeBack(grant ? writesUnder(raw, grant.use) : raw, ref, wb, options.clock);
      } finally {
        await grant?.use.done();
      }
    },
  };
}

async function writeBack(
  client: ClusterClient,
  ref: ObjectRef,
  wb: MemberWriteBack,
  clock: Clock,
): Promise<number> {
  const target = { ...ref, apiVersion: INGRESS_API };
  let writes = 0;
  let live: KubeObject | undefined;
  if (Object.keys(wb.annotations).length > 0) {
    live = await client.patch(
      target,
      { metadata: { annotations: wb.annotations } },
      { fieldManager: WRITE_BACK_MANAGER },
    );
    writes++;
  }
  if (wb.status) {
    live = await client.patch(
      target,
      { status: wb.status },
      { fieldManager: WRITE_BACK_MANAGER, subresource: 'status' },
    );
    writes++;
  }
  const now = clock.now();
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  for (const [i, e] of wb.events.entries()) {
    await client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(ref.name, now.getTime(), i), namespace: ref.namespace },
      involvedObject: {
        apiVersion: INGRESS_API,
        kind: 'Ingress',
        name: ref.name,
        namespace: ref.namespace,
        ...(typeof live?.metadata.uid === 'string' ? { uid: live.metadata.uid } : {}),
      },
      type: e.type,
      reason: e.reason,
      message: e.message,
      source: { component: WRITE_BACK_MANAGER },
      reportingComponent: WRITE_BACK_MANAGER,
      reportingInstance: WRITE_BACK_MANAGER,
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
    });
    writes++;
  }
  return writes;
}
