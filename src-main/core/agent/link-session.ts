import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { CLOSE_NOT_REGISTERED, CLOSE_UNAUTHORISED } from '../network/close-codes.js';
import type { DisconnectInfo, JobLinkApi, SessionInfo } from '../network/job-link.js';
import type { NetworkMessage } from '../protocol/index.js';

export interface LinkSessionHooks {
  up(session: SessionInfo): void;
  /** `problem` is null when the link is fine again, else the reason it is down. */
  problem(reason: string | null): void;
  notRegistered(): void;
  /** The network refused the session signature (often a skewed clock). */
  unauthorised(): void;
  message(msg: NetworkMessage): void;
}

/**
 * Watches the job link for the agent: a drop only counts as a problem when the link is not
 * back within the grace period (a quick reconnect is not worth a `degraded` flash).
 */
export class LinkSession {
  private graceTimer: TimerHandle | null = null;
  private quiet = false;

  constructor(
    readonly link: JobLinkApi,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly graceMs: number,
    private readonly hooks: LinkSessionHooks,
  ) {
    link.on('connected', (s) => this.onUp(s));
    link.on('disconnected', (d) => this.onDown(d));
    link.on('message', (m) => hooks.message(m));
  }

  async stop(reason: string): Promise<void> {
    this.quiet = true;
    this.clearGrace();
    await this.link.stop(reason);
  }

  private onUp(session: SessionInfo): void {
    this.clearGrace();
    this.hooks.problem(null);
    this.hooks.up(session);
  }

  private onDown(info: DisconnectInfo): void {
    if (this.quiet) return;
    if (info.requested) this.log.info(`Job connection closed: ${info.reason}.`);
    else this.log.warn(`Job connection closed: ${info.reason}.`);
    if (info.code === CLOSE_NOT_REGISTERED) this.hooks.notRegistered();
    if (info.code === CLOSE_UNAUTHORISED) this.hooks.unauthorised();
    if (!info.willReconnect) {
      this.clearGrace();
      return this.hooks.problem(`the job connection closed for good: ${info.reason}`);
    }
    if (this.graceTimer !== null) return;
    this.graceTimer = this.clock.setTimeout(() => {
      this.graceTimer = null;
      if (this.link.state === 'ready') return;
      this.hooks.problem(
        `the job connection to the network is down (${info.reason}); reconnecting`,
      );
    }, this.graceMs);
  }

  private clearGrace(): void {
    if (this.graceTimer !== null) this.clock.clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }
}
