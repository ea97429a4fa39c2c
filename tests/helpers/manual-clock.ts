import type { Clock, TimerHandle } from '../../src-main/core/clock.js';

interface Timer {
  at: number;
  fn: () => void;
  every: number | null;
}

/**
 * A Clock whose timers fire only when the test advances time, in due order
 * (ties in the order they were set). The one manual clock for every unit test.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start = 1_763_800_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn, every: null });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    const every = Math.max(1, ms);
    this.timers.set(id, { at: this.time + every, fn, every });
    return id;
  }

  clearInterval(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** How many timeouts and intervals are still set. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order (synchronously). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let nextId: number | undefined;
      let next: Timer | undefined;
      for (const [id, t] of this.timers) {
        if (t.at <= target && (!next || t.at < next.at)) {
          next = t;
          nextId = id;
        }
      }
      if (!next || nextId === undefined) break;
      this.time = next.at;
      if (next.every === null) this.timers.delete(nextId);
      else next.at += next.every;
      next.fn();
    }
    this.time = target;
  }

  /** advance() in steps, letting promises and I/O callbacks settle after each step. */
  async advanceAsync(ms: number, step = ms): Promise<void> {
    let left = ms;
    while (left > 0) {
      const d = Math.min(step, left);
      this.advance(d);
      left -= d;
      for (let i = 0; i < 5; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Sets the wall time without firing timers (a jump, e.g. across a restart). */
  set(time: number): void {
    this.time = time;
  }
}
