import type { Clock, TimerHandle } from '../clock.js';

/**
 * Runs an async task every `interval()` ms on the injected clock, never overlapping itself
 * (the next run is scheduled when the previous one ends). Errors are the task's to handle.
 */
export class Repeater {
  private timer: TimerHandle | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly interval: () => number,
    private readonly task: () => Promise<void>,
  ) {}

  start(runNow = true): void {
    if (this.running) return;
    this.running = true;
    if (runNow) void this.run();
    else this.schedule();
  }

  /** Runs the task now (unless it is already running) and restarts the period. */
  trigger(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    return this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private run(): Promise<void> {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.inFlight = this.task()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = null;
        this.schedule();
      });
    return this.inFlight;
  }

  private schedule(): void {
    if (!this.running || this.timer !== null) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.interval());
  }
}
