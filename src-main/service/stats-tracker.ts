import type { StatsDto } from '../contract/index.js';
import type { JobEvent } from '../core/jobs/job-engine-api.js';

export const STATS_WINDOW_MS = 60_000;

interface Completion {
  at: number;
  tokens: number;
}

/**
 * Jobs done, tokens served and the live rate. Rates are over the last minute: tokens generated
 * by jobs that completed in the window, divided by the window (so the number falls back to 0
 * a minute after the last job instead of freezing).
 */
export class StatsTracker {
  private completions: Completion[] = [];
  /** Index of the oldest completion still in the window, and the window's token sum. */
  private head = 0;
  private windowTokens = 0;
  private tokensServed = 0;
  private jobsDone = 0;
  private jobsFailed = 0;

  /**
   * Starts from the agent's counters at the time the service attaches (totals of earlier runs);
   * from then on only served jobs count: the network's test task is not work done for anyone.
   */
  constructor(
    initial: { completed_total: number; failed_total: number } = {
      completed_total: 0,
      failed_total: 0,
    },
  ) {
    this.jobsDone = initial.completed_total;
    this.jobsFailed = initial.failed_total;
  }

  /** Returns true when the event changed the stats. */
  apply(event: JobEvent): boolean {
    if (event.test) return false;
    if (event.kind === 'completed') {
      const tokens = event.completionTokens ?? 0;
      this.jobsDone++;
      this.tokensServed += tokens;
      this.completions.push({ at: event.at, tokens });
      this.windowTokens += tokens;
      return true;
    }
    if (event.kind === 'failed') {
      this.jobsFailed++;
      return true;
    }
    return false;
  }

  snapshot(now: number, inFlight: number): StatsDto {
    // Runs for every completion (each one pushes stats): drop only what left the window, never
    // rescan or copy the whole minute (tens of thousands of entries at hundreds of jobs/s).
    const since = now - STATS_WINDOW_MS;
    const list = this.completions;
    while (this.head < list.length && list[this.head]!.at <= since) {
      this.windowTokens -= list[this.head]!.tokens;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > list.length) {
      this.completions = list.slice(this.head);
      this.head = 0;
    }
    const windowTokens = this.windowTokens;
    return {
      jobsDone: this.jobsDone,
      jobsFailed: this.jobsFailed,
      inFlight,
      tokensServed: this.tokensServed,
      tokensPerSecond: round1(windowTokens / (STATS_WINDOW_MS / 1000)),
      jobsPerMinute: this.completions.length - this.head,
    };
  }

  /** True while some completion still counts in the live rates (they decay with time). */
  hasRecent(now: number): boolean {
    const last = this.head < this.completions.length ? this.completions.at(-1) : undefined;
    return last !== undefined && last.at > now - STATS_WINDOW_MS;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
