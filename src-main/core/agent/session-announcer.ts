import type { ConfigSync } from '../config/config-sync.js';
import type { Logger } from '../logger.js';
import type { AgentDeps } from './agent-deps.js';

export interface SessionAnnouncerDeps {
  config: ConfigSync;
  link: AgentDeps['link'];
  runtime: AgentDeps['runtime'];
  journal: AgentDeps['journal'];
  /** The operator's cap on jobs at once, if any. */
  maxConcurrency: number | undefined;
  /** Registered and not paused by the network's drain. */
  online: () => boolean;
  log: Logger;
}

/**
 * What the job session tells the network about taking jobs (`accepting`, `max_concurrency`),
 * and reopening the session when that announcement has become wrong.
 */
export class SessionAnnouncer {
  private announcedAccepting = false;

  constructor(private readonly d: SessionAnnouncerDeps) {}

  /** Jobs are only taken once registered, allowed by the network, and the runtime serves. */
  wantsJobs(): boolean {
    const snap = this.d.config.snapshot()?.snapshot;
    return (
      this.d.online() &&
      !this.d.journal?.writeProblem &&
      (snap?.participation.accepting_jobs ?? false) &&
      this.d.runtime.status().state === 'ready'
    );
  }

  /** The parameters of the session being opened (remembered, to tell when they go stale). */
  params(): { accepting: boolean; max_concurrency: number } {
    const snap = this.d.config.snapshot()?.snapshot;
    const wanted = this.d.maxConcurrency ?? snap?.runtime.max_num_seqs ?? 1;
    this.announcedAccepting = this.wantsJobs();
    return {
      accepting: this.announcedAccepting,
      max_concurrency: Math.min(1024, Math.max(1, Math.floor(wanted))),
    };
  }

  /**
   * Reopens the session when what it announced is wrong: ready for jobs now after announcing
   * "not accepting" (runtime loading, say), or unable to record jobs (disk full) after
   * announcing "accepting" — the only way to tell the network to leave it out of the rotation.
   */
  reannounce(): boolean {
    const { link, journal, log } = this.d;
    if (link.state !== 'ready') return false;
    const journalProblem = journal?.writeProblem ?? null;
    if (this.announcedAccepting && journalProblem) {
      log.warn(
        `Cannot record jobs (${journalProblem}): reopening the job session as not accepting.`,
      );
      link.reconnect();
      return true;
    }
    if (this.announcedAccepting || !this.wantsJobs()) return false;
    log.info('Ready for jobs now: reopening the job session to say so.');
    link.reconnect();
    return true;
  }
}
