import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PauseController } from './pause-controller.js';

/** ok: under the limit; reduced: over it, fewer jobs at once; paused: over it for too long. */
export type LimitLevel = 'ok' | 'reduced' | 'paused';

export interface LimitWords {
  /** "the GPU is at 86 °C (your limit 83 °C)". */
  over(value: number): string;
  /** "resumes when it cools below 78 °C". */
  resumes: string;
}

export interface LimitTriggerOptions {
  clock: Clock;
  pauses: Pick<PauseController, 'request' | 'release'>;
  source: 'thermal' | 'power';
  /** Above this the node runs fewer jobs, then pauses. */
  limit: number;
  /** At or below this (the hysteresis) the limit counts as cleared. */
  clearAt: number;
  words: LimitWords;
  /** Over the limit this long while already running fewer jobs: pause. Default 60 s. */
  pauseAfterMs?: number;
  /** At or below `clearAt` this long: one step back (paused → reduced → ok). Default 60 s. */
  clearAfterMs?: number;
  /** The level changed. */
  onLevel: (level: LimitLevel) => void;
  log: Logger;
}

/**
 * One operator limit (temperature ceiling or power cap) watched on the GPU's samples: over it the
 * node first runs fewer jobs at once; still over it after `pauseAfterMs` it pauses. It steps back
 * only after the value stayed at or below `clearAt` (under the limit by a margin) for
 * `clearAfterMs`, so a GPU hovering at the limit does not toggle the runtime.
 */
export class LimitTrigger {
  private current: LimitLevel = 'ok';
  private overSince: number | null = null;
  private coolSince: number | null = null;

  constructor(private readonly o: LimitTriggerOptions) {}

  level(): LimitLevel {
    return this.current;
  }

  /** A new reading (the worst GPU's); null (no reading) changes nothing. */
  observe(value: number | null): void {
    if (value === null) return;
    const now = this.o.clock.now();
    const over = value > this.o.limit;
    const cool = value <= this.o.clearAt;
    this.overSince = over ? (this.overSince ?? now) : null;
    this.coolSince = cool ? (this.coolSince ?? now) : null;
    const overFor = this.overSince === null ? -1 : now - this.overSince;
    const coolFor = this.coolSince === null ? -1 : now - this.coolSince;
    const clearAfter = this.o.clearAfterMs ?? 60_000;
    if (this.current === 'ok' && over) {
      this.o.log.warn(`${capital(this.o.words.over(value))}: running fewer jobs at once.`);
      this.set('reduced');
    } else if (this.current === 'reduced' && overFor >= (this.o.pauseAfterMs ?? 60_000)) {
      this.o.pauses.request(this.o.source, {
        reason: this.o.words.over(value),
        resumes: this.o.words.resumes,
      });
      this.set('paused');
    } else if (this.current === 'reduced' && coolFor >= clearAfter) {
      this.o.log.info(`The GPU is back under your ${this.what()}: full jobs at once again.`);
      this.set('ok');
    } else if (this.current === 'paused' && coolFor >= clearAfter) {
      this.o.pauses.release(this.o.source);
      this.set('reduced');
    }
  }

  /** Withdraws any pause and reduction (the limit was turned off or changed). */
  stop(): void {
    if (this.current === 'paused') this.o.pauses.release(this.o.source);
    if (this.current !== 'ok') this.set('ok');
  }

  private set(level: LimitLevel): void {
    this.current = level;
    // Each step back waits its own full time; the time over the limit counts from the first
    // reading over it (the reduction is the first step of the same episode).
    this.coolSince = null;
    this.o.onLevel(level);
  }

  private what(): string {
    return this.o.source === 'thermal' ? 'temperature limit' : 'power cap';
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
