/**
 * Remembers nonces for as long as their timestamps could still pass the skew check, so a message
 * can be accepted once and only once. Memory is bounded by the message rate times the window.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly windowMs: number) {}

  /** Records the nonce; returns false if it was already seen inside the window. */
  remember(key: string, timestampMs: number, nowMs: number): boolean {
    this.sweep(nowMs);
    if (this.seen.has(key)) return false;
    this.seen.set(key, timestampMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < this.windowMs / 4) return;
    this.lastSweep = nowMs;
    const oldest = nowMs - 2 * this.windowMs;
    for (const [key, ts] of this.seen) if (ts < oldest) this.seen.delete(key);
  }
}
