import type { Clock, TimerHandle } from '../clock.js';
import type { NodeMessageSender } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import {
  CLOSE_NOT_REGISTERED,
  CLOSE_REPLACED,
  CLOSE_UNAUTHORISED,
} from '../network/close-codes.js';
import type {
  DisconnectInfo,
  JobLinkApi,
  JobLinkOptions,
  JobLinkState,
  SessionInfo,
} from '../network/job-link.js';
import type { LinkMessage, NodeMessageBody, NodeMessageType } from '../protocol/index.js';

export interface LinkSessionHooks {
  up(session: SessionInfo): void;
  /** `problem` is null when the link is fine again, else the reason it is down. */
  problem(reason: string | null): void;
  notRegistered(): void;
  /** The network refused the session signature (often a skewed clock). */
  unauthorised(): void;
  message(msg: LinkMessage): void;
}

export interface LinkSessionStart {
  /** How to open the link (URL from the registration, timers from the snapshot). */
  link: JobLinkOptions;
  /** A drop only counts as a problem when the link is not back within this long. */
  graceMs: number;
  hooks: LinkSessionHooks;
}

/**
 * The one holder of the node's current job link. The composition creates it and hands it to
 * the job engine (which sends accepts, partials and results through it) and to the agent
 * (which starts, re-opens and stops it). The link itself only exists once the node knows
 * where to connect (after registration), so `send` answers false until then.
 *
 * It also watches the link for the agent: a drop only counts as a problem when the link is
 * not back within the grace period (a quick reconnect is not worth a `degraded` flash).
 */
export class LinkSession implements NodeMessageSender {
  private link: JobLinkApi | null = null;
  private hooks: LinkSessionHooks | null = null;
  private graceMs = 0;
  private graceTimer: TimerHandle | null = null;
  private quiet = false;

  constructor(
    private readonly createLink: (opts: JobLinkOptions) => JobLinkApi,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** 'idle' until started. */
  get state(): JobLinkState {
    return this.link?.state ?? 'idle';
  }

  /** Creates the link on the first call, then (re)starts it. */
  start(o: LinkSessionStart): void {
    if (!this.link) {
      this.hooks = o.hooks;
      this.graceMs = o.graceMs;
      const link = this.createLink(o.link);
      link.onConnected((s) => this.onUp(s));
      link.onDisconnected((d) => this.onDown(d));
      link.onMessage((m) => this.hooks?.message(m));
      this.link = link;
    }
    this.quiet = false;
    this.link.start();
  }

  /** Sends on the current link; false when it is not open (the caller keeps what it sent). */
  send<T extends NodeMessageType>(type: T, body: NodeMessageBody<T>): boolean {
    return this.link?.send(type, body) ?? false;
  }

  /** Closes the current connection and opens a new session at once (a no-op before start). */
  reconnect(): void {
    this.link?.reconnect();
  }

  /** Closes the session and opens a new one after `ms` (the network's drain; a no-op before start). */
  pause(ms: number, reason: string): void {
    this.link?.pause(ms, reason);
  }

  setRetry(baseMs: number, maxMs: number): void {
    this.link?.setRetry(baseMs, maxMs);
  }

  async stop(reason: string): Promise<void> {
    this.quiet = true;
    this.clearGrace();
    await this.link?.stop(reason);
  }

  private onUp(session: SessionInfo): void {
    this.clearGrace();
    this.hooks?.problem(null);
    this.hooks?.up(session);
  }

  private onDown(info: DisconnectInfo): void {
    const hooks = this.hooks;
    if (this.quiet || !hooks) return;
    if (info.requested) this.log.info(`Job connection closed: ${info.reason}.`);
    else this.log.warn(`Job connection closed: ${info.reason}.`);
    if (info.code === CLOSE_NOT_REGISTERED) hooks.notRegistered();
    if (info.code === CLOSE_UNAUTHORISED) hooks.unauthorised();
    if (info.code === CLOSE_REPLACED && info.willReconnect) {
      // At once, not after the grace period: the operator has to act (docs/PROTOCOL.md, 4409).
      this.clearGrace();
      return hooks.problem(keyInUseElsewhere(info.retryInMs));
    }
    if (!info.willReconnect) {
      this.clearGrace();
      return hooks.problem(`the job connection closed for good: ${info.reason}`);
    }
    if (this.graceTimer !== null) return;
    this.graceTimer = this.clock.setTimeout(() => {
      this.graceTimer = null;
      if (this.state === 'ready') return;
      hooks.problem(`the job connection to the network is down (${info.reason}); reconnecting`);
    }, this.graceMs);
  }

  private clearGrace(): void {
    if (this.graceTimer !== null) this.clock.clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }
}

/** The conflict state's reason: what happened, why it matters, what to do. */
export function keyInUseElsewhere(retryInMs: number | null): string {
  const minutes = retryInMs === null ? null : Math.max(1, Math.round(retryInMs / 60_000));
  return (
    'This node key is running on another machine: the network gave its session to the other ' +
    'one (close 4409), so this node stopped taking jobs instead of fighting over it. Run the ' +
    'key on one machine only: stop the node on the other machine (or this one), or give one of ' +
    'them a key of its own' +
    (minutes === null ? '.' : `. This node tries again in about ${minutes} min.`)
  );
}
