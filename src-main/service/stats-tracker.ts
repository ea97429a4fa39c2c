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
      return true;
    }
    if (event.kind === 'failed') {
      this.jobsFailed++;
      return true;
    }
    return false;
  }

  snapshot(now: number, inFlight: number): StatsDto {
    const since = now - STATS_WINDOW_MS;
    const firstInWindow = this.completions.findIndex((c) => c.at > since);
    this.completions = firstInWindow === -1 ? [] : this.completions.slice(firstInWindow);
    let windowTokens = 0;
    for (const c of this.completions) windowTokens += c.tokens;
    return {
      jobsDone: this.jobsDone,
      jobsFailed: this.jobsFailed,
      inFlight,
      tokensServed: this.tokensServed,
      tokensPerSecond: round1(windowTokens / (STATS_WINDOW_MS / 1000)),
      jobsPerMinute: this.completions.length,
    };
  }

  /** True while some completion still counts in the live rates (they decay with time). */
  hasRecent(now: number): boolean {
    const last = this.completions.at(-1);
    return last !== undefined && last.at > now - STATS_WINDOW_MS;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
