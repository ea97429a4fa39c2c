import { Backoff } from './backoff.js';

/** First wait after the network replaced this node's session (close 4409): minutes, not seconds. */
export const CONFLICT_RETRY_BASE_MS = 5 * 60_000;
/** The longest wait between attempts while the key keeps being used elsewhere. */
export const CONFLICT_RETRY_MAX_MS = 60 * 60_000;
/** A session that survives this long means the other machine is gone: forget the conflict. */
const CONFLICT_STABLE_MS = 10 * 60_000;

/**
 * The job link's answer to close 4409 (docs/PROTOCOL.md): the same node key opened a session
 * elsewhere, so reconnecting at once would only push that one off in turn, every few seconds.
 * The link waits minutes instead (5, 10, 20, … 60 min, jittered) and ignores "reconnect now"
 * requests until then; a session that stays up for 10 minutes resets it.
 */
export class SessionConflict {
  private readonly backoff: Backoff;
  private until: number | null = null;

  constructor(
    private readonly clock: { now(): number },
    random?: () => number,
  ) {
    this.backoff = new Backoff({
      baseMs: CONFLICT_RETRY_BASE_MS,
      maxMs: CONFLICT_RETRY_MAX_MS,
      stablePeriodMs: CONFLICT_STABLE_MS,
      clock,
      ...(random ? { random } : {}),
    });
  }

  /** The session was replaced: how long to wait before trying again. */
  replaced(): number {
    const ms = this.backoff.next();
    this.until = this.clock.now() + ms;
    return ms;
  }

  /** True while waiting out a conflict: "reconnect now" must not cut the wait short. */
  holding(): boolean {
    return this.until !== null && this.clock.now() < this.until;
  }

  connected(): void {
    this.until = null;
    this.backoff.markConnected();
  }

  disconnected(): void {
    this.backoff.markDisconnected();
  }
}
