import type { Logger } from '../logger.js';
import type { Job } from '../protocol/index.js';

/**
 * The offset between the network's clock and this machine's (docs/PROTOCOL.md, "Clocks"):
 * measured from every `server_time` the network sends, used to read the network's job times
 * (`assigned_at`, `deadline_at`) on the local clock, and warned about in plain words when it
 * is large, in either direction.
 */
export class NetworkClock {
  /** network − local, in ms; 0 until the first measurement. */
  private offset = 0;
  private measured = false;
  /** The offset last warned about (null: within bounds, or not warned yet). */
  private warnedAt: number | null = null;

  constructor(
    private readonly log: Logger,
    /** |offset| above which the operator is told; half the snapshot's clock_skew_ms. */
    private readonly warnAboveMs: () => number,
  ) {}

  get offsetMs(): number {
    return this.offset;
  }

  /**
   * One reading: the network said `serverTime` in an answer to a request sent at `sentAt` and
   * received at `receivedAt` (local clock; equal for a frame without a request).
   */
  observe(serverTime: number, sentAt: number, receivedAt: number = sentAt): void {
    this.offset = Math.round(serverTime - (sentAt + receivedAt) / 2);
    this.measured = true;
    this.warnIfLarge();
  }

  /** A job with its network-clock times moved onto the local clock. */
  toLocal(job: Job): Job {
    if (!this.measured || this.offset === 0) return job;
    return {
      ...job,
      assigned_at: Math.max(0, job.assigned_at - this.offset),
      deadline_at: Math.max(0, job.deadline_at - this.offset),
    };
  }

  private warnIfLarge(): void {
    const limit = this.warnAboveMs();
    const size = Math.abs(this.offset);
    if (size <= limit) {
      if (this.warnedAt !== null) {
        this.log.info('The network clock and this machine’s clock agree again.');
      }
      this.warnedAt = null;
      return;
    }
    // Warn once per real change, not at every heartbeat.
    if (this.warnedAt !== null && Math.abs(this.offset - this.warnedAt) <= limit / 2) return;
    this.warnedAt = this.offset;
    const seconds = Math.round(size / 1000);
    const direction = this.offset < 0 ? 'behind' : 'ahead of';
    this.log.warn(
      `The network's clock is ${seconds} s ${direction} this machine's. Job deadlines are read on the network's clock, so jobs still run; if this machine's clock is the wrong one, enable automatic time sync (NTP).`,
    );
  }
}
