import type { LogLineDto } from '../../../src-main/contract/index.js';

/**
 * Fixed-capacity ring of log lines addressed by ABSOLUTE index (0 = first line ever appended),
 * so views and filters keep stable positions while the oldest lines fall off the front.
 */
export class LogRing {
  readonly capacity: number;
  #buffer: (LogLineDto | undefined)[];
  #start = 0;
  #size = 0;
  #total = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
    this.capacity = capacity;
    this.#buffer = new Array<LogLineDto | undefined>(capacity);
  }

  /** Lines currently held. */
  get size(): number {
    return this.#size;
  }

  /** Absolute index one past the newest line (= lines ever appended). */
  get endAbs(): number {
    return this.#total;
  }

  /** Absolute index of the oldest line still held. */
  get startAbs(): number {
    return this.#total - this.#size;
  }

  get last(): LogLineDto | undefined {
    return this.#size === 0 ? undefined : this.at(this.#total - 1);
  }

  append(lines: readonly LogLineDto[]): void {
    // Only the newest `capacity` lines of a huge batch can survive; skip the rest up front.
    const skip = Math.max(0, lines.length - this.capacity);
    this.#total += skip;
    for (let i = skip; i < lines.length; i++) {
      const end = (this.#start + this.#size) % this.capacity;
      this.#buffer[end] = lines[i];
      if (this.#size < this.capacity) this.#size += 1;
      else this.#start = (this.#start + 1) % this.capacity;
      this.#total += 1;
    }
    if (skip > 0 && this.#size < this.capacity) {
      // Cannot happen (skip > 0 means the batch alone fills the ring), kept as a guard.
      throw new Error('log ring invariant broken');
    }
  }

  /** The line at an absolute index, or undefined when it has fallen off or is not there yet. */
  at(abs: number): LogLineDto | undefined {
    if (abs < this.startAbs || abs >= this.#total) return undefined;
    return this.#buffer[(this.#start + (abs - this.startAbs)) % this.capacity];
  }

  clear(): void {
    this.#buffer = new Array<LogLineDto | undefined>(this.capacity);
    this.#start = 0;
    this.#size = 0;
  }

  /** A copy holding the same lines at the same absolute indices (a frozen view for Pause). */
  clone(): LogRing {
    const copy = new LogRing(this.capacity);
    copy.#buffer = this.#buffer.slice();
    copy.#start = this.#start;
    copy.#size = this.#size;
    copy.#total = this.#total;
    return copy;
  }

  toArray(): LogLineDto[] {
    const out: LogLineDto[] = [];
    for (let abs = this.startAbs; abs < this.#total; abs++) out.push(this.at(abs)!);
    return out;
  }
}
