import type { JobDto } from '../../../src-main/contract/index.js';

/**
 * The jobs the dashboard holds, in the order the node first reported them, bounded. An update
 * replaces its job in place (O(1)); the newest is row 0. Mutated in place: the store bumps a
 * version number instead of copying 100,000 rows on every event.
 */
export class JobList {
  #rows: JobDto[] = [];
  /** jobId → absolute position (position - #dropped = index in #rows). */
  #where = new Map<string, number>();
  #dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#rows.length;
  }

  /** Row i, newest first. */
  at(i: number): JobDto | undefined {
    return this.#rows[this.#rows.length - 1 - i];
  }

  upsert(job: JobDto): void {
    const pos = this.#where.get(job.jobId);
    if (pos !== undefined) {
      this.#rows[pos - this.#dropped] = job;
      return;
    }
    this.#where.set(job.jobId, this.#dropped + this.#rows.length);
    this.#rows.push(job);
    // Trimmed in chunks, so the copy happens once per 5% of the capacity, not per job.
    if (this.#rows.length > this.capacity + Math.ceil(this.capacity / 20)) this.#trim();
  }

  /** Replaces everything (a snapshot), oldest update first. */
  replace(jobs: readonly JobDto[]): void {
    this.#rows = [];
    this.#where = new Map();
    this.#dropped = 0;
    const sorted = [...jobs].sort((a, b) => a.updatedAt - b.updatedAt);
    for (const job of sorted.slice(-this.capacity)) this.upsert(job);
  }

  /** Newest first. */
  toArray(): JobDto[] {
    return [...this.#rows].reverse();
  }

  #trim(): void {
    const drop = this.#rows.length - this.capacity;
    for (let i = 0; i < drop; i++) this.#where.delete(this.#rows[i]!.jobId);
    this.#rows = this.#rows.slice(drop);
    this.#dropped += drop;
  }
}
