/** Time source and one-shot timers, injectable so the batching engine runs on a fake clock. */
export interface TimerClock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: TimerClock = {
  now: () => performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, Math.max(0, delayMs)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
