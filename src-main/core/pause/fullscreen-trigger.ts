import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { FullscreenProbe } from './fullscreen-probe.js';
import type { AvailabilityListener, PauseRequester, PauseTrigger } from './pause-trigger.js';

/**
 * How long no application may be full screen before the node resumes: a quick Alt+Tab out of
 * a game should not stop and start the runtime.
 */
export const FULLSCREEN_RESUME_AFTER_MS = 15_000;

/**
 * Pauses while another application is full screen in front (a game, a film); resumes a little
 * after it leaves full screen. Looks one at a time (a slow look never piles up), ignores the
 * app's own window, and stops looking when the machine cannot tell.
 */
export class FullscreenTrigger implements PauseTrigger<boolean> {
  readonly source = 'fullscreen' as const;
  private enabled = false;
  /** Bumped on every configure/dispose: a look that comes back late is then ignored. */
  private generation = 0;
  private timer: TimerHandle | null = null;
  private windowedSince: number | null = null;
  private lastFailure: string | null = null;

  constructor(
    private readonly o: {
      clock: Clock;
      pauses: PauseRequester;
      probe: FullscreenProbe;
      /** This app's process: its own full-screen window is not a reason to pause. */
      ownPid: number;
      logger?: Logger;
      onAvailability?: AvailabilityListener;
    },
  ) {}

  configure(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.stop();
    if (!enabled) return this.o.pauses.release(this.source);
    void this.look(this.generation);
  }

  dispose(): void {
    this.enabled = false;
    this.stop();
    this.o.pauses.release(this.source);
  }

  private async look(generation: number): Promise<void> {
    const reading = await this.o.probe
      .read()
      .catch((err: unknown) => ({ kind: 'failed' as const, reason: String(err) }));
    if (generation !== this.generation) return;
    const now = this.o.clock.now();
    switch (reading.kind) {
      case 'unavailable':
        this.o.logger?.warn(`Full-screen pause is not available: ${reading.reason}`);
        this.o.onAvailability?.(this.source, reading.reason);
        this.o.pauses.release(this.source);
        return; // no loop: turning the setting off and on looks again
      case 'failed':
        if (reading.reason !== this.lastFailure) {
          this.o.logger?.debug(`A full-screen check failed: ${reading.reason}`);
        }
        this.lastFailure = reading.reason;
        break; // keep the last answer until a look succeeds
      case 'fullscreen':
        this.lastFailure = null;
        this.o.onAvailability?.(this.source, null);
        if (reading.pid !== this.o.ownPid) {
          this.windowedSince = null;
          this.o.pauses.request(this.source, {
            reason: reading.app
              ? `a full-screen application (${reading.app}) is in front`
              : 'a full-screen application is in front',
            resumes: 'resumes when it leaves full screen',
          });
          break;
        }
        this.windowed(now);
        break;
      case 'windowed':
        this.lastFailure = null;
        this.o.onAvailability?.(this.source, null);
        this.windowed(now);
        break;
    }
    this.timer = this.o.clock.setTimeout(() => void this.look(generation), this.o.probe.pollMs);
  }

  private windowed(now: number): void {
    this.windowedSince ??= now;
    if (now - this.windowedSince >= FULLSCREEN_RESUME_AFTER_MS) {
      this.o.pauses.release(this.source);
    }
  }

  private stop(): void {
    this.generation += 1;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.windowedSince = null;
  }
}
