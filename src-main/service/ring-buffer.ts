/** Fixed-capacity FIFO: pushing past capacity drops the oldest item. O(1) push, no shifting. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}.`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The newest `n` items (all when omitted), oldest first. */
  last(n = this.count): T[] {
    const take = Math.max(0, Math.min(n, this.count));
    const out: T[] = new Array<T>(take);
    const first = this.count - take;
    for (let i = 0; i < take; i++) {
      out[i] = this.items[(this.start + first + i) % this.capacity] as T;
    }
    return out;
  }

  /** Drops items from the oldest end while `predicate` holds for the oldest. */
  dropWhile(predicate: (item: T) => boolean): void {
    while (this.count > 0 && predicate(this.items[this.start] as T)) {
      this.items[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }
}
