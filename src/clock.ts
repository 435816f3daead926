// The system clock: the one place that reads the real time for everything that takes a Clock.
import type { Clock } from './model/clock.js';

export const systemClock: Clock = { now: () => new Date() };
