import type { Clock, TimerHandle } from '../clock.js';

/**
 * Fails a stream that stays silent longer than `timeoutMs`. Data only records the time it came
 * (no timer per chunk): one timer runs, and when it fires it checks how long the stream has
 * really been silent and either fails it or waits out the rest of the timeout.
 */
export class StallWatch {
  private lastDataAt = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  /** Starts watching from now (call once, at the first token). */
  start(): void {
    if (this.stopped || this.timer !== null) return;
    this.lastDataAt = this.clock.now();
    this.arm(this.timeoutMs);
  }

  /** Data came: the silence starts again from now. */
  touch(): void {
    this.lastDataAt = this.clock.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.timer = null;
    if (this.stopped) return;
    const silentMs = this.clock.now() - this.lastDataAt;
    if (silentMs >= this.timeoutMs) {
      this.stopped = true;
      this.onStall();
    } else {
      this.arm(this.timeoutMs - silentMs);
    }
  }
}
