// A circuit breaker per member cluster (cockatiel): after `failures` requests in a row got no answer
// (timeout, refused, TLS), the cluster is cut off — every request fails at once with
// kube.circuitOpen instead of waiting out its timeout — until `halfOpenAfterMs` has passed; then one
// request goes through as a trial (the others wait for it) and its answer closes or re-opens the
// circuit. An answer of any kind, an error status included, is an answer: only silence counts.
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { ClusterName } from '../model/index.js';
import { KubeError, KubeErrorCode } from './port.js';
import type { ClusterClient } from './port.js';

export type BreakerOptions = {
  /** Consecutive unanswered requests that open the circuit (default 3). */
  failures: number;
  /** How long it stays open before a trial request (default 10 s: one health interval). */
  halfOpenAfterMs: number;
};

export const defaultBreakerOptions: BreakerOptions = { failures: 3, halfOpenAfterMs: 10_000 };

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export type ClusterBreaker = {
  readonly cluster: ClusterName;
  /** Runs `call` unless the circuit is open (then rejects with kube.circuitOpen at once). */
  run<T>(call: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  /** The unanswered request that opened the circuit last. */
  lastFailure(): KubeError | undefined;
  /** Called when the circuit opens; returns an unsubscribe. */
  onOpen(listener: (failure: KubeError) => void): () => void;
};

const NO_ANSWER: ReadonlySet<string> = new Set([
  KubeErrorCode.timeout,
  KubeErrorCode.unreachable,
  KubeErrorCode.tls,
]);

/** The request got no usable answer: the cluster is hung, down, or not who it claims to be. */
export function isNoAnswer(err: unknown): err is KubeError {
  return err instanceof KubeError && NO_ANSWER.has(err.code);
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'halfOpen',
  [CircuitState.Isolated]: 'open',
};

export function createClusterBreaker(
  cluster: ClusterName,
  options: Partial<BreakerOptions> = {},
): ClusterBreaker {
  const { failures, halfOpenAfterMs } = { ...defaultBreakerOptions, ...options };
  const policy: CircuitBreakerPolicy = circuitBreaker(handleWhen(isNoAnswer), {
    breaker: new ConsecutiveBreaker(failures),
    halfOpenAfter: halfOpenAfterMs,
  });
  let last: KubeError | undefined;
  const listeners = new Set<(failure: KubeError) => void>();
  policy.onBreak((reason) => {
    if (!('error' in reason) || !(reason.error instanceof KubeError)) return;
    last = reason.error;
    for (const l of listeners) l(reason.error);
  });
  const openError = (): KubeError =>
    new KubeError({
      code: KubeErrorCode.circuitOpen,
      cluster,
      message: `${cluster} is cut off: ${failures} request(s) in a row got no answer (last: ${last?.message ?? 'unknown'}); a trial request goes through ${Math.round(halfOpenAfterMs / 1000)} s after that`,
    });
  return {
    cluster,
    async run(call) {
      try {
        // An answered error goes through the policy as a value: cockatiel would neither count it nor
        // reset the count of failures in a row, and any answer proves the cluster is there.
        const r = await policy.execute(
          async (): Promise<{ value: Awaited<ReturnType<typeof call>> } | { answered: unknown }> => {
            try {
              return { value: await call() };
            } catch (err) {
              if (isNoAnswer(err)) throw err;
              return { answered: err };
            }
          },
        );
        if ('answered' in r) throw r.answered;
        return r.value;
      } catch (err) {
        if (isBrokenCircuitError(err)) throw openError();
        throw err;
      }
    },
    state: () => STATES[policy.state],
    lastFailure: () => last,
    onOpen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The client with every request passed through the breaker (a watch: only its opening request). */
export function guardedClient(client: ClusterClient, breaker: ClusterBreaker): ClusterClient {
  return {
    name: client.name,
    resource: (apiVersion, kind) => breaker.run(() => client.resource(apiVersion, kind)),
    apply: (object, options) => breaker.run(() => client.apply(object, options)),
    patch: (...args) => breaker.run(() => client.patch(...args)),
    create: (object) => breaker.run(() => client.create(object)),
    jsonPatch: (ref, ops) => breaker.run(() => client.jsonPatch(ref, ops)),
    remove: (ref, options) => breaker.run(() => client.remove(ref, options)),
    get: (ref) => breaker.run(() => client.get(ref)),
    list: (options) => breaker.run(() => client.list(options)),
    watch: (options, onEvent, done) => breaker.run(() => client.watch(options, onEvent, done)),
    probe: () => breaker.run(() => client.probe()),
  };
}
