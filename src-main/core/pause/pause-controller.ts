import { Emitter, type Event } from '../base/event.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import {
  NOT_PAUSED,
  pauseHeadline,
  type PauseRequest,
  type PauseSource,
  type PauseState,
} from './pause-sources.js';

export interface PauseAsk {
  reason: string;
  resumes: string;
  /** Epoch ms when the request lapses by itself (absent: until released). */
  until?: number | null;
}

/**
 * Collects pause requests from named sources (manual, schedule, a foreign GPU process, …): the
 * node is paused while any request remains and resumes when the last one is released or lapses.
 * It only decides; `OperatorPause` does the pausing.
 */
export class PauseController {
  private readonly requests = new Map<PauseSource, PauseRequest>();
  private readonly timers = new Map<PauseSource, TimerHandle>();
  private since: number | null = null;
  private readonly changed = new Emitter<PauseState>();
  /** Fires with the new state whenever a request is added, changed, released or lapses. */
  readonly onChange: Event<PauseState> = this.changed.event;

  constructor(
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {}

  state(): PauseState {
    if (this.requests.size === 0) return NOT_PAUSED;
    const requests = [...this.requests.values()].sort((a, b) => a.since - b.since);
    return { paused: true, requests, since: this.since };
  }

  isRequested(source: PauseSource): boolean {
    return this.requests.has(source);
  }

  /** Adds or updates `source`'s request (an unchanged repeat changes nothing). */
  request(source: PauseSource, ask: PauseAsk): void {
    const until = ask.until ?? null;
    const old = this.requests.get(source);
    if (old && old.reason === ask.reason && old.resumes === ask.resumes && old.until === until) {
      return;
    }
    const now = this.clock.now();
    if (until !== null && until <= now) return this.release(source);
    this.clearTimer(source);
    if (until !== null) {
      this.timers.set(
        source,
        this.clock.setTimeout(() => this.release(source), until - now),
      );
    }
    this.requests.set(source, {
      source,
      reason: ask.reason,
      resumes: ask.resumes,
      since: old?.since ?? now,
      until,
    });
    this.since ??= now;
    if (!old) this.log?.info(`Pause requested (${source}): ${ask.reason}.`);
    this.emit();
  }

  /** Withdraws `source`'s request; the node resumes when none remains. */
  release(source: PauseSource): void {
    this.clearTimer(source);
    if (!this.requests.delete(source)) return;
    this.log?.info(`Pause released (${source}).`);
    if (this.requests.size === 0) this.since = null;
    this.emit();
  }

  /** Withdraws every request ("Resume now"). */
  releaseAll(): void {
    for (const source of [...this.requests.keys()]) this.release(source);
  }

  headline(): string | null {
    return pauseHeadline(this.state());
  }

  dispose(): void {
    for (const source of [...this.timers.keys()]) this.clearTimer(source);
    this.changed.dispose();
  }

  private clearTimer(source: PauseSource): void {
    const t = this.timers.get(source);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(source);
  }

  private emit(): void {
    this.changed.fire(this.state());
  }
}
