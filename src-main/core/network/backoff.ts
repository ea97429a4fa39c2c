export interface BackoffOptions {
  /** First delay, before jitter. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /** A connection that stayed up this long resets the attempt count. Default 30 s. */
  stablePeriodMs?: number;
  /** Random number in [0, 1); injectable for tests. */
  random?: () => number;
  clock: { now(): number };
}

/**
 * Jittered exponential backoff ("equal jitter"): attempt n waits a random time in
 * [d/2, d] with d = min(max, base·2ⁿ), so reconnecting nodes spread out after an outage
 * yet never hammer the network. A connection that stays up for the stable period resets it.
 */
export class Backoff {
  private attempt = 0;
  private connectedAt: number | null = null;
  private baseMs: number;
  private maxMs: number;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions) {
    this.baseMs = opts.baseMs;
    this.maxMs = opts.maxMs;
    this.random = opts.random ?? Math.random;
    this.validate();
  }

  get attempts(): number {
    return this.attempt;
  }

  /** Updates base and cap (from a new config snapshot's ttl.retry_*). */
  configure(baseMs: number, maxMs: number): void {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.validate();
  }

  /** The ceiling of the next delay, before jitter. */
  ceiling(): number {
    // 2^attempt overflows to Infinity long after the cap applies; min() keeps it finite.
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 52));
  }

  /** The delay before the next attempt; each call counts as one more failed attempt. */
  next(): number {
    const ceiling = this.ceiling();
    this.attempt += 1;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  markConnected(): void {
    this.connectedAt = this.opts.clock.now();
  }

  /** Call when the connection drops: a stable connection forgives earlier failures. */
  markDisconnected(): void {
    if (
      this.connectedAt !== null &&
      this.opts.clock.now() - this.connectedAt >= (this.opts.stablePeriodMs ?? 30_000)
    ) {
      this.attempt = 0;
    }
    this.connectedAt = null;
  }

  reset(): void {
    this.attempt = 0;
  }

  private validate(): void {
    if (!(this.baseMs > 0) || !(this.maxMs >= this.baseMs)) {
      throw new RangeError(`invalid backoff: base ${this.baseMs} ms, max ${this.maxMs} ms`);
    }
  }
}
