// The one switch every write of the agent passes: this replica writes only while it leads (its
// Lease is held and its renew deadline has not passed), nobody suspended it (the operator from the
// CLI, or the repository's fedsync.yaml) and it is not shutting down. The reconciler asks before it
// applies; the member-cluster clients ask again before every single write, so a leader that loses
// its Lease mid-apply, a drift correction on a follower or a write after SIGTERM is refused — and the
// refusal is recorded like any failed write, never silently dropped.
import type { ClusterClient } from '../kube/port.js';

export const WriteRefusal = {
  notLeader: 'agent.notLeader',
  suspended: 'agent.suspended',
  stopping: 'agent.stopping',
} as const;
export type WriteRefusal = (typeof WriteRefusal)[keyof typeof WriteRefusal];

export type GateVerdict = { ok: true } | { ok: false; code: WriteRefusal; message: string };

export class WriteRefusedError extends Error {
  readonly code: WriteRefusal;
  constructor(code: WriteRefusal, message: string) {
    super(message);
    this.name = 'WriteRefusedError';
    this.code = code;
  }
}

/** Who suspended the agent, why and since when (ISO time). */
export type Suspension = { by: 'operator' | 'repository'; reason: string; since: string };

export type WriteGate = {
  check(): GateVerdict;
  suspend(s: Suspension): void;
  resume(by: Suspension['by']): void;
  /** Every active suspension (operator first). */
  suspensions(): Suspension[];
  /** From now on every write is refused (shutdown). */
  stopWriting(): void;
};

export function createWriteGate(options: {
  /** True while this replica may write (leader election); default always. */
  isLeader?: () => boolean;
  leaderMessage?: () => string;
}): WriteGate {
  const suspended = new Map<Suspension['by'], Suspension>();
  let stopping = false;
  return {
    check() {
      if (stopping)
        return { ok: false, code: WriteRefusal.stopping, message: 'the agent is shutting down: not written' };
      const s = suspended.get('operator') ?? suspended.get('repository');
      if (s)
        return {
          ok: false,
          code: WriteRefusal.suspended,
          message: `suspended by the ${s.by} (${s.reason}): not written`,
        };
      if (options.isLeader && !options.isLeader())
        return {
          ok: false,
          code: WriteRefusal.notLeader,
          message: options.leaderMessage?.() ?? 'this replica does not hold the Lease: not written',
        };
      return { ok: true };
    },
    suspend(s) {
      suspended.set(s.by, s);
    },
    resume(by) {
      suspended.delete(by);
    },
    suspensions: () => (['operator', 'repository'] as const).flatMap((by) => suspended.get(by) ?? []),
    stopWriting() {
      stopping = true;
    },
  };
}

/** The client with every write (apply, delete, patch, create) checked against the gate just before it is sent. */
export function gateClient(client: ClusterClient, gate: WriteGate): ClusterClient {
  const pass = (): void => {
    const v = gate.check();
    if (!v.ok) throw new WriteRefusedError(v.code, v.message);
  };
  return {
    name: client.name,
    resource: (apiVersion, kind) => client.resource(apiVersion, kind),
    async apply(object, options) {
      // A dry run writes nothing: followers and suspended agents may still use it.
      if (!options?.dryRun) pass();
      return client.apply(object, options);
    },
    async remove(ref, options) {
      pass();
      return client.remove(ref, options);
    },
    async patch(ref, patch, options) {
      pass();
      return client.patch(ref, patch, options);
    },
    async create(object) {
      pass();
      return client.create(object);
    },
    async jsonPatch(ref, ops) {
      pass();
      return client.jsonPatch(ref, ops);
    },
    get: (ref) => client.get(ref),
    list: (options) => client.list(options),
    watch: (options, onEvent, done) => client.watch(options, onEvent, done),
    probe: () => client.probe(),
  };
}
