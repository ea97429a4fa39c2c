import type { Clock, TimerHandle } from '../clock.js';
import type { PauseRequester, PauseTrigger } from './pause-trigger.js';
import { resumesAt } from './pause-words.js';
import { scheduleAt, type ScheduleWindow } from './schedule-windows.js';

export interface ScheduleConfig {
  enabled: boolean;
  windows: readonly ScheduleWindow[];
}

/**
 * Looks again at least this often: the wall clock may jump (sleep, NTP, a time-zone change)
 * while a long timer waits.
 */
const RECHECK_MS = 60_000;

/** Pauses the node inside the operator's schedule windows; resumes at the window's end. */
export class ScheduleTrigger implements PauseTrigger<ScheduleConfig> {
  readonly source = 'schedule' as const;
  private config: ScheduleConfig = { enabled: false, windows: [] };
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly pauses: PauseRequester,
  ) {}

  configure(config: ScheduleConfig): void {
    this.config = { enabled: config.enabled, windows: [...config.windows] };
    this.check();
  }

  dispose(): void {
    this.clearTimer();
    this.pauses.release(this.source);
  }

  private check(): void {
    this.clearTimer();
    const { enabled, windows } = this.config;
    if (!enabled || windows.length === 0) return this.pauses.release(this.source);
    const now = this.clock.now();
    const at = scheduleAt(windows, now);
    if (at.inWindow) {
      this.pauses.request(this.source, {
        reason: 'your schedule keeps the GPU for you now',
        resumes: resumesAt(at.endsAt, now),
        until: at.endsAt,
      });
    } else {
      this.pauses.release(this.source);
    }
    const boundary = at.inWindow ? at.endsAt : at.nextStartAt;
    const wait = boundary === null ? RECHECK_MS : Math.min(RECHECK_MS, boundary - now);
    this.timer = this.clock.setTimeout(() => this.check(), Math.max(1, wait));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
