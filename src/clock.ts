// The system clock: the one place that reads the real time for everything that takes a Clock.
import type { Clock } from './model/clock.js';

export const systemClock: Clock = { now: () => new Date() };

/**
 * A Clock as milliseconds since the epoch (default: the system clock). Code that computes deadlines,
 * lease expiry, replay windows or backoff in numbers takes a Clock like everything else and converts
 * here, once, instead of defaulting to Date.now on its own.
 */
export function millisOf(clock: Clock = systemClock): () => number {
  return () => clock.now().getTime();
}
