import type { JobEngineApi } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import type { LinkSession } from './link-session.js';

export interface NetworkPauseDeps {
  jobs: Pick<JobEngineApi, 'drain' | 'undrain' | 'counters'>;
  link: Pick<LinkSession, 'send' | 'pause'>;
  /** Shows the pause as the node's state (`draining` with the reason), or clears it (null). */
  showPaused: (reason: string | null) => void;
  /** How long after drain_ack the node opens a new session (the snapshot's retry_max_ms). */
  resumeAfterMs: () => number;
  /** The operator's pause holds the jobs too: the end of this one leaves them held. */
  operatorHolding?: () => boolean;
  log: Logger;
}

type Phase = 'serving' | 'draining' | 'waiting';

/**
 * The network's `drain` (docs/PROTOCOL.md, "Drain and pause"): stop accepting, finish the jobs
 * in flight, acknowledge, close the session and open a new one later. It never stops the
 * process: only the operator does that.
 */
export class NetworkPause {
  private phase: Phase = 'serving';

  constructor(private readonly d: NetworkPauseDeps) {}

  /** True while finishing jobs for a drain: a session opened now announces `accepting: false`. */
  get holding(): boolean {
    return this.phase === 'draining';
  }

  /** True from the drain until a new session: the jobs stay held meanwhile. */
  get active(): boolean {
    return this.phase !== 'serving';
  }

  begin(reason: string, drainMs: number): void {
    if (this.phase === 'draining') return;
    const why = `paused by the network: ${reason}`;
    this.phase = 'draining';
    this.d.showPaused(why);
    this.d.log.warn(`The network asked this node to pause (${reason}): finishing jobs in flight.`);
    void this.d.jobs
      .drain(drainMs)
      .catch((err: unknown) => this.d.log.error(`Draining jobs failed: ${(err as Error).message}`))
      .then(() => {
        if (this.phase !== 'draining') return;
        const link = this.d.link;
        link.send('drain_ack', { in_flight: this.d.jobs.counters().in_flight });
        const after = this.d.resumeAfterMs();
        this.phase = 'waiting';
        this.d.showPaused(`${why}; reconnecting in ${Math.ceil(after / 1000)} s`);
        this.d.log.info(`Paused: the job session reopens in ${Math.ceil(after / 1000)} s.`);
        link.pause(after, 'paused by the network (drain)');
      });
  }

  /** A new authenticated session: a finished pause is over, serving resumes. */
  sessionUp(): void {
    if (this.phase !== 'waiting') return;
    this.phase = 'serving';
    if (!this.d.operatorHolding?.()) this.d.jobs.undrain();
    this.d.showPaused(null);
    this.d.log.info('The pause is over: taking jobs again.');
  }
}
