import { systemClock, type Clock } from '../../core/clock.js';

/** The part of the shared Clock the engine needs: time and one-shot timers. */
export type EngineClock = Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;

/** The system clock on a monotonic scale: latencies must not jump with the wall clock. */
export const monotonicClock: EngineClock = {
  now: () => performance.now(),
  setTimeout: systemClock.setTimeout,
  clearTimeout: systemClock.clearTimeout,
};
