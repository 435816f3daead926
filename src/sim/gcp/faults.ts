// Run-time faults of the simulated Compute API, switched on and off through the sim handle or the
// control endpoint. `times` limits a fault to the next N matching requests; absent means "until cleared".

export type FaultSpec =
  | { kind: 'rateLimit'; times?: number; on?: 'reads' | 'mutations' | 'all' }
  | { kind: 'serverError'; times?: number; status?: number }
  | { kind: 'operationFails'; times?: number; code?: string; message?: string }
  | { kind: 'operationStuck'; times?: number }
  | { kind: 'latency'; ms: number };

export type FaultKind = FaultSpec['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'rateLimit',
  'serverError',
  'operationFails',
  'operationStuck',
  'latency',
];

export type Faults = {
  set(spec: FaultSpec): void;
  clear(kind?: FaultKind): void;
  active(): FaultSpec[];
  takeRateLimit(isRead: boolean): boolean;
  takeServerError(): number | undefined;
  takeOperationFailure(): { code: string; message: string } | undefined;
  takeOperationStuck(): boolean;
  latencyMs(): number;
};

export function createFaults(): Faults {
  const active = new Map<FaultKind, FaultSpec>();
  /** Consumes one use of a fault; returns it when it applied. */
  const take = <K extends FaultKind>(
    kind: K,
    applies: (f: Extract<FaultSpec, { kind: K }>) => boolean = () => true,
  ) => {
    const f = active.get(kind) as Extract<FaultSpec, { kind: K }> | undefined;
    if (!f || !applies(f)) return undefined;
    if ('times' in f && f.times !== undefined) {
      if (f.times <= 1) active.delete(kind);
      else active.set(kind, { ...f, times: f.times - 1 });
    }
    return f;
  };
  return {
    set(spec) {
      active.set(spec.kind, spec);
    },
    clear(kind) {
      if (kind) active.delete(kind);
      else active.clear();
    },
    active: () => [...active.values()],
    takeRateLimit: (isRead) =>
      take('rateLimit', (f) => (f.on ?? 'all') === 'all' || (f.on === 'reads') === isRead) !== undefined,
    takeServerError: () => {
      const f = take('serverError');
      return f ? (f.status ?? 503) : undefined;
    },
    takeOperationFailure: () => {
      const f = take('operationFails');
      return f
        ? { code: f.code ?? 'INTERNAL_ERROR', message: f.message ?? 'Simulated operation failure.' }
        : undefined;
    },
    takeOperationStuck: () => take('operationStuck') !== undefined,
    latencyMs: () => {
      const f = active.get('latency');
      return f?.kind === 'latency' ? f.ms : 0;
    },
  };
}
