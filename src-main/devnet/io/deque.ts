/** FIFO with O(1) push, shift and unshift (reassigned jobs go back to the front). */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;
  private readonly front: T[] = [];

  get length(): number {
    return this.front.length + this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    this.front.push(item);
  }

  peek(): T | undefined {
    return this.front.length ? this.front[this.front.length - 1] : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.front.length) return this.front.pop();
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keeps only the items for which `keep` is true (order preserved). */
  retain(keep: (item: T) => boolean): void {
    const f = this.front.filter(keep);
    this.front.length = 0;
    this.front.push(...f);
    this.items = this.items.slice(this.head).filter(keep);
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.front.length - 1; i >= 0; i--) yield this.front[i]!;
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}
