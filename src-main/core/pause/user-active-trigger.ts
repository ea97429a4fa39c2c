import type { Clock, TimerHandle } from '../clock.js';
import type { AvailabilityListener, PauseRequester, PauseTrigger } from './pause-trigger.js';

/** How the desktop reads keyboard and mouse idleness (Electron's powerMonitor). */
export interface IdleSource {
  /** Seconds since the last keyboard or mouse input. */
  getSystemIdleTime(): number;
  /** 'unknown' when the system cannot tell (e.g. some Wayland sessions). */
  getSystemIdleState(idleThresholdSeconds: number): 'active' | 'idle' | 'locked' | 'unknown';
}

export interface UserActiveConfig {
  enabled: boolean;
  /** Minutes without input before the node resumes. */
  idleMinutes: number;
}

/** How often the idle time is read (a cheap call; Electron answers from the OS). */
export const IDLE_POLL_MS = 5_000;
/** Input within this many seconds counts as someone using the computer. */
export const ACTIVE_WITHIN_S = 10;

const UNKNOWN_IDLE =
  'This system does not tell apps how long the keyboard and mouse have been idle, so the node ' +
  'cannot see when you use the computer.';

/**
 * Pauses while someone uses the keyboard or mouse and resumes after `idleMinutes` without
 * input (the delay keeps a short break from starting and stopping the runtime).
 */
export class UserActiveTrigger implements PauseTrigger<UserActiveConfig> {
  readonly source = 'user-active' as const;
  private config: UserActiveConfig = { enabled: false, idleMinutes: 5 };
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly pauses: PauseRequester,
    private readonly idle: IdleSource,
    private readonly onAvailability?: AvailabilityListener,
  ) {}

  configure(config: UserActiveConfig): void {
    this.config = { ...config };
    this.stop();
    if (!config.enabled) return this.pauses.release(this.source);
    if (this.idle.getSystemIdleState(ACTIVE_WITHIN_S) === 'unknown') {
      this.onAvailability?.(this.source, UNKNOWN_IDLE);
      return this.pauses.release(this.source);
    }
    this.onAvailability?.(this.source, null);
    this.poll();
    this.timer = this.clock.setInterval(() => this.poll(), IDLE_POLL_MS);
  }

  dispose(): void {
    this.stop();
    this.pauses.release(this.source);
  }

  private poll(): void {
    const idleS = this.idle.getSystemIdleTime();
    const minutes = this.config.idleMinutes;
    if (idleS < ACTIVE_WITHIN_S) {
      this.pauses.request(this.source, {
        reason: 'you are using the computer',
        resumes: `resumes after ${minutes} minute${minutes === 1 ? '' : 's'} without keyboard or mouse input`,
      });
    } else if (idleS >= minutes * 60) {
      this.pauses.release(this.source);
    }
  }

  private stop(): void {
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = null;
  }
}
