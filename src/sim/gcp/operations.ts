// Long-running operations: every mutation returns one; it goes PENDING → RUNNING → DONE after a
// configurable delay. A failed operation carries its errors in `error.errors`, as the real API does.
import { randomBytes } from 'node:crypto';
import type { ScopeKey } from './names.js';

export type OperationError = { code: string; message: string; httpStatus?: number };

type OperationRecord = {
  json: Record<string, unknown>;
  scope: ScopeKey;
  createdAt: number;
  stuck: boolean;
  error: OperationError | undefined;
  observed: boolean;
};

export type StartOperation = {
  scope: ScopeKey;
  operationType: string;
  targetLink: string;
  targetId?: string;
  error?: OperationError;
  stuck?: boolean;
};

export type Operations = {
  start(req: StartOperation): Record<string, unknown>;
  get(scope: ScopeKey, name: string): Record<string, unknown> | undefined;
  /** Resolves when the operation is DONE or after `maxWaitMs`, whichever is first (like the real ~2 min cap). */
  wait(scope: ScopeKey, name: string): Promise<Record<string, unknown> | undefined>;
  list(scope: ScopeKey): Record<string, unknown>[];
  close(): void;
};

export type OperationsOptions = {
  delayMs: number;
  maxWaitMs: number;
  clock: () => number;
  scopeLink: (scope: ScopeKey) => string;
  user: string;
};

export function createOperations(opts: OperationsOptions): Operations {
  const ops = new Map<string, OperationRecord>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let nextId = 5000;
  let closed = false;
  const key = (scope: ScopeKey, name: string) => `${scope}/${name}`;

  // PENDING when created, RUNNING from the first read on, DONE at a read once the delay has passed.
  // Tying the steps to reads as well as time makes every client see RUNNING at least once, however
  // slowly the machine runs, so the clients' wait loops are always exercised.
  const snapshot = (rec: OperationRecord, observe: boolean): Record<string, unknown> => {
    const elapsed = opts.clock() - rec.createdAt;
    const done = !rec.stuck && (opts.delayMs === 0 || (rec.observed && elapsed >= opts.delayMs));
    const running = !done && (rec.stuck || rec.observed || observe);
    if (observe) rec.observed = true;
    const iso = (ms: number) => new Date(ms).toISOString();
    const out: Record<string, unknown> = {
      ...rec.json,
      status: done ? 'DONE' : running ? 'RUNNING' : 'PENDING',
      progress: done ? 100 : running ? 50 : 0,
    };
    if (running || done) out.startTime = iso(rec.createdAt);
    if (done) {
      out.endTime = iso(Math.max(rec.createdAt, opts.clock()));
      if (rec.error) {
        out.error = { errors: [{ code: rec.error.code, message: rec.error.message }] };
        out.httpErrorStatusCode = rec.error.httpStatus ?? 400;
        out.httpErrorMessage =
          rec.error.httpStatus && rec.error.httpStatus >= 500 ? 'INTERNAL SERVER ERROR' : 'BAD REQUEST';
      }
    }
    return out;
  };

  const remainingMs = (rec: OperationRecord) =>
    rec.stuck ? Number.POSITIVE_INFINITY : Math.max(0, rec.createdAt + opts.delayMs - opts.clock());

  return {
    start(req) {
      const now = opts.clock();
      const name = `operation-${now}-${randomBytes(6).toString('hex')}`;
      const scopeLink = opts.scopeLink(req.scope);
      const json: Record<string, unknown> = {
        kind: 'compute#operation',
        id: String(++nextId),
        name,
        operationType: req.operationType,
        targetLink: req.targetLink,
        ...(req.targetId ? { targetId: req.targetId } : {}),
        insertTime: new Date(now).toISOString(),
        user: opts.user,
        selfLink: `${scopeLink}/operations/${name}`,
        ...(req.scope.startsWith('zones/') ? { zone: scopeLink } : {}),
      };
      const rec: OperationRecord = {
        json,
        scope: req.scope,
        createdAt: now,
        stuck: req.stuck ?? false,
        error: req.error,
        observed: false,
      };
      ops.set(key(req.scope, name), rec);
      return snapshot(rec, false);
    },
    get(scope, name) {
      const rec = ops.get(key(scope, name));
      return rec ? snapshot(rec, true) : undefined;
    },
    async wait(scope, name) {
      const rec = ops.get(key(scope, name));
      if (!rec) return undefined;
      rec.observed = true;
      // A timer may fire a millisecond before the clock reaches the deadline: sleep until it has,
      // or until this wait's own bound, so a wait that should end DONE never ends RUNNING.
      const deadline = opts.clock() + Math.min(remainingMs(rec), opts.maxWaitMs);
      for (let ms = deadline - opts.clock(); ms > 0 && !closed; ms = deadline - opts.clock()) {
        await new Promise<void>((resolve) => {
          const entry = { timer: setTimeout(() => (timers.delete(entry), resolve()), ms), resolve };
          timers.add(entry);
        });
      }
      return snapshot(rec, true);
    },
    list(scope) {
      return [...ops.values()].filter((r) => r.scope === scope).map((r) => snapshot(r, false));
    },
    close() {
      closed = true;
      for (const t of timers) {
        clearTimeout(t.timer);
        t.resolve();
      }
      timers.clear();
    },
  };
}
