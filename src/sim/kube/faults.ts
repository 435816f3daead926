// Faults a simulated cluster can be switched into at run time.

export type ErrorCode = 429 | 500 | 503;

export type FaultState = {
  /** Connections refused: the listener is closed (its port is kept to reopen). */
  down: boolean;
  /** Connections accepted, requests never answered. */
  hang: boolean;
  /** Fraction (0..1) of API requests answered with `errorCode`. */
  errorRate: number;
  errorCode: ErrorCode;
  /** Added to every request before it is handled. */
  latencyMs: number;
};

export type FaultCommand =
  | { fault: 'down' }
  | { fault: 'up' }
  | { fault: 'hang' }
  | { fault: 'errors'; rate: number; code?: ErrorCode }
  | { fault: 'latency'; ms: number }
  | { fault: 'capacity'; pods: number };

export function noFaults(): FaultState {
  return { down: false, hang: false, errorRate: 0, errorCode: 500, latencyMs: 0 };
}

/** Deterministic error injection: exactly `rate` of the requests fail, spread evenly. */
export function errorGate(): (rate: number) => boolean {
  let n = 0;
  return (rate) => {
    if (rate <= 0) return false;
    const before = Math.floor(n * rate);
    n++;
    return Math.floor(n * rate) > before;
  };
}

/** Parses `down|up|hang|errors RATE [CODE]|latency MS|capacity N` as `fedsync sim ctl` takes it. */
export function parseFaultCommand(args: readonly string[]): FaultCommand {
  const [what, a, b] = args;
  const num = (s: string | undefined, name: string): number => {
    const v = Number(s);
    if (s === undefined || !Number.isFinite(v) || v < 0)
      throw new Error(`${what ?? ''}: ${name} must be a non-negative number`);
    return v;
  };
  switch (what ?? '') {
    case 'down':
    case 'up':
    case 'hang':
      return { fault: what as 'down' | 'up' | 'hang' };
    case 'errors': {
      const rate = num(a, 'RATE');
      if (rate > 1) throw new Error('errors: RATE is a fraction between 0 and 1');
      if (b === undefined) return { fault: 'errors', rate };
      const code = Number(b);
      if (code !== 429 && code !== 500 && code !== 503)
        throw new Error('errors: CODE must be 429, 500 or 503');
      return { fault: 'errors', rate, code };
    }
    case 'latency':
      return { fault: 'latency', ms: num(a, 'MS') };
    case 'capacity':
      return { fault: 'capacity', pods: Math.floor(num(a, 'N')) };
    default:
      throw new Error(
        `unknown fault ${what ?? '(none)'}: use down|up|hang|errors RATE [CODE]|latency MS|capacity N`,
      );
  }
}
