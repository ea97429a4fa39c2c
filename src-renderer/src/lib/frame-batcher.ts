/** Schedules one callback for the next frame; requestAnimationFrame in the browser. */
export type FrameScheduler = (callback: () => void) => void;

export const animationFrameScheduler: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
};

/**
 * Collects items pushed at any rate and hands them over at most once per frame. The pending
 * queue is capped (a hidden tab gets no frames) and keeps the newest items.
 */
export class FrameBatcher<T> {
  #pending: T[] = [];
  #scheduled = false;
  readonly #flush: (items: T[]) => void;
  readonly #schedule: FrameScheduler;
  readonly #maxPending: number;

  constructor(flush: (items: T[]) => void, schedule: FrameScheduler, maxPending: number) {
    this.#flush = flush;
    this.#schedule = schedule;
    this.#maxPending = maxPending;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) this.#pending.push(item);
    if (this.#pending.length > this.#maxPending) {
      this.#pending = this.#pending.slice(this.#pending.length - this.#maxPending);
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.flushNow());
    }
  }

  flushNow(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const items = this.#pending;
    this.#pending = [];
    this.#flush(items);
  }

  /** Drops what has not been flushed yet (a fresh snapshot replaces it). */
  discard(): void {
    this.#pending = [];
  }
}
